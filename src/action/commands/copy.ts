import { InputError } from '../input-error.js';

/** Reads the inputs of `command: copy`, runs it, and writes its outputs and job summary. */
export async function runCopy(): Promise<void> {
  throw new InputError('command', 'copy', 'a command this build implements (not yet: copy)');
}
