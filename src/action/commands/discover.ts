import { InputError } from '../input-error.js';

/** Reads the inputs of `command: discover`, runs it, and writes its outputs and job summary. */
export async function runDiscover(): Promise<void> {
  throw new InputError(
    'command',
    'discover',
    'a command this build implements (not yet: discover)',
  );
}
