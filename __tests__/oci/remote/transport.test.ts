import { RegistryError } from '../../../src/oci/errors.js';
import { parseReference } from '../../../src/oci/reference.js';
import type { RemoteOptions } from '../../../src/oci/remote/options.js';
import { RemoteRepository } from '../../../src/oci/remote/repository.js';
import { startFaultProxy, type FaultProxy } from '../../support/fault-proxy.js';
import { startRegistry, type Registry } from '../../support/registry.js';
import { blob, emptyConfig, manifest, readAll } from '../content.js';

const quick: RemoteOptions = {
  dockerConfigDir: '/nonexistent',
  retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 5 },
};

async function roundTrip(host: string, options: RemoteOptions): Promise<void> {
  const repo = new RemoteRepository(parseReference(`${host}/tls/app`), { ...quick, ...options });
  await repo.pushBlob(emptyConfig.descriptor, emptyConfig.source);
  const m = manifest([]);
  await repo.pushManifest(m.descriptor, m.bytes, 'v1');
  expect(await repo.resolve('v1')).toEqual(m.descriptor);
}

describe('TLS', () => {
  let registry: Registry;
  beforeAll(async () => {
    registry = await startRegistry({ tls: true });
  });
  afterAll(async () => registry?.stop());

  it('trusts a self-signed certificate given as a CA file', async () => {
    await roundTrip(registry.host, { caFile: registry.caFile! });
  });

  it('skips verification when insecure', async () => {
    await roundTrip(registry.host, { insecure: true });
  });

  it('fails on an untrusted certificate, without falling back to plain HTTP on loopback', async () => {
    for (const host of [registry.host, `localhost:${registry.port}`]) {
      const repo = new RemoteRepository(parseReference(`${host}/tls/app`), { ...quick });
      const error = (await repo.resolve('v1').catch((e: unknown) => e)) as RegistryError;
      expect(error).toBeInstanceOf(RegistryError);
      expect(error.code).toBe('NETWORK_ERROR');
      expect(error.message).toMatch(/certificate/);
      expect(error.message).toMatch(/ca-file/);
    }
  });

  it('names a CA file it cannot read', () => {
    expect(
      () =>
        new RemoteRepository(parseReference(`${registry.host}/x`), {
          caFile: '/nonexistent/ca.pem',
        }),
    ).toThrow(/\/nonexistent\/ca.pem/);
  });
});

describe('plain HTTP', () => {
  let registry: Registry;
  beforeAll(async () => {
    registry = await startRegistry();
  });
  afterAll(async () => registry?.stop());

  it('speaks plain HTTP when asked', async () => {
    await roundTrip(registry.host, { plainHttp: true });
  });

  it('falls back to plain HTTP for loopback hosts that do not speak TLS', async () => {
    await roundTrip(registry.host, {});
    await roundTrip(`localhost:${registry.port}`, {});
  });
});

describe('redirects', () => {
  let registry: Registry;
  let proxy: FaultProxy;
  let storage: FaultProxy;
  beforeAll(async () => {
    registry = await startRegistry({ htpasswd: { username: 'u', password: 'p' } });
    proxy = await startFaultProxy(registry.url);
    // A second origin standing in for blob storage: it records headers and serves the blob.
    storage = await startFaultProxy(registry.url);
  });
  afterAll(async () => {
    await proxy?.stop();
    await storage?.stop();
    await registry?.stop();
  });

  it('follows a moved repository for manifest reads, credentials kept on its origin', async () => {
    const credentials = { kind: 'basic' as const, username: 'u', password: 'p' };
    const moved = new RemoteRepository(parseReference(`${proxy.host}/moved-to/app`), {
      ...quick,
      credentials,
    });
    await moved.pushBlob(emptyConfig.descriptor, emptyConfig.source);
    const m = manifest([]);
    await moved.pushManifest(m.descriptor, m.bytes, 'v1');
    // The old name answers each read with a 301 to the new one, on the same origin.
    const redirectTo = (path: string) => `${proxy.url}${path.replace('moved-from', 'moved-to')}`;
    proxy.setRules(
      ['manifests/v1', `manifests/${m.descriptor.digest}`]
        .map((tail) => `/v2/moved-from/app/${tail}`)
        .map((path) => ({
          path: new RegExp(`^${path}$`),
          fault: { kind: 'redirect' as const, status: 301, location: redirectTo(path) },
        })),
    );
    const before = proxy.requests.length;
    const old = new RemoteRepository(parseReference(`${proxy.host}/moved-from/app`), {
      ...quick,
      credentials,
    });

    expect(await old.resolve('v1')).toEqual(m.descriptor);
    expect((await old.fetchManifest(m.descriptor)).bytes.equals(m.bytes)).toBe(true);
    // The registry takes no anonymous read: what it answered at the new name, it answered to
    // the credentials that the client kept across the redirect on its own origin.
    const atNewName = proxy.requests
      .slice(before)
      .filter((r) => r.path.startsWith('/v2/moved-to/app/'));
    expect(atNewName.map((r) => r.method)).toEqual(expect.arrayContaining(['HEAD', 'GET']));
    expect(atNewName.some((r) => /^Basic /.test(String(r.headers['authorization'])))).toBe(true);
  });

  it('follows a 307 to another origin without the Authorization header', async () => {
    const credentials = { kind: 'basic' as const, username: 'u', password: 'p' };
    const repo = new RemoteRepository(parseReference(`${proxy.host}/redirect/app`), {
      ...quick,
      credentials,
    });
    const layer = blob('stored elsewhere');
    await repo.pushBlob(layer.descriptor, layer.source);
    const path = `/v2/redirect/app/blobs/${layer.descriptor.digest}`;
    storage.setRules([
      {
        path: /^\/v2\/redirect\/app\/blobs\//,
        fault: {
          kind: 'status',
          status: 200,
          body: 'stored elsewhere',
          headers: { 'content-length': '16' },
        },
      },
    ]);
    proxy.setRules([
      {
        method: 'GET',
        path: new RegExp(`^${path}$`),
        fault: { kind: 'redirect', location: `${storage.url}${path}?sig=1` },
      },
    ]);
    expect((await readAll(await repo.fetch(layer.descriptor))).toString()).toBe('stored elsewhere');
    const atProxy = proxy.requests.filter((r) => r.path === path);
    expect(atProxy.at(-1)?.headers['authorization']).toMatch(/^Basic /);
    const atStorage = storage.requests.filter((r) => r.path === `${path}?sig=1`);
    expect(atStorage).toHaveLength(1);
    expect(atStorage[0]?.headers['authorization']).toBeUndefined();
  });
});
