import { InputError } from '../input-error.js';

/** Reads the inputs of `command: push`, runs it, and writes its outputs and job summary. */
export async function runPush(): Promise<void> {
  throw new InputError('command', 'push', 'a command this build implements (not yet: push)');
}
