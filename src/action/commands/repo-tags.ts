import { InputError } from '../input-error.js';

/** Reads the inputs of `command: repo-tags`, runs it, and writes its outputs and job summary. */
export async function runRepoTags(): Promise<void> {
  throw new InputError(
    'command',
    'repo-tags',
    'a command this build implements (not yet: repo-tags)',
  );
}
