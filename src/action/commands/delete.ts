import { InputError } from '../input-error.js';

/** Reads the inputs of `command: delete`, runs it, and writes its outputs and job summary. */
export async function runDelete(): Promise<void> {
  throw new InputError('command', 'delete', 'a command this build implements (not yet: delete)');
}
