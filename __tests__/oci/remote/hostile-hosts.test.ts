// Hosts the registry sends the client to (blob storage behind a redirect) are not the registry:
// whatever they answer must not steer the registry's credentials.
import { RegistryError } from '../../../src/oci/errors.js';
import { parseReference } from '../../../src/oci/reference.js';
import type { RemoteOptions } from '../../../src/oci/remote/options.js';
import { RemoteRepository } from '../../../src/oci/remote/repository.js';
import { startFaultProxy, type FaultProxy } from '../../support/fault-proxy.js';
import { startRegistry, type Registry } from '../../support/registry.js';
import { blob } from '../content.js';

const USER = 'u';
const PASSWORD = 'Storage-Steer-Pa55';

describe('a redirect target that answers 401 with a challenge of its own', () => {
  let registry: Registry;
  let proxy: FaultProxy;
  let storage: FaultProxy;
  let realm: FaultProxy;
  beforeAll(async () => {
    registry = await startRegistry({ htpasswd: { username: USER, password: PASSWORD } });
    proxy = await startFaultProxy(registry.url);
    storage = await startFaultProxy(registry.url);
    // Where the storage host would like the registry's credentials sent.
    realm = await startFaultProxy(registry.url);
    realm.setRules([
      { fault: { kind: 'status', status: 200, body: '{"token":"from-the-storage-host"}' } },
    ]);
  });
  afterAll(async () => {
    await Promise.all([proxy?.stop(), storage?.stop(), realm?.stop()]);
    await registry?.stop();
  });

  it('does not send the credentials to the realm it names, and fails with its 401', async () => {
    const options: RemoteOptions = {
      dockerConfigDir: '/nonexistent',
      retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 5 },
      credentials: { kind: 'basic', username: USER, password: PASSWORD },
    };
    const repo = new RemoteRepository(parseReference(`${proxy.host}/steer/app`), options);
    const layer = blob('kept in storage');
    await repo.pushBlob(layer.descriptor, layer.source);
    const path = `/v2/steer/app/blobs/${layer.descriptor.digest}`;
    proxy.setRules([
      {
        method: 'GET',
        path: new RegExp(`^${path}$`),
        fault: { kind: 'redirect', location: `${storage.url}${path}?sig=1` },
      },
    ]);
    storage.setRules([
      {
        fault: {
          kind: 'status',
          status: 401,
          headers: { 'www-authenticate': `Bearer realm="${realm.url}/token",service="x"` },
        },
      },
    ]);

    const error = await repo.fetch(layer.descriptor).catch((e: unknown) => e);

    expect(realm.requests).toEqual([]);
    expect(error).toBeInstanceOf(RegistryError);
    expect((error as RegistryError).status).toBe(401);
    // The registry's own challenge still holds: later requests carry its Basic credentials.
    proxy.setRules([]);
    expect(await repo.exists(layer.descriptor)).toBe(true);
    expect(proxy.requests.at(-1)?.headers['authorization']).toMatch(/^Basic /);
    expect(realm.requests).toEqual([]);
  });
});
