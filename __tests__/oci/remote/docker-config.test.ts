import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseReference } from '../../../src/oci/reference.js';
import {
  dockerConfigCredentials,
  entryCredentials,
  serverHost,
} from '../../../src/oci/remote/auth/docker-config.js';
import { RemoteRepository } from '../../../src/oci/remote/repository.js';
import type { RemoteOptions } from '../../../src/oci/remote/options.js';
import { silentLogger } from '../../../src/oci/logger.js';
import {
  basicAuthField,
  prependPath,
  writeCredentialHelper,
  writeDockerConfig,
} from '../../support/docker-config.js';
import { startRegistry, type Registry } from '../../support/registry.js';
import { makeTempDir } from '../../support/temp.js';
import { blob } from '../content.js';

describe('credentials from the Docker config', () => {
  let registry: Registry;
  let dir: Awaited<ReturnType<typeof makeTempDir>>;
  let restorePath: () => void;
  let helperLog: string;

  beforeAll(async () => {
    registry = await startRegistry({ htpasswd: { username: 'alice', password: 'pa:ss' } });
    dir = await makeTempDir('oci-docker-config-');
    helperLog = join(dir.path, 'helper.log');
    const bin = join(dir.path, 'bin');
    await writeCredentialHelper(
      bin,
      'test',
      { [registry.host]: { Username: 'alice', Secret: 'pa:ss' } },
      helperLog,
    );
    await writeCredentialHelper(
      bin,
      'tokens',
      { 'ghcr.example': { Username: '<token>', Secret: 'refresh-123' } },
      helperLog,
    );
    restorePath = prependPath(bin);
  });
  afterAll(async () => {
    restorePath?.();
    await registry?.stop();
    await dir?.remove();
  });

  const pushWith = async (options: RemoteOptions): Promise<string> => {
    const repo = new RemoteRepository(parseReference(`${registry.host}/config/app`), {
      retry: { attempts: 1 },
      ...options,
    });
    const layer = blob(`pushed with ${JSON.stringify(options.dockerConfigDir)} ${Math.random()}`);
    return repo.pushBlob(layer.descriptor, layer.source);
  };

  it('uses `auths` entries keyed by URL, splitting `auth` at the first colon', async () => {
    const config = await writeDockerConfig(join(dir.path, 'auths'), {
      auths: { [`https://${registry.host}/v2/`]: { auth: basicAuthField('alice', 'pa:ss') } },
    });
    await expect(pushWith({ dockerConfigDir: config })).resolves.toBe('uploaded');
  });

  it('reads $DOCKER_CONFIG when no folder is given', async () => {
    const config = await writeDockerConfig(join(dir.path, 'env'), {
      auths: { [registry.host]: { auth: basicAuthField('alice', 'pa:ss') } },
    });
    const previous = process.env['DOCKER_CONFIG'];
    process.env['DOCKER_CONFIG'] = config;
    try {
      await expect(pushWith({})).resolves.toBe('uploaded');
    } finally {
      if (previous === undefined) delete process.env['DOCKER_CONFIG'];
      else process.env['DOCKER_CONFIG'] = previous;
    }
  });

  it('asks credHelpers[host] first, sending the server address on stdin', async () => {
    const config = await writeDockerConfig(join(dir.path, 'helpers'), {
      credHelpers: { [registry.host]: 'test' },
      auths: { [registry.host]: { auth: basicAuthField('alice', 'wrong') } },
    });
    await expect(pushWith({ dockerConfigDir: config })).resolves.toBe('uploaded');
    expect((await readFile(helperLog, 'utf8')).split('\n')).toContain(registry.host);
  });

  it('falls through a credsStore that has nothing to `auths`', async () => {
    const config = await writeDockerConfig(join(dir.path, 'store'), {
      credsStore: 'tokens',
      auths: { [registry.host]: { auth: basicAuthField('alice', 'pa:ss') } },
    });
    await expect(pushWith({ dockerConfigDir: config })).resolves.toBe('uploaded');
  });

  it('warns about a helper that is not installed and carries on', async () => {
    const config = await writeDockerConfig(join(dir.path, 'missing'), {
      credsStore: 'absent-helper',
      auths: { [registry.host]: { auth: basicAuthField('alice', 'pa:ss') } },
    });
    const warnings: string[] = [];
    await expect(
      pushWith({
        dockerConfigDir: config,
        logger: { debug: () => {}, info: () => {}, warning: (m) => warnings.push(m) },
      }),
    ).resolves.toBe('uploaded');
    expect(warnings.join('\n')).toMatch(/docker-credential-absent-helper.*not on PATH/);
  });

  it('prefers explicit credentials, and uses the fallback only when the config has none', async () => {
    const empty = await writeDockerConfig(join(dir.path, 'empty'), {});
    await expect(
      pushWith({
        dockerConfigDir: empty,
        fallbackCredentials: (host) =>
          host === registry.host
            ? { kind: 'basic', username: 'alice', password: 'pa:ss' }
            : undefined,
      }),
    ).resolves.toBe('uploaded');
    await expect(
      pushWith({
        dockerConfigDir: empty,
        credentials: { kind: 'basic', username: 'alice', password: 'bad' },
        fallbackCredentials: () => ({ kind: 'basic', username: 'alice', password: 'pa:ss' }),
      }),
    ).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('says which source the credentials came from, once, never what they are, and masks what it found', async () => {
    const helpers = await writeDockerConfig(join(dir.path, 'said-helper'), {
      credHelpers: { [registry.host]: 'test' },
    });
    const auths = await writeDockerConfig(join(dir.path, 'said-auths'), {
      auths: { [`https://${registry.host}/v2/`]: { auth: basicAuthField('alice', 'pa:ss') } },
    });
    const empty = await writeDockerConfig(join(dir.path, 'said-empty'), {});
    const given = { kind: 'basic', username: 'alice', password: 'pa:ss' } as const;
    const cases: [RemoteOptions, string][] = [
      [
        { dockerConfigDir: helpers },
        `the credential helper docker-credential-test (named by the Docker config ${join(helpers, 'config.json')})`,
      ],
      [
        { dockerConfigDir: auths },
        `the Docker config ${join(auths, 'config.json')} (auths "https://${registry.host}/v2/")`,
      ],
      [{ credentials: given, credentialsSource: 'the "password" input' }, 'the "password" input'],
      [
        { dockerConfigDir: empty, fallbackCredentials: () => given, fallbackSource: 'a fallback' },
        'a fallback',
      ],
    ];
    for (const [options, source] of cases) {
      const infos: string[] = [];
      const masked: string[] = [];
      const logger = {
        debug: () => {},
        info: (m: string) => infos.push(m),
        warning: () => {},
        mask: (secret: string) => masked.push(secret),
      };
      const repo = new RemoteRepository(parseReference(`${registry.host}/config/said`), {
        retry: { attempts: 1 },
        ...options,
        logger,
      });
      for (const content of ['one', 'two']) {
        const layer = blob(`${content} ${Math.random()}`);
        await expect(repo.pushBlob(layer.descriptor, layer.source)).resolves.toBe('uploaded');
      }
      expect(infos.filter((m) => m.startsWith('Credentials'))).toEqual([
        `Credentials for ${registry.host}: ${source}`,
      ]);
      expect(infos.join('\n')).not.toContain('pa:ss');
      // Inputs are masked by the action already; what the client found itself, it masks. The
      // pair a Basic header carries is masked in base64 whatever the source.
      const pair = basicAuthField('alice', 'pa:ss');
      expect(masked).toEqual(
        options.dockerConfigDir === empty || options.credentials ? [pair] : ['pa:ss', pair],
      );
    }
  });

  it('says when it goes on without credentials', async () => {
    const empty = await writeDockerConfig(join(dir.path, 'said-none'), {});
    const infos: string[] = [];
    const logger = { debug: () => {}, info: (m: string) => infos.push(m), warning: () => {} };
    await expect(pushWith({ dockerConfigDir: empty, logger })).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
    });
    expect(infos).toContain(
      `Credentials for ${registry.host}: none given and none found in the Docker config; going on anonymously`,
    );
  });

  it('reads a helper `<token>` user as an identity token', async () => {
    const config = await writeDockerConfig(join(dir.path, 'token-helper'), {
      credHelpers: { 'ghcr.example': 'tokens' },
    });
    await expect(dockerConfigCredentials('ghcr.example', config, silentLogger)).resolves.toEqual({
      kind: 'identity-token',
      token: 'refresh-123',
    });
  });

  it('finds Docker Hub credentials under https://index.docker.io/v1/', async () => {
    const config = await writeDockerConfig(join(dir.path, 'hub'), {
      auths: { 'https://index.docker.io/v1/': { auth: basicAuthField('hubuser', 'hubpass') } },
    });
    await expect(dockerConfigCredentials('docker.io', config, silentLogger)).resolves.toEqual({
      kind: 'basic',
      username: 'hubuser',
      password: 'hubpass',
    });
    await expect(dockerConfigCredentials('ghcr.io', config, silentLogger)).resolves.toBeUndefined();
  });

  it.each([
    [{ identitytoken: 'id-tok' }, { kind: 'identity-token', token: 'id-tok' }],
    [{ registrytoken: 'reg-tok' }, { kind: 'registry-token', token: 'reg-tok' }],
    [{ auth: basicAuthField('u', 'a:b:c') }, { kind: 'basic', username: 'u', password: 'a:b:c' }],
    [{}, undefined],
  ])('reads the auths entry %j', (entry, expected) => {
    expect(entryCredentials(entry, 'host')).toEqual(expected);
  });

  it('rejects an `auth` that is not user:password', () => {
    expect(() =>
      entryCredentials({ auth: Buffer.from('nocolon').toString('base64') }, 'h'),
    ).toThrow(/not base64 of "user:password"/);
  });

  it.each([
    ['https://index.docker.io/v1/', 'docker.io'],
    ['registry-1.docker.io', 'docker.io'],
    ['http://localhost:5000/v2/', 'localhost:5000'],
    ['GHCR.io', 'ghcr.io'],
  ])('matches the auths key %s to host %s', (key, host) => {
    expect(serverHost(key)).toBe(host);
  });
});
