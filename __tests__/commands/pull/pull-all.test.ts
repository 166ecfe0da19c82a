// Several artifacts pulled as one (pullAll), from a real layout store: one concurrency budget
// for all of them, folders of their own, and with `merge` one folder where identical content is
// accepted and anything else refused before anything is written.
import { existsSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { chmod, cp, lstat, mkdir, readdir, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { folderEntry, type ArtifactCache } from '../../../src/commands/pull/artifact-cache.js';
import { PullError } from '../../../src/commands/pull/errors.js';
import { pullAll } from '../../../src/commands/pull/pull.js';
import type { PullAllOptions, PullSource } from '../../../src/commands/pull/pull-types.js';
import { WORK_MARKER, WORK_PREFIX } from '../../../src/commands/pull/work-folders.js';
import { digestBytes, type Digest } from '../../../src/oci/digest.js';
import { fileLayer, folderLayer, pushArtifact, type LayerSpec } from './fixtures.js';
import { memoryLog, tree } from './helpers.js';
import { useLayoutPull } from './layout-pull.js';

describe('pullAll: several artifacts at once', () => {
  const setup = useLayoutPull();
  let tags = 0;
  /** Pushes an artifact to the layout; returns its tag. */
  const artifact = async (layers: LayerSpec[]): Promise<string> => {
    const tag = `a${++tags}`;
    await pushArtifact(setup.layout, layers, tag);
    return tag;
  };
  const run = (
    selectors: string[],
    options: Partial<PullAllOptions> & { source?: PullSource; folders?: string[] } = {},
  ) =>
    pullAll({
      items: selectors.map((selector, i) => ({
        source: options.source ?? setup.layout,
        selector,
        outputDir: options.folders ? join(setup.out, options.folders[i] as string) : setup.out,
      })),
      root: setup.out,
      log: memoryLog(),
      ...options,
    });
  const refusal = (promise: Promise<unknown>) =>
    promise.then(
      () => {
        throw new Error('the pull succeeded');
      },
      (error: unknown) => error as PullError,
    );

  it('downloads the layers of all of them within one concurrency budget', async () => {
    const selectors = [];
    for (let a = 0; a < 3; a++) {
      selectors.push(await artifact([fileLayer('x', `x${a}`), fileLayer('y', `y${a}`)]));
    }
    let open = 0;
    let most = 0;
    const counting: PullSource = {
      location: setup.layout.location,
      resolve: (reference) => setup.layout.resolve(reference),
      fetchManifest: (reference) => setup.layout.fetchManifest(reference),
      fetch: async (descriptor, options) => {
        most = Math.max(most, ++open);
        const stream: Readable = await setup.layout.fetch(descriptor, options);
        stream.once('close', () => open--);
        return stream;
      },
    };
    const results = await run(selectors, {
      source: counting,
      folders: ['one', 'two', 'three'],
      concurrency: 2,
    });
    // Six layers of three artifacts, never more than two at once, and two at once indeed.
    expect(most).toBe(2);
    expect(results.map((r) => r.files.length)).toEqual([2, 2, 2]);
    expect(await tree(setup.out)).toEqual({
      one: 'dir 755',
      'one/x': 'file 644 x0',
      'one/y': 'file 644 y0',
      three: 'dir 755',
      'three/x': 'file 644 x2',
      'three/y': 'file 644 y2',
      two: 'dir 755',
      'two/x': 'file 644 x1',
      'two/y': 'file 644 y1',
    });
  });

  it('keeps a cache entry for each artifact, so pulling them again needs no source', async () => {
    const a = await pushArtifact(setup.layout, [fileLayer('x', 'from a')], 'ca');
    const b = await pushArtifact(setup.layout, [fileLayer('x', 'from b')], 'cb');
    const entries = join(setup.dir, 'cache');
    const cache: ArtifactCache = {
      find: (digest) => {
        const path = join(entries, digest.replace(':', '-'));
        return existsSync(path) ? folderEntry(path) : undefined;
      },
      save: (digest, folder) =>
        cp(folder, join(entries, digest.replace(':', '-')), { recursive: true }),
    };
    const first = await run(['ca', 'cb'], { cache, folders: ['a', 'b'] });
    expect(first.map((r) => [r.downloaded, r.fromCache])).toEqual([
      [1, 0],
      [1, 0],
    ]);
    const offline: PullSource = {
      location: 'offline',
      resolve: () => Promise.reject(new Error('resolve called')),
      fetch: () => Promise.reject(new Error('fetch called')),
      fetchManifest: () => Promise.reject(new Error('fetchManifest called')),
    };
    const again = await pullAll({
      items: [a, b].map((pushed, i) => ({
        source: offline,
        selector: pushed.descriptor.digest,
        outputDir: join(setup.dir, 'again', String(i)),
      })),
      root: join(setup.dir, 'again'),
      cache,
      log: memoryLog(),
    });
    expect(again.map((r) => [r.downloaded, r.fromCache])).toEqual([
      [0, 1],
      [0, 1],
    ]);
    expect(await tree(join(setup.dir, 'again'))).toEqual({
      '0': 'dir 755',
      '0/x': 'file 644 from a',
      '1': 'dir 755',
      '1/x': 'file 644 from b',
    });
  });

  it('without merge, refuses two artifacts that would write one place', async () => {
    const a = await artifact([fileLayer('x', '1')]);
    const b = await artifact([fileLayer('x', '2')]);
    const error = await refusal(run([a, b]));
    expect(error.code).toBe('CONFLICTING_TITLES');
    await expect(stat(setup.out)).rejects.toThrow();
  });

  it('with merge, merges folder layers and accepts a file both hold with the same bytes', async () => {
    const a = await artifact([
      folderLayer('dist', [
        { name: 'dist/', type: '5' },
        { name: 'dist/linux/', type: '5' },
        { name: 'dist/linux/tool', body: 'linux', mode: 0o755 },
        { name: 'dist/README', body: 'same' },
        { name: 'dist/latest', type: '2', linkname: 'linux/tool' },
      ]),
    ]);
    const b = await artifact([
      folderLayer('dist', [
        { name: 'dist/', type: '5' },
        { name: 'dist/windows/', type: '5' },
        { name: 'dist/windows/tool.exe', body: 'windows' },
        { name: 'dist/README', body: 'same' },
        { name: 'dist/latest', type: '2', linkname: 'linux/tool' },
      ]),
    ]);
    const c = await artifact([fileLayer('dist/windows/notes.txt', 'a file inside the folder')]);
    const results = await run([a, b, c], { merge: true });
    expect(await tree(join(setup.out, 'dist'))).toEqual({
      README: 'file 644 same',
      latest: 'link -> linux/tool',
      linux: 'dir 755',
      'linux/tool': 'file 755 linux',
      windows: 'dir 755',
      'windows/notes.txt': 'file 644 a file inside the folder',
      'windows/tool.exe': 'file 644 windows',
    });
    expect(results.map((r) => r.files.map((f) => f.path))).toEqual([
      [join(setup.out, 'dist')],
      [join(setup.out, 'dist')],
      [join(setup.out, 'dist', 'windows', 'notes.txt')],
    ]);
    expect(await readdir(setup.out)).toEqual(['dist']);
  });

  it('with merge, downloads a layer two artifacts share once', async () => {
    const a = await artifact([fileLayer('same.txt', 'shared'), fileLayer('a.txt', 'a')]);
    const b = await artifact([fileLayer('same.txt', 'shared'), fileLayer('b.txt', 'b')]);
    const source = setup.recording();
    await run([a, b], { merge: true, source });
    expect(source.fetched.filter((d) => d === digestOf('shared'))).toHaveLength(1);
    expect(await readdir(setup.out)).toEqual(['a.txt', 'b.txt', 'same.txt']);
  });

  it('with merge, refuses single files that differ before downloading anything', async () => {
    const a = await artifact([fileLayer('report.txt', 'from a')]);
    const b = await artifact([fileLayer('other.txt', 'b'), fileLayer('report.txt', 'from b')]);
    const source = setup.recording();
    const error = await refusal(run([a, b], { merge: true, source }));
    expect(error.code).toBe('CONFLICTING_FILES');
    expect(error.message).toBe(
      `merge: ${setup.layout.location}:${a} and ${setup.layout.location}:${b} both hold ${JSON.stringify(join(setup.out, 'report.txt'))}, with different content; nothing was written`,
    );
    expect(source.fetched).toEqual([]);
    await expect(stat(setup.out)).rejects.toThrow();
  });

  it('with merge, refuses a file where another artifact has a single file, before downloading', async () => {
    const a = await artifact([fileLayer('dist', 'a file')]);
    const b = await artifact([fileLayer('dist/inner.txt', 'b')]);
    const error = await refusal(run([a, b], { merge: true }));
    expect(error.code).toBe('CONFLICTING_FILES');
  });

  it('with merge, refuses folders holding one file with different bytes, writing nothing', async () => {
    await mkdir(setup.out);
    const a = await artifact([folderLayer('dist', [{ name: 'dist/app', body: 'a' }])]);
    const b = await artifact([folderLayer('dist', [{ name: 'dist/app', body: 'b' }])]);
    const error = await refusal(run([a, b], { merge: true }));
    expect(error.code).toBe('CONFLICTING_FILES');
    expect(error.message).toBe(
      `merge: ${JSON.stringify(join(setup.out, 'dist', 'app'))} in ${setup.layout.location}:${b} differs from what ${setup.layout.location}:${a} holds there; nothing was written`,
    );
    // The output folder existed: it is left as it was, without the work folder.
    expect(await readdir(setup.out)).toEqual([]);
  });

  it.each([
    ['a symlink to elsewhere', { name: 'dist/x', type: '2' as const, linkname: 'y' }],
    ['a folder where the other has a file', { name: 'dist/x/', type: '5' as const }],
  ])('with merge, refuses %s', async (_what, entry) => {
    const a = await artifact([folderLayer('dist', [{ name: 'dist/x', body: 'file' }])]);
    const b = await artifact([folderLayer('dist', [entry])]);
    expect((await refusal(run([a, b], { merge: true }))).code).toBe('CONFLICTING_FILES');
  });

  it('with merge, writes into read-only folders of a folder layer and keeps their mode', async () => {
    const a = await artifact([
      folderLayer('dist', [
        { name: 'dist/', type: '5' },
        { name: 'dist/locked/', type: '5', mode: 0o555 },
        { name: 'dist/locked/a', body: 'a' },
      ]),
    ]);
    const b = await artifact([
      folderLayer('dist', [
        { name: 'dist/locked/', type: '5', mode: 0o555 },
        { name: 'dist/locked/b', body: 'b' },
      ]),
    ]);
    await run([a, b], { merge: true });
    const locked = join(setup.out, 'dist', 'locked');
    expect(await readdir(locked)).toEqual(['a', 'b']);
    expect((await lstat(locked)).mode & 0o777).toBe(0o555);
    await chmod(locked, 0o755); // so the temporary folder can be removed
  });

  it('with merge, checks symlinks through the links both sides brought', async () => {
    // Each is safe alone: a's `sub/up` leads to dist itself; c's `sub/hop -> up/../..` stays in
    // dist by name. Merged, `up` is a's link, and `hop` leads out of dist.
    const a = await artifact([
      folderLayer('dist', [
        { name: 'dist/', type: '5' },
        { name: 'dist/sub/', type: '5' },
        { name: 'dist/sub/up', type: '2', linkname: '..' },
      ]),
    ]);
    const c = await artifact([
      folderLayer('dist', [
        { name: 'dist/', type: '5' },
        { name: 'dist/sub/', type: '5' },
        { name: 'dist/sub/hop', type: '2', linkname: 'up/../..' },
      ]),
    ]);
    await run([a], { folders: ['alone-a'] });
    await run([c], { folders: ['alone-c'] });
    const error = await refusal(run([a, c], { merge: true, folders: ['merged', 'merged'] }));
    expect(error.code).toBe('UNSAFE_ARCHIVE');
    expect(error.message).toContain('dist/sub/hop');
    await expect(stat(join(setup.out, 'merged'))).rejects.toThrow();
  });

  it('counts unpack-limit over every artifact of the pull, not each alone', async () => {
    const a = await artifact([fileLayer('x', 'a'.repeat(600))]);
    const b = await artifact([fileLayer('x', 'b'.repeat(600))]);
    // Each fits the limit; together they do not, and nothing is downloaded or written.
    const error = await refusal(run([a, b], { folders: ['a', 'b'], unpackLimit: 1000 }));
    expect(error.code).toBe('UNPACK_LIMIT');
    expect(error.message).toContain('with it the pull would write 1.2 KiB');
    await expect(stat(setup.out)).rejects.toThrow();
    const results = await run([a, b], { folders: ['a', 'b'], unpackLimit: 1200 });
    expect(results.map((r) => r.files.length)).toEqual([1, 1]);
  });

  it('removes work folders a killed pull left in "path" and in a reference\'s folder', async () => {
    const a = await artifact([fileLayer('x', 'a')]);
    const b = await artifact([fileLayer('x', 'b')]);
    // Left by pulls on another machine sharing the folder, untouched for an hour: abandoned.
    const stale = async (folder: string): Promise<string> => {
      const name = `${WORK_PREFIX}${randomUUID()}`;
      const path = join(folder, name);
      await mkdir(path, { recursive: true });
      const marker = {
        tool: 'oci-artifact-action',
        kind: 'pull-work-folder',
        pid: 42,
        host: 'another-runner',
        started: '2026-01-01T00:00:00.000Z',
      };
      await writeFile(join(path, WORK_MARKER), JSON.stringify(marker));
      const anHourAgo = new Date(Date.now() - 60 * 60_000);
      await utimes(join(path, WORK_MARKER), anHourAgo, anHourAgo);
      return name;
    };
    const inRoot = await stale(setup.out);
    const inFolder = await stale(join(setup.out, 'a'));
    const log = memoryLog();
    await run([a, b], { folders: ['a', 'b'], log });
    expect(await readdir(setup.out)).toEqual(['a', 'b']);
    expect(await readdir(join(setup.out, 'a'))).toEqual(['x']);
    for (const name of [inRoot, inFolder]) {
      expect(log.lines).toContainEqual(
        expect.stringContaining(`Removed ${name}, the work folder of an interrupted pull`),
      );
    }
  });
});

const digestOf = (text: string): Digest => digestBytes(text);
