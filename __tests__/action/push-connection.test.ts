// The credential inputs as the action reads them: `github-token` only ever serves ghcr.io, with
// GITHUB_ACTOR as user, and only as the last resort (the client asks for the fallback after
// explicit credentials and the Docker config). ghcr.io itself is not reachable from tests.
import { jest } from '@jest/globals';
import { readRemoteOptions } from '../../src/action/inputs/connection.js';
import { inputVariable } from '../support/run-action.js';

describe('github-token', () => {
  const saved = { ...process.env };
  let stdout: jest.SpiedFunction<typeof process.stdout.write>;
  beforeEach(() => {
    // @actions/core writes ::add-mask:: to stdout; keep the test output clean and look at it.
    stdout = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  });
  afterEach(() => {
    stdout.mockRestore();
    process.env = { ...saved };
  });

  const setInputs = (inputs: Record<string, string>): void => {
    for (const [name, value] of Object.entries(inputs)) process.env[inputVariable(name)] = value;
  };

  it('is offered to ghcr.io only, as GITHUB_ACTOR, and masked', () => {
    setInputs({ 'github-token': 'ghs_token1', username: '', password: '' });
    process.env['GITHUB_ACTOR'] = 'octocat';
    const options = readRemoteOptions();
    expect(options.credentials).toBeUndefined();
    expect(options.fallbackCredentials?.('ghcr.io')).toEqual({
      kind: 'basic',
      username: 'octocat',
      password: 'ghs_token1',
    });
    expect(options.fallbackCredentials?.('registry.example.com')).toBeUndefined();
    expect(options.fallbackCredentials?.('127.0.0.1:5000')).toBeUndefined();
    expect(stdout.mock.calls.map(([text]) => String(text)).join('')).toContain(
      '::add-mask::ghs_token1',
    );
  });

  it('leaves ghcr.io anonymous when empty, and gives way to username and password', () => {
    setInputs({ 'github-token': '', username: '', password: '' });
    expect(readRemoteOptions().fallbackCredentials?.('ghcr.io')).toBeUndefined();

    setInputs({ 'github-token': 'ghs_token2', username: 'me', password: 'pat' });
    const options = readRemoteOptions();
    expect(options.credentials).toEqual({ kind: 'basic', username: 'me', password: 'pat' });
  });
});
