// The pull command against an OCI image layout folder: placement, modes, filters and refusals.
import { existsSync } from 'node:fs';
import {
  chmod,
  cp,
  mkdir,
  readdir,
  readFile,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { pull, type PullOptions } from '../../../src/commands/pull/pull.js';
import { PullError } from '../../../src/commands/pull/errors.js';
import { OciLayout } from '../../../src/oci/layout/store.js';
import { blobPath } from '../../../src/oci/layout/blob-path.js';
import { OCI_INDEX } from '../../../src/oci/media-types.js';
import { digestBytes, type Digest } from '../../../src/oci/digest.js';
import { folderEntry, type ArtifactCache } from '../../../src/commands/pull/artifact-cache.js';
import { makeTempDir } from '../../support/temp.js';
import { fileLayer, folderLayer, pushArtifact } from './fixtures.js';
import { memoryLog, tree } from './helpers.js';
import { tarBytes } from './tar-builder.js';

describe('pull from an OCI layout', () => {
  // Modes below assume the usual umask; the action (a child process) inherits it.
  let umask: number;
  beforeAll(() => {
    umask = process.umask(0o022);
  });
  afterAll(() => {
    process.umask(umask);
  });
  let tmp: { path: string; remove: () => Promise<void> };
  let layout: OciLayout;
  let out: string;
  let outside: string;
  beforeEach(async () => {
    tmp = await makeTempDir('pull-layout-');
    layout = await OciLayout.open(join(tmp.path, 'layout'), { create: true });
    out = join(tmp.path, 'out');
    outside = join(tmp.path, 'outside');
    await mkdir(outside);
  });
  afterEach(() => tmp.remove());

  const run = (selector: string, extra: Partial<PullOptions> = {}) =>
    pull({ source: layout, selector, outputDir: out, log: memoryLog(), ...extra });
  const failure = (selector: string, extra: Partial<PullOptions> = {}) =>
    run(selector, extra).then(
      () => {
        throw new Error('the pull succeeded');
      },
      (error: unknown) => error as PullError,
    );

  it('writes files and folders byte for byte, with modes, and reports them', async () => {
    const pushed = await pushArtifact(
      layout,
      [
        fileLayer('a.txt', 'alpha'),
        fileLayer('nested/b.bin', Buffer.from([0, 1, 2, 255])),
        folderLayer('tools', [
          { name: 'tools/', type: '5', mode: 0o755 },
          { name: 'tools/run.sh', mode: 0o755, body: '#!/bin/sh\n' },
          { name: 'tools/conf/', type: '5', mode: 0o700 },
          { name: 'tools/conf/x.cfg', mode: 0o600, body: 'x=1' },
          { name: 'tools/latest', type: '2', linkname: 'run.sh' },
        ]),
      ],
      'v1',
    );
    const log = memoryLog();
    const result = await run('v1', { log });
    expect(await tree(out)).toEqual({
      'a.txt': 'file 644 alpha',
      nested: 'dir 755',
      'nested/b.bin': `file 644 ${Buffer.from([0, 1, 2, 255]).toString('utf8')}`,
      tools: 'dir 755',
      'tools/conf': 'dir 700',
      'tools/conf/x.cfg': 'file 600 x=1',
      'tools/latest': 'link -> run.sh',
      'tools/run.sh': 'file 755 #!/bin/sh\n',
    });
    expect(result.descriptor.digest).toBe(pushed.descriptor.digest);
    expect(result.manifest.equals(pushed.manifest)).toBe(true);
    expect(result.artifactType).toBe('application/vnd.test.artifact');
    expect(result.files).toEqual([
      expect.objectContaining({
        path: join(out, 'a.txt'),
        title: 'a.txt',
        size: 5,
        unpacked: false,
      }),
      expect.objectContaining({ path: join(out, 'nested/b.bin'), title: 'nested/b.bin' }),
      expect.objectContaining({
        path: join(out, 'tools'),
        title: 'tools',
        digest: pushed.layers[2]?.digest,
        unpacked: true,
      }),
    ]);
    expect(log.lines).toContainEqual(
      expect.stringMatching(/^a\.txt → .*\/out\/a\.txt \(sha256:[0-9a-f]{12}, 5 B\)$/),
    );
  });

  it('replaces what is there by default, folders as a whole', async () => {
    await pushArtifact(
      layout,
      [fileLayer('a.txt', 'new'), folderLayer('d', [{ name: 'd/new', body: 'n' }])],
      'v1',
    );
    await mkdir(join(out, 'd'), { recursive: true });
    await writeFile(join(out, 'd/old'), 'o');
    await writeFile(join(out, 'a.txt'), 'old');
    await writeFile(join(out, 'keep.txt'), 'k');
    await run('v1');
    expect(await tree(out)).toEqual({
      'a.txt': 'file 644 new',
      d: 'dir 755',
      'd/new': 'file 644 n',
      'keep.txt': 'file 644 k',
    });
  });

  it('with overwrite false fails before writing anything when a target exists', async () => {
    await pushArtifact(layout, [fileLayer('a.txt', 'new'), fileLayer('b.txt', 'b')], 'v1');
    await mkdir(out);
    await writeFile(join(out, 'b.txt'), 'mine');
    const error = await failure('v1', { overwrite: false });
    expect(error.code).toBe('TARGET_EXISTS');
    expect(error.message).toContain(join(out, 'b.txt'));
    expect(await tree(out)).toEqual({ 'b.txt': 'file 644 mine' });
  });

  it('filters by title globs and by media type; untitled layers only by media type', async () => {
    await pushArtifact(
      layout,
      [
        fileLayer('docs/a.md', 'a'),
        fileLayer('docs/private/b.md', 'b'),
        fileLayer('bin/tool', 't', 'application/vnd.test.tool'),
        { bytes: 'untitled', mediaType: 'application/vnd.test.raw' },
      ],
      'v1',
    );
    const log = memoryLog();
    await run('v1', { files: ['docs/**', '!docs/private'], log });
    expect(Object.keys(await tree(out))).toEqual(['docs', 'docs/a.md']);
    expect(log.notices).toEqual([expect.stringContaining('it has no title')]);

    await run('v1', { mediaTypes: ['application/vnd.test.tool', 'application/vnd.test.raw'] });
    const raw = `sha256-${digestBytes('untitled').slice(7)}`;
    expect(Object.keys(await tree(out)).sort()).toEqual(
      ['bin', 'bin/tool', 'docs', 'docs/a.md', raw].sort(),
    );
  });

  it('saves a folder layer as its archive with unpack false', async () => {
    const layer = folderLayer('d', [{ name: 'd/x', body: 'x' }]);
    await pushArtifact(layout, [layer], 'v1');
    await run('v1', { unpack: false });
    expect((await readFile(join(out, 'd'))).equals(layer.bytes as Buffer)).toBe(true);
  });

  it.each([
    ['a title with ..', '../outside/evil'],
    ['an absolute title', '/tmp/oci-pull-absolute-evil'],
  ])('refuses %s unless allow-path-traversal', async (_what, title) => {
    await pushArtifact(layout, [fileLayer(title, 'evil')], 'v1');
    const error = await failure('v1');
    expect(error.code).toBe('UNSAFE_PATH');
    expect(error.message).toContain('allow-path-traversal');
    expect(await readdir(outside)).toEqual([]);
    await expect(stat(out)).rejects.toThrow(); // not even the output folder was made
  });

  it('writes a title with .. when allow-path-traversal is true', async () => {
    await pushArtifact(layout, [fileLayer('../outside/ok.txt', 'ok')], 'v1');
    await run('v1', { allowPathTraversal: true });
    expect(await readFile(join(outside, 'ok.txt'), 'utf8')).toBe('ok');
  });

  it('refuses a path through an existing symlink that leads out', async () => {
    await pushArtifact(layout, [fileLayer('link/evil.txt', 'evil')], 'v1');
    await mkdir(out);
    await symlink(outside, join(out, 'link'));
    const error = await failure('v1');
    expect(error.code).toBe('UNSAFE_PATH');
    expect(error.message).toContain('symbolic link');
    expect(await readdir(outside)).toEqual([]);
    await run('v1', { allowPathTraversal: true });
    expect(await readdir(outside)).toEqual(['evil.txt']);
  });

  it('follows an existing symlink that stays inside', async () => {
    await pushArtifact(layout, [fileLayer('alias/f.txt', 'f')], 'v1');
    await mkdir(join(out, 'real'), { recursive: true });
    await symlink('real', join(out, 'alias'));
    await run('v1');
    expect(await readFile(join(out, 'real/f.txt'), 'utf8')).toBe('f');
  });

  it('leaves nothing when a folder layer is hostile, even after good layers', async () => {
    await pushArtifact(
      layout,
      [
        fileLayer('good.txt', 'good'),
        folderLayer('d', [
          { name: 'd/l', type: '2', linkname: '../../outside' },
          { name: 'd/x', body: 'x' },
        ]),
      ],
      'v1',
    );
    await mkdir(out);
    const error = await failure('v1', { concurrency: 1 });
    expect(error.code).toBe('UNSAFE_ARCHIVE');
    expect(await readdir(out)).toEqual([]);
    expect(await readdir(outside)).toEqual([]);
  });

  it('fails on a blob altered at rest and leaves nothing', async () => {
    const pushed = await pushArtifact(
      layout,
      [fileLayer('a.txt', 'aaaa'), fileLayer('b.txt', 'bbbb')],
      'v1',
    );
    const file = blobPath(layout.root, pushed.layers[1]!.digest);
    await chmod(file, 0o644);
    await writeFile(file, 'BBBB');
    await mkdir(out);
    const error = await failure('v1');
    expect(error).toMatchObject({ code: 'DIGEST_MISMATCH' });
    expect(await readdir(out)).toEqual([]);
  });

  it('fails before downloading when the digest is not the expected one', async () => {
    await pushArtifact(layout, [fileLayer('a.txt', 'a')], 'v1');
    const error = await failure('v1', { expectedDigest: digestBytes('other') });
    expect(error.code).toBe('UNEXPECTED_DIGEST');
    await expect(stat(out)).rejects.toThrow();
  });

  it('refuses an index and names its manifests', async () => {
    const child = await pushArtifact(layout, [fileLayer('a.txt', 'a')]);
    const index = Buffer.from(
      JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [child.descriptor] }),
    );
    const descriptor = { mediaType: OCI_INDEX, digest: digestBytes(index), size: index.length };
    await layout.pushManifest(descriptor, index, 'multi');
    const error = await failure('multi');
    expect(error.code).toBe('UNSUPPORTED_MANIFEST');
    expect(error.message).toContain(child.descriptor.digest);
  });

  it('refuses two layers that would land on one path', async () => {
    await pushArtifact(layout, [fileLayer('a', '1'), fileLayer('./a', '2')], 'v1');
    expect((await failure('v1')).code).toBe('CONFLICTING_TITLES');
  });

  it('refuses an uncompressed digest that differs from the annotation', async () => {
    const layer = folderLayer('d', [{ name: 'd/x', body: 'x' }]);
    layer.annotations!['io.deis.oras.content.digest'] = digestBytes(
      tarBytes([{ name: 'd/y', body: 'y' }]),
    );
    await pushArtifact(layout, [layer], 'v1');
    expect((await failure('v1')).code).toBe('BAD_ARCHIVE');
    await expect(stat(out)).rejects.toThrow();
  });

  it('refuses a folder layer that is not a tar', async () => {
    await pushArtifact(layout, [folderLayer('d', gzipSync('not a tar at all'))], 'v1');
    expect((await failure('v1')).code).toBe('BAD_ARCHIVE');
  });

  it('reads a second pull of the same digest from the cache, without the source', async () => {
    const pushed = await pushArtifact(
      layout,
      [fileLayer('a.txt', 'a'), folderLayer('d', [{ name: 'd/x', body: 'x' }])],
      'v1',
    );
    const cache = folderCache(join(tmp.path, 'cache'));
    const first = await run('v1', { cache });
    expect([first.downloaded, first.fromCache, cache.saves]).toEqual([2, 0, 1]);

    // A source that fails every call: the second pull (by digest) must not need it.
    const offline = {
      location: 'offline',
      resolve: () => Promise.reject(new Error('resolve called')),
      fetch: () => Promise.reject(new Error('fetch called')),
      fetchManifest: () => Promise.reject(new Error('fetchManifest called')),
    };
    const again = join(tmp.path, 'again');
    const second = await pull({
      source: offline,
      selector: pushed.descriptor.digest,
      outputDir: again,
      cache,
      log: memoryLog(),
    });
    expect([second.downloaded, second.fromCache, cache.saves]).toEqual([0, 2, 1]);
    expect(await tree(again)).toEqual(await tree(out));
    expect(second.manifest.equals(pushed.manifest)).toBe(true);
  });

  it('downloads a damaged cached blob again and repairs the entry', async () => {
    const pushed = await pushArtifact(
      layout,
      [fileLayer('a.txt', 'a'), fileLayer('b.txt', 'b')],
      'v1',
    );
    const cache = folderCache(join(tmp.path, 'cache'));
    await run('v1', { cache });
    const damaged = () => cache.find(pushed.descriptor.digest)!.blob(pushed.layers[0]!.digest)!;
    await writeFile(damaged(), 'x');
    const log = memoryLog();
    const again = join(tmp.path, 'again');
    const result = await run('v1', { cache, outputDir: again, log });
    expect([result.downloaded, result.fromCache, cache.saves]).toEqual([1, 1, 2]);
    expect(log.warnings).toEqual([expect.stringContaining('is damaged; downloading it again')]);
    expect(await readFile(join(again, 'a.txt'), 'utf8')).toBe('a');
    expect(await readFile(damaged(), 'utf8')).toBe('a');
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
