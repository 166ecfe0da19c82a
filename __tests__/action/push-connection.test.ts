// The credential inputs as the action reads them: `github-token` only ever serves the container
// registry of the GitHub the workflow runs on (ghcr.io, or containers.<host> on GitHub
// Enterprise Server and GHE.com), with GITHUB_ACTOR as user, and only as the last resort (the
// client asks for the fallback after explicit credentials and the Docker config). Those hosts
// are not reachable from tests.
import { jest } from '@jest/globals';
import { githubContainerRegistry, readRemoteOptions } from '../../src/action/inputs/connection.js';
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
    process.env['GITHUB_SERVER_URL'] = 'https://github.com';
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

  it.each([
    ['https://ghes.example.com', 'containers.ghes.example.com'],
    ['https://GHES.Example.com:8443/', 'containers.ghes.example.com'],
    ['https://octocorp.ghe.com', 'containers.octocorp.ghe.com'],
  ])(
    "on %s, is offered to %s, the instance's own registry, and not to ghcr.io",
    (server, registry) => {
      setInputs({ 'github-token': 'ghs_token3', username: '', password: '' });
      process.env['GITHUB_ACTOR'] = 'monalisa';
      process.env['GITHUB_SERVER_URL'] = server;
      const options = readRemoteOptions();
      expect(options.fallbackCredentials?.(registry)).toEqual({
        kind: 'basic',
        username: 'monalisa',
        password: 'ghs_token3',
      });
      expect(options.fallbackCredentials?.(registry.toUpperCase())).toBeDefined();
      // The instance's token means nothing to ghcr.io, nor to the instance's web host.
      expect(options.fallbackCredentials?.('ghcr.io')).toBeUndefined();
      expect(options.fallbackCredentials?.(new URL(server).host.toLowerCase())).toBeUndefined();
    },
  );
});

describe('githubContainerRegistry', () => {
  it.each([
    [undefined, 'ghcr.io'],
    ['', 'ghcr.io'],
    ['https://github.com', 'ghcr.io'],
    ['https://github.com/', 'ghcr.io'],
    ['https://ghes.internal', 'containers.ghes.internal'],
    ['http://10.0.0.5', 'containers.10.0.0.5'],
    ['https://acme.ghe.com', 'containers.acme.ghe.com'],
    ['not a url', undefined],
  ])('%j → %j', (server, registry) => {
    expect(githubContainerRegistry(server)).toBe(registry);
  });
});
