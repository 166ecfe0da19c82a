// A write that found the output filesystem full (ENOSPC, or the user's quota: EDQUOT), said with
// what the pull needed and what the filesystem had, so that the user knows how much to free, or
// to pull elsewhere. The pull cleans up as after any other failure.
import { errorChain } from '../../oci/remote/retry.js';
import { formatBytes } from '../format.js';
import { PullError } from './errors.js';
import type { WriteBudget } from './write-budget.js';

const FULL_CODES = new Set(['ENOSPC', 'EDQUOT']);

export interface DiskFullContext {
  /** The output folder that holds the pull's work folder. */
  folder: string;
  /** Bytes of every layer of the pull, as downloaded. */
  needed: number;
  budget: Pick<WriteBudget, 'freeAtOpen'>;
}

/** A PullError that says the disk is full, when `error` is that; else undefined. */
export function diskFull(error: unknown, context: DiskFullContext): PullError | undefined {
  if (![...errorChain(error)].some((e) => FULL_CODES.has(String(e.code)))) return undefined;
  const { folder, needed, budget } = context;
  return new PullError(
    'DISK_FULL',
    `no space left on the filesystem of ${folder}: the pull's layers take ` +
      `${formatBytes(needed)} as downloaded (a folder layer more once unpacked), and it had ` +
      `${formatBytes(budget.freeAtOpen.bytes)} free when the pull began. Free space on the ` +
      `runner, or pull into a folder on a larger disk (input "path"); nothing was kept`,
    { cause: error },
  );
}
