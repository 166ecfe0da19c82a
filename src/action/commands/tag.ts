import { InputError } from '../input-error.js';

/** Reads the inputs of `command: tag`, runs it, and writes its outputs and job summary. */
export async function runTag(): Promise<void> {
  throw new InputError('command', 'tag', 'a command this build implements (not yet: tag)');
}
