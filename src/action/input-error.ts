/** Bad input: names the input, what was given and what was expected. */
export class InputError extends Error {
  constructor(
    readonly input: string,
    readonly given: string,
    readonly expected: string,
  ) {
    super(
      `Input "${input}": ${given === '' ? 'nothing was given' : `got ${JSON.stringify(given)}`}; expected ${expected}`,
    );
    this.name = 'InputError';
  }
}

/** An input the command cannot do without, left empty: `Input "files" is required for push`. */
export class RequiredInputError extends InputError {
  constructor(input: string, command: string, expected: string) {
    super(input, '', expected);
    this.message = `Input "${input}" is required for ${command}: ${expected}`;
    this.name = 'RequiredInputError';
  }
}
