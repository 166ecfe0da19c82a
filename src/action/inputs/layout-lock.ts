// How a command waits for other processes writing into the same layout folder (see
// src/oci/layout/lock-file.ts): the client's default wait, and its log for stale locks removed.
import type { LockOptions } from '../../oci/layout/lock-file.js';
import { clientLogger } from '../log.js';

/** Test only: the longest wait for a layout's lock, in milliseconds, instead of the 60 s default. */
export const LOCK_WAIT_KNOB = 'OCI_ACTION_TEST_LOCK_WAIT_MS';

export function layoutLockOptions(env: NodeJS.ProcessEnv = process.env): LockOptions {
  const options: LockOptions = { logger: clientLogger };
  const waitMs = Number(env[LOCK_WAIT_KNOB]);
  if (Number.isSafeInteger(waitMs) && waitMs > 0) options.waitMs = waitMs;
  return options;
}
