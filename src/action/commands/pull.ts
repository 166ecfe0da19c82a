import { InputError } from '../input-error.js';

/** Reads the inputs of `command: pull`, runs it, and writes its outputs and job summary. */
export async function runPull(): Promise<void> {
  throw new InputError('command', 'pull', 'a command this build implements (not yet: pull)');
}
