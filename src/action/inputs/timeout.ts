// `timeout`: seconds for the whole command, a hard deadline; empty (the default) for none.
import { InputError } from '../input-error.js';
import { readString } from './read.js';

/** The most a Node.js timer can wait, in whole seconds (about 24.8 days). */
export const MAX_TIMEOUT_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

export function readTimeout(): number | undefined {
  const value = readString('timeout');
  if (value === '') return undefined;
  const seconds = Number(value);
  if (!/^\d+$/.test(value) || seconds < 1 || seconds > MAX_TIMEOUT_SECONDS) {
    throw new InputError(
      'timeout',
      value,
      `a whole number of seconds from 1 to ${MAX_TIMEOUT_SECONDS}, or nothing for no timeout`,
    );
  }
  return seconds;
}
