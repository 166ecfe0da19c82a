import { execFileSync } from 'node:child_process';
import {
  access,
  chmod,
  mkdir,
  readFile,
  realpath,
  symlink,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { digestBytes } from '../../../src/oci/digest.js';
import { walkFolder } from '../../../src/commands/pack/folder-walk.js';
import { packFolder, type PackFolderOptions } from '../../../src/commands/pack/folder-layer.js';
import { makeTempDir } from '../../support/temp.js';

const LONG = 'd'.repeat(120);

async function makeTree(root: string, mtime: number): Promise<void> {
  await mkdir(join(root, 'out', 'sub'), { recursive: true });
  await mkdir(join(root, 'out', LONG), { recursive: true });
  await writeFile(join(root, 'out', 'a.txt'), 'hello\n');
  await writeFile(join(root, 'out', 'a.map'), 'map\n');
  await writeFile(join(root, 'out', 'sub', 'run.sh'), '#!/bin/sh\necho hi\n');
  await chmod(join(root, 'out', 'sub', 'run.sh'), 0o755);
  await writeFile(join(root, 'out', LONG, 'ünï.txt'), 'x\n');
  await symlink('../a.txt', join(root, 'out', 'sub', 'link'));
  for (const path of ['out/a.txt', 'out/a.map', 'out/sub/run.sh', `out/${LONG}/ünï.txt`]) {
    await utimes(join(root, path), mtime, mtime);
  }
}

async function pack(
  root: string,
  options: { mtime?: number; excludes?: string[]; packing?: PackFolderOptions } = {},
) {
  const items = await walkFolder({
    root: join(root, 'out'),
    realRoot: await realpath(join(root, 'out')),
    title: 'out',
    excludes: options.excludes ?? [],
    includeHiddenFiles: false,
    blame: { input: 'files', given: 'out' },
    ...(options.mtime === undefined ? {} : { mtime: options.mtime }),
  });
  return packFolder(items, join(root, 'layer.tar.gz'), 6, options.packing);
}

describe('folder layers', () => {
  const dirs: { remove: () => Promise<void> }[] = [];
  afterAll(async () => Promise.all(dirs.map((d) => d.remove())));
  const temp = async () => {
    const dir = await makeTempDir('oci-pack-');
    dirs.push(dir);
    return dir.path;
  };

  it('writes a gzipped tar that GNU tar lists with modes, links, long and non-ASCII names', async () => {
    const root = await temp();
    await makeTree(root, 1_600_000_000);
    const packed = await pack(root, { mtime: 0 });
    const bytes = await readFile(packed.path);
    expect(digestBytes(bytes)).toBe(packed.digest);
    expect(bytes.length).toBe(packed.size);
    expect(digestBytes(gunzipSync(bytes))).toBe(packed.uncompressedDigest);
    execFileSync('gzip', ['-t', packed.path]);
    const listing = execFileSync('tar', ['-tvzf', packed.path, '--numeric-owner'], {
      env: { ...process.env, TZ: 'UTC', LC_ALL: 'C.UTF-8' },
    })
      .toString()
      .trim()
      .split('\n');
    expect(listing).toEqual([
      'drwxr-xr-x 0/0               0 1970-01-01 00:00 out/',
      '-rw-r--r-- 0/0               4 1970-01-01 00:00 out/a.map',
      '-rw-r--r-- 0/0               6 1970-01-01 00:00 out/a.txt',
      'drwxr-xr-x 0/0               0 1970-01-01 00:00 out/' + LONG + '/',
      '-rw-r--r-- 0/0               2 1970-01-01 00:00 out/' + LONG + '/ünï.txt',
      'drwxr-xr-x 0/0               0 1970-01-01 00:00 out/sub/',
      'lrwxrwxrwx 0/0               0 1970-01-01 00:00 out/sub/link -> ../a.txt',
      '-rwxr-xr-x 0/0              18 1970-01-01 00:00 out/sub/run.sh',
    ]);
  });

  it('gives the same bytes for the same content in another folder with other mtimes', async () => {
    const first = await temp();
    const second = await temp();
    await makeTree(first, 1_600_000_000);
    await makeTree(second, 1_700_000_000);
    const a = await pack(first, { mtime: 0 });
    const b = await pack(second, { mtime: 0 });
    expect(b.digest).toBe(a.digest);
    expect(b.uncompressedDigest).toBe(a.uncompressedDigest);
  });

  it('changes the digest when one byte changes, or the executable bit', async () => {
    const root = await temp();
    await makeTree(root, 0);
    const before = await pack(root, { mtime: 0 });
    await writeFile(join(root, 'out', 'a.txt'), 'hellO\n');
    const changedByte = await pack(root, { mtime: 0 });
    expect(changedByte.digest).not.toBe(before.digest);
    await chmod(join(root, 'out', 'sub', 'run.sh'), 0o644);
    const changedMode = await pack(root, { mtime: 0 });
    expect(changedMode.digest).not.toBe(changedByte.digest);
  });

  it('stores folders as 0755 and files as 0644, or 0755 when the owner may run them', async () => {
    const root = await temp();
    await makeTree(root, 0);
    const before = await pack(root, { mtime: 0 });
    // What another umask, a Windows checkout or a careful user leaves on disk.
    await chmod(join(root, 'out', 'sub'), 0o700);
    await chmod(join(root, 'out', 'a.txt'), 0o600);
    await chmod(join(root, 'out', 'a.map'), 0o664);
    await chmod(join(root, 'out', 'sub', 'run.sh'), 0o744);
    await chmod(join(root, 'out', LONG), 0o500);
    try {
      const after = await pack(root, { mtime: 0 });
      expect(after.digest).toBe(before.digest);
      const listing = execFileSync('tar', ['-tvzf', after.path, '--numeric-owner'], {
        env: { ...process.env, TZ: 'UTC', LC_ALL: 'C.UTF-8' },
      }).toString();
      expect(listing.split('\n').map((line) => line.split(' ')[0])).toEqual([
        'drwxr-xr-x',
        '-rw-r--r--',
        '-rw-r--r--',
        'drwxr-xr-x',
        '-rw-r--r--',
        'drwxr-xr-x',
        'lrwxrwxrwx',
        '-rwxr-xr-x',
        '',
      ]);
    } finally {
      await chmod(join(root, 'out', LONG), 0o755);
    }
  });

  it('writes a fixed gzip header: no mtime, no name, OS unknown', async () => {
    const root = await temp();
    await makeTree(root, 0);
    const packed = await pack(root, { mtime: 0 });
    const header = (await readFile(packed.path)).subarray(0, 10);
    expect([...header]).toEqual([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255]);
  });

  it('keeps real mtimes when no mtime is forced', async () => {
    const root = await temp();
    await makeTree(root, 1_600_000_000);
    const packed = await pack(root);
    const listing = execFileSync('tar', ['-tvzf', packed.path, 'out/a.txt'], {
      env: { ...process.env, TZ: 'UTC' },
    }).toString();
    expect(listing).toContain('2020-09-13 12:26 out/a.txt');
  });

  it('stops when its signal aborts, with the reason given, and removes the archive', async () => {
    const root = await temp();
    await makeTree(root, 0);
    const controller = new AbortController();
    const reason = new Error('the job was cancelled');
    // Stopped as the first file's content goes in: mid-archive, not before it began.
    const stopping = pack(root, {
      packing: { signal: controller.signal, watch: () => () => controller.abort(reason) },
    });
    await expect(stopping).rejects.toBe(reason);
    await expect(access(join(root, 'layer.tar.gz'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('leaves out what the excludes match, folders with all below them', async () => {
    const root = await temp();
    await makeTree(root, 0);
    const items = await walkFolder({
      root: join(root, 'out'),
      realRoot: await realpath(join(root, 'out')),
      title: 'web/out',
      excludes: [join(root, '**', '*.map'), join(root, 'out', LONG)],
      mtime: 0,
      includeHiddenFiles: false,
      blame: { input: 'files', given: 'web/out' },
    });
    expect(items.map((i) => i.entry.name)).toEqual([
      'web/out',
      'web/out/a.txt',
      'web/out/sub',
      'web/out/sub/link',
      'web/out/sub/run.sh',
    ]);
  });
});
