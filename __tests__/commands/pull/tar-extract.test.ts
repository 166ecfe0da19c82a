// Extraction of folder layers on its own: entries, modes, links, refusals and the disk reserve.
import { execFileSync } from 'node:child_process';
import { lstat, mkdir, readdir, readFile, readlink, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { digestBytes } from '../../../src/oci/digest.js';
import { extractTarGzip } from '../../../src/commands/pull/tar-extract.js';
import { PullError } from '../../../src/commands/pull/errors.js';
import { WriteBudget } from '../../../src/commands/pull/write-budget.js';
import { memoryLog, tree, useTempDirEach, useUmask } from './helpers.js';
import { tarBytes, tarGzip, type TarEntry } from './tar-builder.js';

describe('extractTarGzip', () => {
  useUmask();
  const tmp = useTempDirEach('pull-extract-');
  let outside: string;
  let root: string;
  beforeEach(async () => {
    outside = join(tmp.path, 'outside');
    await mkdir(outside);
    root = join(tmp.path, 'work', 'layer');
    await mkdir(join(tmp.path, 'work'));
  });

  const extract = (entries: TarEntry[] | Buffer, title = 'dir', log = memoryLog()) =>
    extractTarGzip(Readable.from([Array.isArray(entries) ? tarGzip(entries) : entries]), {
      title,
      root,
      log,
    });

  /** Everything under the temp folder except what the test made on purpose. */
  const outsideIsEmpty = async () => expect(await readdir(outside)).toEqual([]);

  it('writes files, folders, symlinks and hard links with their modes and times', async () => {
    const log = memoryLog();
    const tar = tarBytes([
      { name: 'dir/', type: '5', mode: 0o750 },
      { name: 'dir/bin/', type: '5', mode: 0o755 },
      { name: 'dir/bin/run.sh', mode: 0o4755, body: '#!/bin/sh\necho ran\n', mtime: 1_600_000_000 },
      { name: 'dir/readme.md', mode: 0o600, body: 'hello' },
      { name: 'dir/link', type: '2', linkname: 'bin/run.sh' },
      { name: 'dir/hard', type: '1', linkname: 'dir/readme.md' },
      { name: 'dir/implicit/deep.txt', body: 'deep' },
      { name: 'dir/fifo', type: '6' },
      { name: 'dir/tty', type: '3' },
    ]);
    const result = await extractTarGzip(Readable.from([gzipSync(tar)]), {
      title: 'dir',
      root,
      log,
      expectedDigest: digestBytes(tar),
    });
    expect(result).toMatchObject({
      digest: digestBytes(tar),
      size: tar.length,
      files: 4,
      skipped: 2,
    });
    expect(await readFile(join(root, 'readme.md'), 'utf8')).toBe('hello');
    expect((await stat(join(root, 'readme.md'))).mode & 0o7777).toBe(0o600);
    // setuid dropped, executable kept
    expect((await stat(join(root, 'bin/run.sh'))).mode & 0o7777).toBe(0o755);
    expect(execFileSync(join(root, 'bin/run.sh')).toString()).toBe('ran\n');
    expect((await stat(join(root, 'bin/run.sh'))).mtimeMs).toBe(1_600_000_000_000);
    expect(await readlink(join(root, 'link'))).toBe('bin/run.sh');
    expect((await stat(join(root, 'hard'))).ino).toBe((await stat(join(root, 'readme.md'))).ino);
    expect((await stat(root)).mode & 0o777).toBe(0o750);
    expect(await readFile(join(root, 'implicit/deep.txt'), 'utf8')).toBe('deep');
    expect(log.warnings).toEqual([
      expect.stringContaining('skipped tar entry "dir/fifo" of type FIFO'),
      expect.stringContaining('skipped tar entry "dir/tty" of type CharacterDevice'),
    ]);
    expect(await readdir(root)).not.toContain('tty');
  });

  it('reads a tar written by GNU tar with entries in another order', async () => {
    const src = join(tmp.path, 'src');
    await mkdir(join(src, 'dir/sub'), { recursive: true });
    await writeFile(join(src, 'dir/sub/z.txt'), 'zzz');
    await writeFile(join(src, 'dir/a.sh'), 'echo a', { mode: 0o755 });
    const archive = join(tmp.path, 'gnu.tgz');
    // Files before their folders, reverse order, no directory recursion.
    execFileSync('tar', [
      '-czf',
      archive,
      '-C',
      src,
      '--no-recursion',
      'dir/sub/z.txt',
      'dir/a.sh',
      'dir/sub',
      'dir',
    ]);
    const listing = execFileSync('tar', ['-tzf', archive]).toString().trim().split('\n');
    expect(listing).toEqual(['dir/sub/z.txt', 'dir/a.sh', 'dir/sub/', 'dir/']);
    await extract(await readFile(archive));
    expect(await readFile(join(root, 'sub/z.txt'), 'utf8')).toBe('zzz');
    expect((await stat(join(root, 'a.sh'))).mode & 0o111).toBe(0o111);
  });

  it.each<[string, TarEntry[]]>([
    ['an entry with ..', [{ name: 'dir/../../outside/x', body: 'x' }]],
    ['an absolute entry', [{ name: `/tmp/x`, body: 'x' }]],
    ['an entry outside the title', [{ name: 'other/x', body: 'x' }]],
    ['a symlink out by ..', [{ name: 'dir/l', type: '2', linkname: '../../outside' }]],
    ['an absolute symlink', [{ name: 'dir/l', type: '2', linkname: '/etc' }]],
    [
      'a file written through a symlink',
      [
        { name: 'dir/sub/', type: '5' },
        { name: 'dir/l', type: '2', linkname: 'sub' },
        { name: 'dir/l/x', body: 'x' },
      ],
    ],
    ['a hard link out', [{ name: 'dir/h', type: '1', linkname: 'dir/../../outside/f' }]],
    ['a hard link to a file not extracted', [{ name: 'dir/h', type: '1', linkname: 'dir/none' }]],
    [
      'a symlink chain out',
      [
        { name: 'dir/a/b/', type: '5' },
        { name: 'dir/a/up', type: '2', linkname: '.' },
        { name: 'dir/a/out', type: '2', linkname: 'up/../..' },
      ],
    ],
    ['the title as a file', [{ name: 'dir', body: 'x' }]],
  ])('refuses %s', async (_what, entries) => {
    await writeFile(join(outside, '..', 'marker'), '');
    const error = await extract(entries).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PullError);
    expect((error as PullError).code).toBe('UNSAFE_ARCHIVE');
    await outsideIsEmpty();
  });

  it('reports how much it unpacked at the pace of transfers, for a layer that takes a while', async () => {
    const log = memoryLog();
    let clock = 0;
    const body = Buffer.alloc(4 * 1024 * 1024, 'z');
    const tar = tarBytes([
      { name: 'dir/a.bin', body },
      { name: 'dir/b.bin', body },
    ]);
    const result = await extractTarGzip(Readable.from([gzipSync(tar)]), {
      title: 'dir',
      root,
      log,
      // Each chunk written takes a second on this clock: several intervals pass.
      progress: { now: () => (clock += 1000), intervalMs: 5000 },
    });
    expect(result.size).toBe(tar.length);
    const lines = log.lines.filter((line) => line.startsWith('Unpacking dir: '));
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).toMatch(/^Unpacking dir: [\d.]+ (KiB|MiB) so far, /);
  });

  it('refuses an uncompressed digest that differs from the annotation', async () => {
    const error = await extractTarGzip(Readable.from([tarGzip([{ name: 'dir/a', body: 'a' }])]), {
      title: 'dir',
      root,
      log: memoryLog(),
      expectedDigest: digestBytes('something else'),
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'BAD_ARCHIVE' });
    expect((error as Error).message).toMatch(/io\.deis\.oras\.content\.digest/);
  });

  it.each<[string, Buffer]>([
    ['not gzip', Buffer.from('plain text, not gzip')],
    ['gzip but not tar', gzipSync(Buffer.alloc(2048, 'x'))],
    [
      'a cut tar',
      gzipSync(tarBytes([{ name: 'dir/a', body: 'x'.repeat(5000) }]).subarray(0, 1500)),
    ],
  ])('refuses %s', async (_what, bytes) => {
    const error = await extract(bytes).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'BAD_ARCHIVE' });
  });

  it('lets a later entry replace an earlier one, as tar does', async () => {
    await extract([
      { name: 'dir/x', body: 'first' },
      { name: 'dir/x', type: '2', linkname: 'y' },
      { name: 'dir/y/', type: '5' },
      { name: 'dir/y', body: 'file now' },
    ]);
    expect((await lstat(join(root, 'x'))).isSymbolicLink()).toBe(true);
    expect(await readFile(join(root, 'x'), 'utf8')).toBe('file now');
  });

  it('writes many small files side by side to what GNU tar makes of the same archive, replacements included', async () => {
    // Files written at once, with later entries replacing earlier ones in every way: a file by a
    // file, a folder full of files by a file, a file by a folder, a file by a symlink, and hard
    // links to files written just before.
    const entries: TarEntry[] = [{ name: 'dir/', type: '5' }];
    for (let i = 0; i < 300; i++) {
      entries.push({ name: `dir/d${i % 7}/f${i}.txt`, body: `file ${i}\n`.repeat(1 + (i % 40)) });
    }
    entries.push(
      { name: 'dir/d1/f1.txt', body: 'replaced by a later file' },
      { name: 'dir/d2', body: 'a file where a folder of files was' },
      { name: 'dir/d3/f3.txt/', type: '5' },
      { name: 'dir/d3/f3.txt/inner', body: 'inside the folder that replaced a file' },
      { name: 'dir/d4/f4.txt', type: '2', linkname: 'f11.txt' },
      { name: 'dir/d5/hard', type: '1', linkname: 'dir/d5/f5.txt' },
      { name: 'dir/d6/f6.txt', body: 'again' },
      { name: 'dir/d6/f6.txt', body: 'and again' },
    );
    const gz = tarGzip(entries);
    await extract(gz);
    const reference = join(tmp.path, 'gnu');
    await mkdir(reference);
    const archive = join(tmp.path, 'busy.tar.gz');
    await writeFile(archive, gz);
    // --recursive-unlink: a folder full of files gives way to a later file, as it does here.
    execFileSync('tar', ['--recursive-unlink', '-xzf', archive, '-C', reference]);
    expect(await tree(root)).toEqual(await tree(join(reference, 'dir')));
    expect((await stat(join(root, 'd5/hard'))).ino).toBe((await stat(join(root, 'd5/f5.txt'))).ino);
  });

  it('keeps modes within the umask', async () => {
    process.umask(0o027);
    try {
      await extract([
        { name: 'dir/', type: '5', mode: 0o777 },
        { name: 'dir/run', mode: 0o777, body: 'x' },
        { name: 'dir/implicit/f', mode: 0o666, body: 'f' },
      ]);
    } finally {
      process.umask(0o022);
    }
    expect((await stat(root)).mode & 0o777).toBe(0o750);
    expect((await stat(join(root, 'run'))).mode & 0o777).toBe(0o750);
    expect((await stat(join(root, 'implicit'))).mode & 0o777).toBe(0o750);
    expect((await stat(join(root, 'implicit/f'))).mode & 0o777).toBe(0o640);
  });

  it('restores a read-only folder after writing into it', async () => {
    await extract([
      { name: 'dir/ro/', type: '5', mode: 0o555 },
      { name: 'dir/ro/f', body: 'f' },
    ]);
    expect((await stat(join(root, 'ro'))).mode & 0o777).toBe(0o555);
    expect(await readFile(join(root, 'ro/f'), 'utf8')).toBe('f');
  });

  it('stops before the filesystem would drop below the disk reserve, leaving its folders removable', async () => {
    const tar = tarBytes([
      { name: 'dir/ro/', type: '5', mode: 0o555 },
      { name: 'dir/ro/big', body: Buffer.alloc(64 * 1024) },
    ]);
    const budget = await WriteBudget.open(tmp.path, {
      // More free space than any disk has: the first chunk is refused.
      reserve: { bytes: Number.MAX_SAFE_INTEGER, inodes: 0, checkEvery: 32 * 1024 },
    });
    const error = await extractTarGzip(Readable.from([gzipSync(tar)]), {
      title: 'dir',
      root,
      log: memoryLog(),
      budget: budget.forFolder('dir'),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PullError);
    expect(error).toMatchObject({ code: 'DISK_RESERVE' });
    expect((error as Error).message).toMatch(
      /^folder layer "dir": extraction stopped after 0 B of tar: the output filesystem had .* free, and a pull leaves .* free\. Either the layer is a decompression bomb/,
    );
    expect((await stat(join(root))).mode & 0o777).toBe(0o700);
  });

  it('extracts past the looks at the filesystem when there is room', async () => {
    const budget = await WriteBudget.open(tmp.path, {
      reserve: { bytes: 0, inodes: 0, checkEvery: 1 },
    });
    const result = await extractTarGzip(
      Readable.from([tarGzip([{ name: 'dir/a', body: Buffer.alloc(64 * 1024) }])]),
      { title: 'dir', root, log: memoryLog(), budget: budget.forFolder('dir') },
    );
    expect(result.files).toBe(1);
  });
});
