// The pull command against an OCI image layout folder: placement, modes, filters, refusals, and
// what is left after a failure.
import { chmod, mkdir, readdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { digestBytes } from '../../../src/oci/digest.js';
import type { OciLayout } from '../../../src/oci/layout/store.js';
import { OCI_INDEX } from '../../../src/oci/media-types.js';
import {
  alteredGzip,
  fileLayer,
  filterLayers,
  folderLayer,
  pushArtifact,
  type LayerSpec,
} from './fixtures.js';
import { memoryLog, tree } from './helpers.js';
import { useLayoutPull } from './layout-pull.js';
import { tarBytes } from './tar-builder.js';

describe('pull from an OCI layout', () => {
  const setup = useLayoutPull();
  const { run, failure, alter } = setup;
  let layout: OciLayout;
  let out: string;
  let outside: string;
  beforeEach(() => {
    ({ layout, out, outside } = setup);
  });

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
    expect(log.groups).toEqual([`Pull ${layout.location}:v1`]);
    expect(log.lines).toContainEqual(
      expect.stringMatching(/^Pulled a\.txt sha256:[0-9a-f]{12} \(5 B\) → \/.*\/out\/a\.txt$/),
    );
    expect(log.lines).toContainEqual(
      expect.stringMatching(/^Pulled tools sha256:[0-9a-f]{12} \(\d+ B, 2 files extracted\) → /),
    );
    expect(log.lines.at(-1)).toBe(
      `Pulled ${layout.location}@${pushed.descriptor.digest}: 3 layers (${result.files.reduce((s, f) => s + f.size, 0)} B) into ${out}; 3 blobs downloaded`,
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

  // Read-only folders cannot be emptied by a user other than root, which runners are.
  it('replaces a folder that holds a read-only folder, and removes staged ones on failure', async () => {
    const readOnly = (title: string) =>
      folderLayer(title, [
        { name: `${title}/ro/`, type: '5', mode: 0o555 },
        { name: `${title}/ro/f`, body: 'new' },
      ]);
    await mkdir(join(out, 'd/old'), { recursive: true });
    await writeFile(join(out, 'd/old/f'), 'old');
    await chmod(join(out, 'd/old'), 0o555);
    await pushArtifact(layout, [readOnly('d')], 'v1');
    await run('v1');
    expect(await tree(out)).toEqual({ d: 'dir 755', 'd/ro': 'dir 555', 'd/ro/f': 'file 644 new' });

    // A staged read-only folder, then a failing layer: the work folder still goes away.
    const bad = fileLayer('z.txt', 'z');
    const pushed = await pushArtifact(layout, [readOnly('e'), bad], 'v2');
    await alter(pushed.layers[1]!.digest, () => Buffer.from('Z'));
    const error = await failure('v2', { concurrency: 1 });
    expect(error).toMatchObject({ code: 'DIGEST_MISMATCH' });
    expect(await readdir(out)).toEqual(['d']);
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
    await pushArtifact(layout, filterLayers(), 'v1');
    const log = memoryLog();
    await run('v1', { files: ['docs/**', '!docs/private'], log });
    expect(Object.keys(await tree(out))).toEqual(['docs', 'docs/a.md']);
    expect(log.notices).toEqual([expect.stringContaining('1 layer without a title')]);
    expect(log.debugs).toEqual([
      expect.stringMatching(/^Skipped "docs\/private\/b\.md" sha256:\w{12} \(.*\): not selected/),
      expect.stringMatching(/^Skipped "bin\/tool" sha256:\w{12} \(.*\): not selected by "files"$/),
    ]);

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

  // The layout store verifies what it reads; the pull relies on it and hashes nothing again.
  it.each<[string, LayerSpec, (bytes: Buffer) => Buffer]>([
    ['a file', fileLayer('b.txt', 'bbbb'), () => Buffer.from('BBBB')],
    [
      'a folder (same tar, other gzip header)',
      folderLayer('site', [{ name: 'site/i', body: 'i' }]),
      alteredGzip,
    ],
  ])(
    'fails on %s altered at rest, names the layer, and leaves nothing',
    async (_what, layer, change) => {
      const pushed = await pushArtifact(layout, [fileLayer('a.txt', 'aaaa'), layer], 'v1');
      await alter(pushed.layers[1]!.digest, change);
      await mkdir(out);
      const error = await failure('v1');
      expect(error).toMatchObject({ code: 'DIGEST_MISMATCH' });
      expect(error.message).toMatch(
        new RegExp(`^layer "${layer.title}" \\(sha256:\\w{12}\\): .*content digest is sha256:`),
      );
      expect(await readdir(out)).toEqual([]);
    },
  );

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

  it('refuses two layers that would land on one path, or one inside the other', async () => {
    await pushArtifact(layout, [fileLayer('a', '1'), fileLayer('./a', '2')], 'v1');
    expect((await failure('v1')).code).toBe('CONFLICTING_TITLES');
    await pushArtifact(
      layout,
      [fileLayer('d/e/f', '1'), fileLayer('b', '2'), fileLayer('d', '3')],
      'v2',
    );
    const nested = await failure('v2');
    expect(nested.code).toBe('CONFLICTING_TITLES');
    expect(nested.message).toContain('layer "d/e/f" would be written inside layer "d"');
    await expect(stat(out)).rejects.toThrow();
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

  it('refuses a malformed uncompressed digest annotation before downloading', async () => {
    const layer = folderLayer('d', [{ name: 'd/x', body: 'x' }]);
    layer.annotations!['io.deis.oras.content.digest'] = 'sha256:nothex';
    await pushArtifact(layout, [layer], 'v1');
    const source = setup.recording();
    const error = await failure('v1', { source });
    expect(error.code).toBe('BAD_ARCHIVE');
    expect(error.message).toContain('folder layer "d": its io.deis.oras.content.digest');
    expect(source.fetched).toEqual([]);
  });

  it('refuses a folder layer that is not a tar', async () => {
    await pushArtifact(layout, [folderLayer('d', gzipSync('not a tar at all'))], 'v1');
    expect((await failure('v1')).code).toBe('BAD_ARCHIVE');
  });
});
