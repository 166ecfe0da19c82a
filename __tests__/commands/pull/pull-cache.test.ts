// The runner's cache as pull uses it, with a plain folder standing in for the tool cache: a
// second pull of a digest needs no source, a pull that fills it reads each download once, and a
// damaged cached blob is downloaded again.
import { existsSync } from 'node:fs';
import { appendFile, cp, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { folderEntry, type ArtifactCache } from '../../../src/commands/pull/artifact-cache.js';
import {
  RECORD_FILE,
  stampOf,
  vouchedFor,
  type BlobStamp,
} from '../../../src/commands/pull/blob-record.js';
import { pull } from '../../../src/commands/pull/pull.js';
import { FILE_MODE } from '../../../src/oci/annotations.js';
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

  it("gives each file layer its own mode, also when its bytes are another layer's or the cache's", async () => {
    const executable = {
      ...fileLayer('tool.sh', 'same bytes'),
      annotations: { [FILE_MODE]: '0755' },
    };
    const plain = fileLayer('notes.txt', 'same bytes');
    const cache = folderCache(join(setup.dir, 'cache'));
    const modeOf = async (path: string) => (await stat(path)).mode & 0o777;
    // Either layer may be the one downloaded (and kept in the cache): the other is a copy of it.
    for (const [tag, layers] of [
      ['v1', [executable, plain]],
      ['v2', [plain, executable]],
    ] as const) {
      await pushArtifact(layout, [...layers], tag);
      for (const round of ['download', 'cache hit']) {
        const into = join(setup.dir, `${tag}-${round}`);
        const pulled = await run(tag, { cache, outputDir: into });
        expect(pulled.fromCache).toBe(round === 'download' ? 0 : 1);
        expect([
          await modeOf(join(into, 'tool.sh')),
          await modeOf(join(into, 'notes.txt')),
        ]).toEqual([0o755, 0o644]);
      }
    }
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

  it('records the copies it verified, and uses a copy the record vouches for without hashing it', async () => {
    const pushed = await pushArtifact(
      layout,
      [fileLayer('a.txt', 'aaaa'), folderLayer('d', [{ name: 'd/x', body: 'x' }])],
      'v1',
    );
    const cache = folderCache(join(setup.dir, 'cache'));
    await run('v1', { cache });
    const entry = cache.find(pushed.descriptor.digest)!;
    const record = JSON.parse(await readFile(join(entry.path, RECORD_FILE), 'utf8')) as {
      blobs: Record<string, unknown>;
    };
    expect(Object.keys(record.blobs).sort()).toEqual(
      [pushed.descriptor.digest, ...pushed.layers.map((l) => l.digest)].sort(),
    );

    // Other bytes of the same size, vouched for by a record younger than the change: the pull
    // trusts the record (this is what it saves), so these bytes are what it places.
    const file = entry.blob(pushed.layers[0]!.digest)!;
    await writeFile(file, 'bbbb');
    await entry.vouch(new Map([[pushed.layers[0]!.digest, (await stampOf(file))!]]));
    const later = new Date(Date.now() + 60_000);
    await utimes(join(entry.path, RECORD_FILE), later, later);
    const again = join(setup.dir, 'again');
    const result = await run(pushed.descriptor.digest, { cache, outputDir: again });
    expect(result.fromCache).toBe(2);
    expect(await readFile(join(again, 'a.txt'), 'utf8')).toBe('bbbb');
  });

  it('hashes a cached copy the record does not vouch for, and records it once it is right', async () => {
    const pushed = await pushArtifact(
      layout,
      [fileLayer('a.txt', 'a'), folderLayer('d', [{ name: 'd/x', body: 'x' }])],
      'v1',
    );
    const cache = folderCache(join(setup.dir, 'cache'));
    await run('v1', { cache });
    const entry = cache.find(pushed.descriptor.digest)!;
    await rm(join(entry.path, RECORD_FILE));
    const again = join(setup.dir, 'again');
    const result = await run(pushed.descriptor.digest, { cache, outputDir: again });
    expect([result.downloaded, result.fromCache, cache.saves]).toEqual([0, 2, 1]);
    expect(await tree(again)).toEqual(await tree(out));
    const record = JSON.parse(await readFile(join(entry.path, RECORD_FILE), 'utf8')) as {
      blobs: Record<string, unknown>;
    };
    expect(Object.keys(record.blobs).sort()).toEqual(pushed.layers.map((l) => l.digest).sort());
  });

  it('places a cached file as a new file of its own: editing it leaves the cache as it was', async () => {
    const pushed = await pushArtifact(layout, [fileLayer('a.txt', 'cached')], 'v1');
    const cache = folderCache(join(setup.dir, 'cache'));
    await run('v1', { cache });
    const again = join(setup.dir, 'again');
    await run(pushed.descriptor.digest, { cache, outputDir: again });
    const placed = join(again, 'a.txt');
    const cached = cache.find(pushed.descriptor.digest)!.blob(pushed.layers[0]!.digest)!;
    expect((await stat(placed)).ino).not.toBe((await stat(cached)).ino);
    await appendFile(placed, ' and edited');
    expect(await readFile(cached, 'utf8')).toBe('cached');
  });
});

describe('blob records', () => {
  const stamp = (mtimeNs: bigint, ctimeNs = mtimeNs): BlobStamp => ({
    size: 4,
    mtimeNs: String(mtimeNs),
    ctimeNs: String(ctimeNs),
    dev: '1',
    ino: '2',
  });
  const digest = 'sha256:0000000000000000000000000000000000000000000000000000000000000000';

  it('vouches for a file that is as recorded and older than the record', () => {
    const record = { blobs: new Map([[digest, stamp(100n)]]), asOfNs: 200n };
    expect(vouchedFor(record, digest as Digest, stamp(100n))).toBe(true);
    expect(vouchedFor(record, digest as Digest, { ...stamp(100n), size: 5 })).toBe(false);
    expect(vouchedFor(record, digest as Digest, { ...stamp(100n), ino: '3' })).toBe(false);
    expect(vouchedFor(record, digest as Digest, stamp(100n, 150n))).toBe(false);
  });

  it('does not vouch for a file changed in the clock tick of the record (racy)', () => {
    // A write in the same tick as the record would leave the times as recorded.
    const record = { blobs: new Map([[digest, stamp(200n)]]), asOfNs: 200n };
    expect(vouchedFor(record, digest as Digest, stamp(200n))).toBe(false);
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
