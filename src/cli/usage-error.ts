/** A command line the CLI cannot run: an unknown command or flag, a flag without its value. */
export class UsageError extends Error {
  readonly code = 'USAGE';

  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
