// What `command: pull` asks of the registry, seen by a fault proxy in front of the real one,
// through the bundled action: nothing but a HEAD before expected-digest fails, a cut download
// resumed with Range, and no blob (or no request at all) on a cache hit.
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { digestBytes } from '../../src/oci/digest.js';
import { fileLayer, folderLayer, pushArtifact } from '../commands/pull/fixtures.js';
import {
  blobGets,
  failed,
  listing,
  pullFixture,
  repository,
  succeeded,
  tree,
} from './pull-support.js';

describe('pull through a fault proxy', () => {
  const fixture = pullFixture();
  const { pull, pullViaProxy, tempDir } = fixture;

  it('fails before downloading when expected-digest differs, and checks its syntax', async () => {
    const { proxy } = fixture;
    await pushArtifact(
      repository(fixture.registry.host, 'pinned/app'),
      [fileLayer('a.txt', 'a')],
      'v1',
    );
    const ws = await tempDir();
    proxy.requests.length = 0;
    const attempt = await pullViaProxy(
      { reference: 'pinned/app:v1', 'expected-digest': digestBytes('another') },
      { workspace: ws },
    );
    expect(failed(attempt)).toContain(`resolves to sha256:`);
    expect(failed(attempt)).toContain(`not the expected ${digestBytes('another')}`);
    // The resolve (HEAD) only: no manifest, no blob downloaded.
    expect(proxy.requests.filter((r) => r.method === 'GET' && r.path !== '/v2/')).toEqual([]);
    expect(await listing(ws)).toEqual([]);

    const bad = await pull(
      { reference: 'pinned/app:v1', 'expected-digest': 'sha256:abc' },
      { workspace: ws },
    );
    expect(failed(bad)).toBe(
      'Input "expected-digest": got "sha256:abc"; expected a digest sha256:<64 lowercase hex digits>',
    );
  });

  it('resumes a download cut once and writes the exact bytes', async () => {
    const { proxy } = fixture;
    const bytes = Buffer.alloc(200 * 1024);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7) % 251;
    await pushArtifact(
      repository(fixture.registry.host, 'resume/app'),
      [fileLayer('data.bin', bytes)],
      'v1',
    );
    const ws = await tempDir();
    proxy.requests.length = 0;
    proxy.setRules([
      {
        method: 'GET',
        path: /\/blobs\/sha256:/,
        fault: { kind: 'truncate', afterBytes: 50_000 },
        times: 1,
      },
    ]);
    succeeded(await pullViaProxy({ reference: 'resume/app:v1' }, { workspace: ws }));
    expect((await readFile(join(ws, 'data.bin'))).equals(bytes)).toBe(true);
    const ranges = proxy.requests
      .filter((r) => /\/blobs\//.test(r.path))
      .map((r) => r.headers['range']);
    expect(ranges).toEqual([undefined, expect.stringMatching(/^bytes=\d+-$/)]);
  });

  it('reads a second pull of the same digest from the runner cache: no blob downloaded', async () => {
    const { proxy } = fixture;
    const pushed = await pushArtifact(
      repository(fixture.registry.host, 'cached/app'),
      [
        fileLayer('a.txt', 'a'.repeat(1000)),
        folderLayer('d', [{ name: 'd/x', body: 'x', mode: 0o755 }]),
      ],
      'v1',
    );
    const toolCache = await tempDir('oci-tool-cache-');
    const ws1 = await tempDir();
    proxy.requests.length = 0;
    succeeded(
      await pullViaProxy(
        { reference: 'cached/app:v1', cache: 'true' },
        { workspace: ws1, toolCache },
      ),
    );
    expect(blobGets(proxy.requests)).toBe(2);
    const version = `0.0.0-sha256-${pushed.descriptor.digest.slice(7)}`;
    expect(await listing(join(toolCache, 'oci-artifact'))).toEqual([version]);
    await stat(join(toolCache, 'oci-artifact', version, 'any.complete'));

    const ws2 = await tempDir();
    proxy.requests.length = 0;
    const second = succeeded(
      await pullViaProxy(
        { reference: 'cached/app:v1', cache: 'true' },
        { workspace: ws2, toolCache },
      ),
    );
    expect(blobGets(proxy.requests)).toBe(0);
    expect(await tree(ws2)).toEqual(await tree(ws1));
    expect(second.summary).toContain("0 blob(s) downloaded, 2 from the runner's cache");
    expect(second.stdout).toMatch(/\nPulled a\.txt sha256:\w+ \(1000 B, from the runner's cache\)/);

    // By digest, a cache hit needs no registry at all: every request now fails.
    proxy.setRules([{ fault: { kind: 'status', status: 503 } }]);
    const ws3 = await tempDir();
    proxy.requests.length = 0;
    succeeded(
      await pullViaProxy(
        { reference: `cached/app@${pushed.descriptor.digest}`, cache: 'true' },
        { workspace: ws3, toolCache },
      ),
    );
    expect(proxy.requests).toEqual([]);
    expect(await tree(ws3)).toEqual(await tree(ws1));
  });
});
