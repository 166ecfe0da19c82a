// The runner's cache as pull uses it, with a plain folder standing in for the tool cache: a
// second pull of a digest needs no source, a pull that fills it reads each download once, and a
// damaged cached blob is downloaded again.
import { existsSync } from 'node:fs';
import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { folderEntry, type ArtifactCache } from '../../../src/commands/pull/artifact-cache.js';
import { pull } from '../../../src/commands/pull/pull.js';
import type { Digest } from '../../../src/oci/digest.js';
import { blobPath } from '../../../src/oci/layout/blob-path.js';
import type { OciLayout } from '../../../src/oci/layout/store.js';
import { alteredGzip, fileLayer, folderLayer, pushArtifact } from './fixtures.js';
import { memoryLog, tree } from './helpers.js';
import { useLayoutPull } from './layout-pull.js';

describe('pull with the runner cache', () => {
  const setup = useLayoutPull();
  const { run } = setup;
  let layout: OciLayout;
  let out: string;
  beforeEach(() => {
    ({ layout, out } = setup);
  });

  it('reads a second pull of the same digest from the cache, without the source', async () => {
    const pushed = await pushArtifact(
      layout,
      [fileLayer('a.txt', 'a'), folderLayer('d', [{ name: 'd/x', body: 'x' }])],
      'v1',
    );
    const cache = folderCache(join(setup.dir, 'cache'));
    const first = await run('v1', { cache });
    expect([first.downloaded, first.fromCache, cache.saves]).toEqual([2, 0, 1]);

    // A source that fails every call: the second pull (by digest) must not need it.
    const offline = {
      location: 'offline',
      resolve: () => Promise.reject(new Error('resolve called')),
      fetch: () => Promise.reject(new Error('fetch called')),
      fetchManifest: () => Promise.reject(new Error('fetchManifest called')),
    };
    const again = join(setup.dir, 'again');
    const second = await pull({
      source: offline,
      selector: pushed.descriptor.digest,
      outputDir: again,
      cache,
      log: memoryLog(),
    });
    expect([second.downloaded, second.fromCache, cache.saves]).toEqual([0, 2, 1]);
    expect(second.files.map((f) => f.fromCache)).toEqual([true, true]);
    expect(await tree(again)).toEqual(await tree(out));
    expect(second.manifest.equals(pushed.manifest)).toBe(true);
  });

  it('fills the cache from one read of each download, even for a digest two layers share', async () => {
    const pushed = await pushArtifact(
      layout,
      [
        fileLayer('a.txt', 'same bytes'),
        fileLayer('copy-of-a.txt', 'same bytes'),
        folderLayer('d', [{ name: 'd/x', body: 'x' }]),
      ],
      'v1',
    );
    const cache = folderCache(join(setup.dir, 'cache'));
    const source = setup.recording();
    await run('v1', { cache, source });
    expect(source.fetched.sort()).toEqual(
      [pushed.layers[0]!.digest, pushed.layers[2]!.digest].sort(),
    );
    expect(await readFile(join(out, 'copy-of-a.txt'), 'utf8')).toBe('same bytes');
    const entry = cache.find(pushed.descriptor.digest)!;
    for (const layer of pushed.layers) {
      expect(await readFile(entry.blob(layer.digest)!)).toEqual(
        await readFile(blobPath(layout.root, layer.digest)),
      );
    }
  });

  it('downloads damaged cached blobs again and repairs the entry', async () => {
    const folder = folderLayer('d', [{ name: 'd/x', body: 'x' }]);
    const pushed = await pushArtifact(layout, [fileLayer('a.txt', 'a'), folder], 'v1');
    const cache = folderCache(join(setup.dir, 'cache'));
    await run('v1', { cache });
    const cached = (i: number) =>
      cache.find(pushed.descriptor.digest)!.blob(pushed.layers[i]!.digest)!;
    await writeFile(cached(0), 'x');
    // Same size and still the same tar once gunzipped: only the blob digest tells.
    await writeFile(cached(1), alteredGzip(folder.bytes as Buffer));
    const log = memoryLog();
    const again = join(setup.dir, 'again');
    const result = await run('v1', { cache, outputDir: again, log });
    expect([result.downloaded, result.fromCache, cache.saves]).toEqual([2, 0, 2]);
    expect(log.warnings).toEqual([
      expect.stringContaining('is damaged; downloading it again'),
      expect.stringContaining('is damaged; downloading it again'),
    ]);
    expect(await tree(again)).toEqual(await tree(out));
    expect(await readFile(cached(0), 'utf8')).toBe('a');
    expect((await readFile(cached(1))).equals(folder.bytes as Buffer)).toBe(true);
  });

  it('reads a damaged cached manifest from the source again, warning once, and repairs the entry', async () => {
    const pushed = await pushArtifact(layout, [fileLayer('a.txt', 'a')], 'v1');
    const cache = folderCache(join(setup.dir, 'cache'));
    await run('v1', { cache });
    const entry = cache.find(pushed.descriptor.digest)!;
    await writeFile(entry.blob(pushed.descriptor.digest)!, '{"damaged":true}');
    const log = memoryLog();
    const source = setup.recording();
    const result = await pull({
      source,
      selector: pushed.descriptor.digest,
      outputDir: join(setup.dir, 'again'),
      cache,
      log,
    });
    expect(log.warnings).toEqual([
      `the runner's cache entry for ${pushed.descriptor.digest} is damaged; downloading again`,
    ]);
    expect(result.manifest.equals(pushed.manifest)).toBe(true);
    // The blob still came from the entry; the entry got its manifest back.
    expect([result.downloaded, result.fromCache, source.fetched, cache.saves]).toEqual([
      0,
      1,
      [],
      2,
    ]);
    expect(await readFile(entry.blob(pushed.descriptor.digest)!)).toEqual(pushed.manifest);
  });
});

/** An ArtifactCache in a plain folder, one sub-folder per manifest digest. */
function folderCache(root: string): ArtifactCache & { saves: number } {
  const entry = (digest: string) => join(root, digest.replace(':', '-'));
  const cache = {
    saves: 0,
    find: (digest: Digest) => (existsSync(entry(digest)) ? folderEntry(entry(digest)) : undefined),
    save: async (digest: Digest, folder: string) => {
      cache.saves++;
      await rm(entry(digest), { recursive: true, force: true });
      await cp(folder, entry(digest), { recursive: true });
    },
  };
  return cache;
}
