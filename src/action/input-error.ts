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
