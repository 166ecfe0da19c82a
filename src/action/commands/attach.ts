import { InputError } from '../input-error.js';

/** Reads the inputs of `command: attach`, runs it, and writes its outputs and job summary. */
export async function runAttach(): Promise<void> {
  throw new InputError('command', 'attach', 'a command this build implements (not yet: attach)');
}
