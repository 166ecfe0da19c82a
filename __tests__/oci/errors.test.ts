import { IndexError } from '../../src/commands/image-index/errors.js';
import { PullError } from '../../src/commands/pull/errors.js';
import { CodedError, OciError, RegistryError } from '../../src/oci/errors.js';

describe('coded errors', () => {
  it.each([
    [new OciError('NOT_FOUND', 'm'), 'OciError', 'NOT_FOUND'],
    [new PullError('UNSAFE_PATH', 'm'), 'PullError', 'UNSAFE_PATH'],
    [new IndexError('NOT_AN_INDEX', 'm'), 'IndexError', 'NOT_AN_INDEX'],
    [
      new RegistryError('DENIED', { operation: 'push', reference: 'r.io/app' }),
      'RegistryError',
      'DENIED',
    ],
  ])('%s keeps its name and code', (error, name, code) => {
    expect(error).toBeInstanceOf(CodedError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe(name);
    expect(error.code).toBe(code);
    expect(String(error)).toMatch(new RegExp(`^${name}: `));
  });

  it('carries the cause it was given', () => {
    const cause = new Error('below');
    expect(new PullError('UNSAFE_PATH', 'm', { cause }).cause).toBe(cause);
  });
});
