import { parseReference } from '../../../src/oci/reference.js';
import { RemoteRegistry } from '../../../src/oci/remote/registry.js';
import { RemoteRepository } from '../../../src/oci/remote/repository.js';
import { startFaultProxy } from '../../support/fault-proxy.js';
import { startRegistry, type Registry } from '../../support/registry.js';
import { emptyConfig, manifest } from '../content.js';

const options = { dockerConfigDir: '/nonexistent', retry: { attempts: 2, baseDelayMs: 1 } };

describe('RemoteRegistry, catalog and delete', () => {
  let registry: Registry;
  let noDelete: Registry;
  beforeAll(async () => {
    [registry, noDelete] = await Promise.all([
      startRegistry(),
      startRegistry({ deleteEnabled: false }),
    ]);
  });
  afterAll(async () => {
    await registry?.stop();
    await noDelete?.stop();
  });

  async function pushTagged(repo: RemoteRepository, tag: string) {
    await repo.pushBlob(emptyConfig.descriptor, emptyConfig.source);
    const m = manifest([], { annotations: { tag } });
    await repo.pushManifest(m.descriptor, m.bytes, tag);
    return m;
  }

  it('lists every repository, sorted', async () => {
    const remote = new RemoteRegistry(registry.host, options);
    for (const name of ['zeta/app', 'alpha/app', 'mid'])
      await pushTagged(remote.repository(name), 'v1');
    expect(await remote.catalog()).toEqual(['alpha/app', 'mid', 'zeta/app']);
    expect(remote.repository('alpha/app').location).toBe(`${registry.host}/alpha/app`);
    await remote.close();

    // distribution pages the catalog with relative `Link` headers: one name per page.
    const proxy = await startFaultProxy(registry.url);
    try {
      const paged = new RemoteRegistry(proxy.host, options);
      expect(await paged.catalog(1)).toEqual(['alpha/app', 'mid', 'zeta/app']);
      const pages = proxy.requests.filter((r) => r.path.startsWith('/v2/_catalog'));
      expect(pages.map((r) => r.path)).toEqual([
        '/v2/_catalog?n=1',
        '/v2/_catalog?last=alpha%2Fapp&n=1',
        '/v2/_catalog?last=mid&n=1',
      ]);
      await paged.close();
    } finally {
      await proxy.stop();
    }
  });

  it('deletes a manifest by digest', async () => {
    const repo = new RemoteRepository(parseReference(`${registry.host}/del/app`), options);
    const m = await pushTagged(repo, 'v1');
    await repo.delete(m.descriptor);
    await expect(repo.resolve(m.descriptor.digest)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(repo.delete(m.descriptor)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('says deletion is disabled when the registry refuses it', async () => {
    const repo = new RemoteRepository(parseReference(`${noDelete.host}/del/app`), options);
    const m = await pushTagged(repo, 'v1');
    const error = await repo.delete(m.descriptor).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'UNSUPPORTED', status: 405 });
    expect((error as Error).message).toMatch(
      /delete manifest .*del\/app@sha256:.* failed \(HTTP 405\).*deletion is disabled on this registry/,
    );
    expect(await repo.resolve('v1')).toEqual(m.descriptor);
  });
});
