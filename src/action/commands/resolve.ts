import { InputError } from '../input-error.js';

/** Reads the inputs of `command: resolve`, runs it, and writes its outputs and job summary. */
export async function runResolve(): Promise<void> {
  throw new InputError('command', 'resolve', 'a command this build implements (not yet: resolve)');
}
