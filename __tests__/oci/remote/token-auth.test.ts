import { jest } from '@jest/globals';
import { RegistryError } from '../../../src/oci/errors.js';
import { parseReference } from '../../../src/oci/reference.js';
import type { RemoteOptions } from '../../../src/oci/remote/options.js';
import { fetchToken } from '../../../src/oci/remote/auth/token.js';
import { Transport } from '../../../src/oci/remote/transport.js';
import { RemoteRegistry } from '../../../src/oci/remote/registry.js';
import { RemoteRepository } from '../../../src/oci/remote/repository.js';
import { startRegistry, type Registry } from '../../support/registry.js';
import { makeTempDir } from '../../support/temp.js';
import { startTokenServer, type TokenServer } from '../../support/token-server.js';
import { blob, emptyConfig, manifest, readAll } from '../content.js';

describe('bearer token auth against a registry with auth.token', () => {
  let dir: Awaited<ReturnType<typeof makeTempDir>>;
  let tokens: TokenServer;
  let registry: Registry;
  let base: RemoteOptions;

  beforeAll(async () => {
    dir = await makeTempDir('oci-token-');
    tokens = await startTokenServer(
      {
        users: {
          writer: {
            password: 'w-pass',
            access: {
              'team/app': ['pull', 'push'],
              'public/app': ['pull', 'push'],
              'team/other': ['*'],
            },
            catalog: true,
          },
          reader: { password: 'r-pass', access: { 'team/app': ['pull'] } },
          mover: { password: 'm-pass', access: { 'public/app': ['pull', 'push'] } },
          // A service without OAuth2 that takes an identity token as Basic `<token>:<token>`.
          '<token>': { password: 'refresh-for-writer', access: { 'team/app': ['pull'] } },
        },
        publicRepositories: ['public/app'],
        refreshTokens: { 'refresh-for-writer': 'writer' },
      },
      dir.path,
    );
    registry = await startRegistry({ auth: tokens.registryAuth });
    base = { dockerConfigDir: dir.path, retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 5 } };
  });
  afterAll(async () => {
    await registry?.stop();
    await tokens?.stop();
    await dir?.remove();
  });

  const repo = (name: string, options: RemoteOptions): RemoteRepository =>
    new RemoteRepository(parseReference(`${registry.host}/${name}`), { ...base, ...options });
  const writer: RemoteOptions = {
    credentials: { kind: 'basic', username: 'writer', password: 'w-pass' },
  };
  const reader: RemoteOptions = {
    credentials: { kind: 'basic', username: 'reader', password: 'r-pass' },
  };

  async function pushSample(
    target: RemoteRepository,
    tag: string,
    text: string,
  ): Promise<ReturnType<typeof manifest>> {
    const layer = blob(text);
    await target.pushBlob(layer.descriptor, layer.source);
    await target.pushBlob(emptyConfig.descriptor, emptyConfig.source);
    const m = manifest([layer.descriptor]);
    await target.pushManifest(m.descriptor, m.bytes, tag);
    return m;
  }

  it('pushes with one pull+push token asked up front, and caches it', async () => {
    const before = tokens.requests.length;
    const m = await pushSample(repo('team/app', writer), 'v1', 'team content');
    const asked = tokens.requests.slice(before);
    expect(asked.length).toBe(1);
    expect(asked[0]).toMatchObject({
      method: 'GET',
      user: 'writer',
      service: tokens.service,
      scopes: ['repository:team/app:pull,push'],
    });
    expect(await repo('team/app', reader).resolve('v1')).toEqual(m.descriptor);
  });

  it('is denied a push the token service does not grant (scopes enforced by the registry)', async () => {
    const layer = blob('reader tries to push');
    const error = (await repo('team/app', reader)
      .pushBlob(layer.descriptor, layer.source)
      .catch((e: unknown) => e)) as RegistryError;
    expect(error).toBeInstanceOf(RegistryError);
    expect(error.code).toBe('DENIED');
    expect(error.status).toBe(401);
    expect(error.message).toMatch(/insufficient_scope|lack the rights/);
    expect(await repo('team/app', writer).exists(layer.descriptor)).toBe(false);
  });

  it('pulls a public repository anonymously with an anonymous token', async () => {
    const m = await pushSample(repo('public/app', writer), 'latest', 'public content');
    const before = tokens.requests.length;
    const anonymous = repo('public/app', {});
    const fetched = await anonymous.fetchManifest('latest');
    expect(fetched.descriptor).toEqual(m.descriptor);
    const layer = m.manifest.layers[0]!;
    expect((await readAll(await anonymous.fetch(layer))).toString()).toBe('public content');
    const asked = tokens.requests.slice(before);
    expect(asked.every((r) => r.user === undefined && r.authorization === undefined)).toBe(true);
  });

  it('refuses anonymous access to a private repository with UNAUTHORIZED', async () => {
    await expect(repo('team/app', {}).resolve('v1')).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
      message: expect.stringMatching(/requires credentials/),
    });
  });

  it('fails with UNAUTHORIZED when the token service rejects the password', async () => {
    const error = await repo('team/app', {
      credentials: { kind: 'basic', username: 'writer', password: 'nope' },
    })
      .resolve('v1')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryError);
    expect(error).toMatchObject({ code: 'UNAUTHORIZED', status: 401 });
    expect((error as Error).message).not.toContain('nope');
  });

  it('gets tokens with an identity (refresh) token over OAuth2 POST', async () => {
    const before = tokens.requests.length;
    const target = repo('team/app', {
      credentials: { kind: 'identity-token', token: 'refresh-for-writer' },
    });
    await expect(target.resolve('v1')).resolves.toMatchObject({ mediaType: expect.any(String) });
    expect(tokens.requests.slice(before)[0]).toMatchObject({
      method: 'POST',
      grantType: 'refresh_token',
      user: 'writer',
      scopes: ['repository:team/app:pull'],
    });
  });

  it('sends a password as Basic on a GET, never over OAuth2', async () => {
    const before = tokens.requests.length;
    await repo('team/app', writer).resolve('v1');
    expect(tokens.requests.slice(before)[0]).toMatchObject({ method: 'GET', user: 'writer' });
    expect(tokens.requests.slice(before).some((r) => r.method === 'POST')).toBe(false);
  });

  it('falls back to a GET with the identity token as Basic when OAuth2 POST answers 404', async () => {
    tokens.options.noOAuth2 = true;
    try {
      const mark = tokens.requests.length;
      await repo('team/app', {
        credentials: { kind: 'identity-token', token: 'refresh-for-writer' },
      }).resolve('v1');
      expect(tokens.requests.slice(mark)[0]).toMatchObject({ method: 'GET', user: '<token>' });
    } finally {
      tokens.options.noOAuth2 = false;
    }
  });

  it('reads `access_token`, and assumes 60 s when expires_in is missing', async () => {
    const transport = new Transport({});
    const request = {
      realm: new URL(tokens.realm),
      service: tokens.service,
      scopes: [],
      registry: registry.host,
    };
    tokens.options.accessTokenField = true;
    try {
      const before = Date.now();
      const token = await fetchToken(transport, request);
      expect(token.value.split('.')).toHaveLength(3);
      // Renewed a little early: 60 s less a 10 s margin.
      expect(token.expiresAt).toBeGreaterThanOrEqual(before + 50_000);
      expect(token.expiresAt).toBeLessThanOrEqual(Date.now() + 50_000);
      tokens.options.expiresIn = 3600;
      expect((await fetchToken(transport, request)).expiresAt).toBeGreaterThan(before + 3_000_000);
    } finally {
      tokens.options.accessTokenField = false;
      delete tokens.options.expiresIn;
      await transport.close();
    }
  });

  it('asks for a new token once the cached one expires', async () => {
    await pushSample(repo('team/app', writer), 'expiry', 'expiry content');
    const target = repo('team/app', reader);
    const before = tokens.requests.length;
    await target.resolve('expiry');
    await target.resolve('expiry');
    expect(tokens.requests.length - before).toBe(1);
    // An hour on: the 60 s default lifetime is long over.
    const later = Date.now() + 3_600_000;
    const clock = jest.spyOn(Date, 'now').mockImplementation(() => later);
    try {
      await target.resolve('expiry');
    } finally {
      clock.mockRestore();
    }
    expect(tokens.requests.length - before).toBe(2);
  });

  it('sends a registry token as is, without asking the token service', async () => {
    const grant = await repo('team/app', writer).resolve('v1');
    const before = tokens.requests.length;
    const error = await repo('team/app', {
      credentials: { kind: 'registry-token', token: 'not-a-jwt' },
    })
      .resolve('v1')
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'UNAUTHORIZED' });
    expect(tokens.requests.length).toBe(before);
    expect(grant.digest).toMatch(/^sha256:/);
  });

  it('mounts a blob from a repository it may read (201)', async () => {
    const layer = blob('mount me');
    await repo('team/other', writer).pushBlob(layer.descriptor, layer.source);
    const outcome = await repo('team/app', writer).pushBlob(layer.descriptor, layer.source, {
      mountFrom: 'team/other',
    });
    expect(outcome).toBe('mounted');
    expect(await repo('team/app', writer).exists(layer.descriptor)).toBe(true);
  });

  it('uploads instead when the mount source holds no such blob (202)', async () => {
    const layer = blob('not in the source');
    const outcome = await repo('team/app', writer).pushBlob(layer.descriptor, layer.source, {
      mountFrom: 'team/other',
    });
    expect(outcome).toBe('uploaded');
    expect(await repo('team/app', writer).exists(layer.descriptor)).toBe(true);
  });

  it('uploads instead when the source repository may not be read (401 on mount)', async () => {
    const layer = blob('mover cannot read team/other');
    await repo('team/other', writer).pushBlob(layer.descriptor, layer.source);
    const debug: string[] = [];
    const mover: RemoteOptions = {
      credentials: { kind: 'basic', username: 'mover', password: 'm-pass' },
      logger: { debug: (m) => debug.push(m), info: (m) => debug.push(m), warning: () => {} },
    };
    const before = tokens.requests.length;
    const outcome = await repo('public/app', mover).pushBlob(layer.descriptor, layer.source, {
      mountFrom: 'team/other',
    });
    expect(outcome).toBe('uploaded');
    const asked = tokens.requests.slice(before);
    expect(asked.some((r) => r.scopes.includes('repository:team/other:pull'))).toBe(true);
    expect(asked.every((r) => r.granted.every((g) => g.name !== 'team/other'))).toBe(true);
    expect(debug.some((m) => /cannot mount .* from team\/other \(HTTP 401\)/.test(m))).toBe(true);
    expect(await repo('public/app', writer).exists(layer.descriptor)).toBe(true);
  });

  it('lists the catalog with the registry:catalog:* scope', async () => {
    const catalog = await new RemoteRegistry(registry.host, { ...base, ...writer }).catalog();
    expect(catalog).toEqual(expect.arrayContaining(['public/app', 'team/app', 'team/other']));
    expect(tokens.requests.at(-1)?.scopes).toEqual(['registry:catalog:*']);
  });

  it('shares tokens between repositories of one RemoteRegistry', async () => {
    const shared = new RemoteRegistry(registry.host, { ...base, ...writer });
    const before = tokens.requests.length;
    await shared.repository('team/app').resolve('v1');
    await shared.repository('team/app').resolve('v1');
    expect(tokens.requests.length - before).toBe(1);
    await shared.close();
  });

  it('sends credentials to a token realm over plain HTTP only when the registry is plain HTTP', async () => {
    const { mayReceiveCredentials } = await import('../../../src/oci/remote/auth/authorizer.js');
    const secure = new URL('https://registry.example');
    expect(mayReceiveCredentials(new URL('http://auth.example/token'), secure)).toBe(false);
    expect(mayReceiveCredentials(new URL('https://auth.example/token'), secure)).toBe(true);
    // Its own host does not make plain HTTP safe.
    expect(mayReceiveCredentials(new URL('http://registry.example/token'), secure)).toBe(false);
    expect(mayReceiveCredentials(new URL('https://127.0.0.1/token'), secure)).toBe(false);
    expect(mayReceiveCredentials(new URL('ftp://auth.example/token'), secure)).toBe(false);
    const plain = new URL('http://registry.example:5000');
    expect(mayReceiveCredentials(new URL('http://registry.example/token'), plain)).toBe(true);
    expect(mayReceiveCredentials(new URL('http://auth.example/token'), plain)).toBe(true);
    expect(mayReceiveCredentials(new URL('http://10.0.0.1/token'), plain)).toBe(false);
    const loopback = new URL('http://127.0.0.1:5000');
    expect(mayReceiveCredentials(new URL('http://127.0.0.1:5001/token'), loopback)).toBe(true);
  });
});
