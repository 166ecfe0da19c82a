// Test-only knobs: environment variables that shorten the client's clocks, so the end-to-end
// tests of timeouts and retries take seconds instead of minutes. They are read here and nowhere
// else; unset (as on every real runner), the documented defaults apply (docs/deadlines.md).
import type { DeadlineOptions, RetryOptions } from '../oci/remote/options.js';

const DEADLINE_KNOBS: Record<string, keyof DeadlineOptions> = {
  OCI_ACTION_TEST_CONNECT_MS: 'connectMs',
  OCI_ACTION_TEST_ANSWER_MS: 'answerMs',
  OCI_ACTION_TEST_ANSWER_BYTES_PER_SECOND: 'answerBytesPerSecond',
  OCI_ACTION_TEST_STALL_MS: 'stallMs',
  OCI_ACTION_TEST_LOW_SPEED_BYTES_PER_SECOND: 'lowSpeedBytesPerSecond',
  OCI_ACTION_TEST_LOW_SPEED_WINDOW_MS: 'lowSpeedWindowMs',
};

const RETRY_KNOBS: Record<string, keyof RetryOptions> = {
  OCI_ACTION_TEST_RETRY_BASE_MS: 'baseDelayMs',
  OCI_ACTION_TEST_RETRY_MAX_MS: 'maxDelayMs',
};

export interface TestKnobs {
  deadlines?: DeadlineOptions;
  retry?: RetryOptions;
}

/** The knobs that are set; `{}` when none is, so the client's defaults apply. */
export function readTestKnobs(env: NodeJS.ProcessEnv = process.env): TestKnobs {
  const deadlines: DeadlineOptions = {};
  const retry: RetryOptions = {};
  for (const [name, key] of Object.entries(DEADLINE_KNOBS)) {
    const value = knob(env, name);
    if (value !== undefined) deadlines[key] = value;
  }
  for (const [name, key] of Object.entries(RETRY_KNOBS)) {
    const value = knob(env, name);
    if (value !== undefined) retry[key] = value;
  }
  return {
    ...(Object.keys(deadlines).length > 0 ? { deadlines } : {}),
    ...(Object.keys(retry).length > 0 ? { retry } : {}),
  };
}

/**
 * How long a push's manifest may hold a cancellation back (interruption.ts HOLD_MS); undefined
 * when the knob is unset, so the default applies.
 */
export function readHoldKnob(env: NodeJS.ProcessEnv = process.env): number | undefined {
  return knob(env, 'OCI_ACTION_TEST_HOLD_MS');
}

function knob(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const text = env[name];
  if (text === undefined || text === '') return undefined;
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value)) {
    throw new Error(
      `${name} (a test-only setting) must be a whole number, not ${JSON.stringify(text)}`,
    );
  }
  return value;
}
