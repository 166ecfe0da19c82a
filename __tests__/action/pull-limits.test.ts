// `command: pull` of artifacts that expand past what the user allows (`unpack-limit`) or whose
// folder layer is not the tar its annotation names, through the bundled action against a real
// registry: the step fails naming the layer, and leaves nothing behind in the workspace.
import { gzipSync } from 'node:zlib';
import { ORAS_CONTENT_DIGEST } from '../../src/oci/annotations.js';
import { digestBytes } from '../../src/oci/digest.js';
import { fileLayer, folderLayer, pushArtifact, type LayerSpec } from '../commands/pull/fixtures.js';
import { tarBytes } from '../commands/pull/tar-builder.js';
import { blobGets, failed, listing, pullFixture, repository, succeeded } from './pull-support.js';

const MiB = 1024 * 1024;

/** A folder layer of one file of zeros: `size` bytes that gzip to a few KiB. */
function zeros(title: string, size: number): LayerSpec {
  const tar = tarBytes([{ name: `${title}/zeros.bin`, body: Buffer.alloc(size) }]);
  return folderLayer(title, gzipSync(tar, { level: 9 }));
}

describe('pull within limits', () => {
  const fixture = pullFixture();
  let count = 0;
  async function pushed(layers: LayerSpec[]): Promise<string> {
    const name = `limits/case${++count}`;
    await pushArtifact(repository(fixture.registry.host, name), layers, 'v1');
    return `${name}:v1`;
  }

  it('refuses a gzip bomb past unpack-limit, naming the layer, the limit and the input', async () => {
    const bomb = zeros('bomb', 16 * MiB);
    expect(bomb.bytes.length).toBeLessThan(64 * 1024);
    const reference = await pushed([fileLayer('readme.txt', 'hello'), bomb]);
    const ws = await fixture.tempDir();
    const message = failed(
      await fixture.pull({ reference, path: 'out', 'unpack-limit': '4MiB' }, { workspace: ws }),
    );
    expect(message).toMatch(
      /^folder layer "bomb": extraction stopped after [\d.]+ MiB of tar: the pull would write more than unpack-limit allows \(4\.0 MiB in all\)\. Either the layer is a decompression bomb or unpack-limit is too low for this artifact; nothing was kept$/,
    );
    // The output folder the pull made is gone again, with its work folder.
    expect(await listing(ws)).toEqual([]);

    // Within a limit that fits, the same artifact is pulled whole.
    const fits = await fixture.pull(
      { reference, path: 'out', 'unpack-limit': '17 MiB' },
      { workspace: ws },
    );
    succeeded(fits);
    expect(JSON.parse(fits.outputs['files']!)).toHaveLength(2);
  });

  it('refuses a file layer past unpack-limit before downloading any layer', async () => {
    const reference = await pushed([
      fileLayer('small.bin', Buffer.alloc(1000)),
      fileLayer('large.bin', Buffer.alloc(3000)),
    ]);
    const ws = await fixture.tempDir();
    const before = blobGets(fixture.proxy.requests);
    const message = failed(
      await fixture.pullViaProxy(
        { reference, path: 'out', 'unpack-limit': '3kB' },
        { workspace: ws },
      ),
    );
    expect(message).toContain(
      'layer "large.bin" is 2.9 KiB: with it the pull would write 3.9 KiB, more than unpack-limit allows (2.9 KiB); no layer was downloaded',
    );
    expect(blobGets(fixture.proxy.requests)).toBe(before);
    expect(await listing(ws)).toEqual([]);
  });

  it.each(['lots', '0', '-1MiB', '5 M', '1e9'])(
    'refuses unpack-limit "%s" before doing anything',
    async (value) => {
      const message = failed(
        await fixture.pull({ reference: 'limits/none:v1', 'unpack-limit': value }),
      );
      expect(message).toBe(
        `Input "unpack-limit": got "${value}"; expected a size in bytes, such as 500MiB, 2GiB or 1000000 (units B, kB, MB, GB, TB, KiB, MiB, GiB, TiB); empty for no limit`,
      );
    },
  );

  it('refuses a folder layer whose tar is not the one its annotation names, keeping nothing', async () => {
    const layer = folderLayer('site', [{ name: 'site/index.html', body: '<h1>real</h1>' }]);
    const claimed = digestBytes(tarBytes([{ name: 'site/index.html', body: '<h1>claimed</h1>' }]));
    layer.annotations![ORAS_CONTENT_DIGEST] = claimed;
    const reference = await pushed([layer]);
    const ws = await fixture.tempDir();
    const message = failed(await fixture.pull({ reference, path: 'out' }, { workspace: ws }));
    const actual = digestBytes(tarBytes([{ name: 'site/index.html', body: '<h1>real</h1>' }]));
    expect(message).toBe(
      `folder layer "site": the uncompressed tar has digest ${actual}, but the layer's io.deis.oras.content.digest annotation says ${claimed}`,
    );
    expect(await listing(ws)).toEqual([]);
  });
});
