import { InputError } from '../input-error.js';

/** Reads the inputs of `command: repo-ls`, runs it, and writes its outputs and job summary. */
export async function runRepoLs(): Promise<void> {
  throw new InputError('command', 'repo-ls', 'a command this build implements (not yet: repo-ls)');
}
