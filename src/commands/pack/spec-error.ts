/**
 * A problem with what the user asked for (a files entry, the config, an annotation file), found
 * while packing. Names the input so the action can report it as bad input; the commands layer
 * cannot use the action's InputError.
 */
export class SpecError extends Error {
  constructor(
    readonly input: string,
    readonly given: string,
    readonly expected: string,
  ) {
    super(`${input}: got ${JSON.stringify(given)}; expected ${expected}`);
    this.name = 'SpecError';
  }
}
