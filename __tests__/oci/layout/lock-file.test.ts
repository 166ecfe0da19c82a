// The cross-process lock of a layout's index.json: waiting, stale locks, a lock taken away while
// held, and what is never done to a lock file that is not ours. Processes writing at once are
// covered end to end (__tests__/action/layout-concurrency.test.ts); here one process plays the
// other side with a second IndexFile on another path to the same folder, which the in-process
// queue (keyed by path) does not order, so only the lock file does.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { mkdir, readdir, readFile, symlink, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Descriptor } from '../../../src/oci/descriptor.js';
import { digestBytes } from '../../../src/oci/digest.js';
import { OciError } from '../../../src/oci/errors.js';
import { isTransientBusy, retryWhileBusy } from '../../../src/oci/layout/busy-retry.js';
import {
  INDEX_LOCK_FILE,
  IndexFile,
  refNameOf,
  setTag,
} from '../../../src/oci/layout/index-file.js';
import { parseOwner, staleReason, thisPlace } from '../../../src/oci/layout/lock-file.js';
import { OciLayout } from '../../../src/oci/layout/store.js';
import type { ClientLogger } from '../../../src/oci/logger.js';
import { OCI_MANIFEST } from '../../../src/oci/media-types.js';
import { makeTempDir } from '../../support/temp.js';
import { artifact, pushGraph } from '../content.js';

const manifestOf = (text: string): Descriptor => ({
  mediaType: OCI_MANIFEST,
  digest: digestBytes(text),
  size: text.length,
});

/** The pid of a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid!;
}

function infoLogger(): ClientLogger & { infos: string[] } {
  const infos: string[] = [];
  return { infos, debug: () => {}, warning: () => {}, info: (m) => infos.push(m) };
}

describe('the lock of index.json', () => {
  let temp: { path: string; remove: () => Promise<void> };
  let dir: string;
  let alias: string;
  let lockPath: string;
  beforeEach(async () => {
    temp = await makeTempDir('oci-lock-');
    dir = join(temp.path, 'layout');
    await OciLayout.open(dir, { create: true });
    alias = join(temp.path, 'alias');
    await symlink(dir, alias, 'dir');
    lockPath = join(dir, INDEX_LOCK_FILE);
  });
  afterEach(async () => temp.remove());

  const tags = async (): Promise<string[]> =>
    (await new IndexFile(dir).read()).manifests.map((d) => refNameOf(d)!).sort();
  const writeLock = async (owner: object | string, ageSeconds = 0): Promise<void> => {
    await writeFile(lockPath, typeof owner === 'string' ? owner : JSON.stringify(owner));
    const time = new Date(Date.now() - ageSeconds * 1000);
    await utimes(lockPath, time, time);
  };
  const addTag = (index: IndexFile, tag: string) =>
    index.update((manifests) => setTag(manifests, manifestOf(tag), tag));

  it('orders updates that the in-process queue does not, so none is lost', async () => {
    const a = new IndexFile(dir);
    const b = new IndexFile(alias);
    const names = Array.from({ length: 20 }, (_, i) => `t${String(i).padStart(2, '0')}`);
    await Promise.all(names.map((tag, i) => addTag(i % 2 === 0 ? a : b, tag)));
    expect(await tags()).toEqual(names);
    expect(await readdir(dir)).not.toContain(INDEX_LOCK_FILE);
  });

  it('creates index.json of a new layout under the lock, never over entries just added', async () => {
    const fresh = join(temp.path, 'fresh');
    await mkdir(fresh);
    const freshAlias = join(temp.path, 'fresh-alias');
    await symlink(fresh, freshAlias, 'dir');
    await Promise.all(
      Array.from({ length: 8 }, async (_, i) => {
        const layout = await OciLayout.open(i % 2 === 0 ? fresh : freshAlias, { create: true });
        const graph = artifact({ [`f${i}.txt`]: `${i}` });
        await pushGraph(layout, graph, `v${i}`);
      }),
    );
    expect(await (await OciLayout.open(fresh, { create: false })).tags()).toEqual(
      Array.from({ length: 8 }, (_, i) => `v${i}`),
    );
  });

  it('recovers at once a lock whose process on this host is gone, and says so', async () => {
    const pid = await deadPid();
    await writeLock({ pid, ...thisPlace(), token: 'abc', since: new Date().toISOString() });
    const logger = infoLogger();
    await addTag(new IndexFile(dir, { waitMs: 5_000, logger }), 'after');
    expect(await tags()).toEqual(['after']);
    expect(logger.infos).toEqual([
      `OCI layout ${dir}: index.json: removed a stale lock ${lockPath} (its process ${pid} on this host is gone)`,
    ]);
    expect(await readdir(dir)).not.toContain(INDEX_LOCK_FILE);
  });

  it('recovers a lock not refreshed for longer than the stale age, from any host', async () => {
    const since = new Date(Date.now() - 3_600_000).toISOString();
    await writeLock({ pid: process.pid, host: 'other-host', token: 'ab', since }, 3600);
    const logger = infoLogger();
    await addTag(new IndexFile(dir, { waitMs: 5_000, staleMs: 60_000, logger }), 'late');
    expect(await tags()).toEqual(['late']);
    expect(logger.infos[0]).toMatch(/not refreshed for 3600 s by process \d+ on other-host\)$/);
  });

  it('waits a bounded time for a live holder, then names the lock file and its holder', async () => {
    const since = new Date().toISOString();
    await writeLock({ pid: process.pid, ...thisPlace(), token: 'feed', since });
    const error = await addTag(new IndexFile(dir, { waitMs: 300 }), 'blocked').catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(OciError);
    expect(error).toMatchObject({ code: 'LOCK_TIMEOUT' });
    expect((error as Error).message).toMatch(
      new RegExp(
        `^OCI layout ${dir}: index\\.json is locked by process ${process.pid} on host ${hostname()} \\(since ${since.replace(/\./g, '\\.')}\\): waited \\d+ s for the lock file ${lockPath}\\. .*remove the lock file$`,
      ),
    );
    expect(await tags()).toEqual([]);
    // Someone else's lock stays.
    expect(JSON.parse(await readFile(lockPath, 'utf8'))).toMatchObject({ token: 'feed' });
  });

  it('treats a lock that names no owner by its age alone', async () => {
    await writeLock('not json\n::error::planted');
    const error = await addTag(new IndexFile(dir, { waitMs: 200 }), 'x').then(
      () => new Error('no error'),
      (e: Error) => e,
    );
    expect(error.message).toContain('is locked by a process that does not say who it is');
    expect(error.message).not.toContain('planted');
    await writeLock('not json', 120);
    await addTag(new IndexFile(dir, { waitMs: 5_000, staleMs: 60_000 }), 'x');
    expect(await tags()).toEqual(['x']);
  });

  it('never writes through a symlink planted at the lock path', async () => {
    const target = join(temp.path, 'precious');
    await writeFile(target, 'keep me');
    await symlink(target, lockPath);
    const error = await addTag(new IndexFile(dir, { waitMs: 200 }), 'x').catch((e: Error) => e);
    expect(error).toMatchObject({ code: 'LOCK_TIMEOUT' });
    expect(await readFile(target, 'utf8')).toBe('keep me');
  });

  it('runs the cycle again when its lock was taken away while held, and keeps the other lock', async () => {
    const pid = await deadPid();
    let cycles = 0;
    await new IndexFile(dir, { waitMs: 5_000 }).update((manifests) => {
      cycles++;
      // Another process judged our lock stale and took it over; it then died holding it.
      if (cycles === 1) {
        const since = new Date().toISOString();
        writeFileSync(lockPath, JSON.stringify({ pid, ...thisPlace(), token: 'beef', since }));
      }
      return setTag(manifests, manifestOf('retried'), 'retried');
    });
    // The first cycle found out before its rename and wrote nothing; the second one wrote.
    expect(cycles).toBe(2);
    expect(await tags()).toEqual(['retried']);
    expect(await readdir(dir)).not.toContain(INDEX_LOCK_FILE);
  });
});

describe('staleReason', () => {
  const found = (owner: object | undefined, mtimeMs: number) => ({
    owner: owner as never,
    mtimeMs,
    size: 10,
  });
  const owner = { pid: 42, host: 'runner-1', token: 'aa', since: '2026-01-01T00:00:00.000Z' };

  const runner1 = { host: 'runner-1', pidSpace: undefined };
  const runner2 = { host: 'runner-2', pidSpace: undefined };

  it('calls a lock of a gone process on this host stale, whatever its age', () => {
    expect(staleReason(found(owner, 1000), 30_000, 1000, runner1, () => false)).toBe(
      'its process 42 on this host is gone',
    );
    expect(staleReason(found(owner, 1000), 30_000, 1000, runner1, () => true)).toBeUndefined();
  });

  it('cannot see processes of other hosts, so goes by age there', () => {
    const alive = () => false;
    expect(staleReason(found(owner, 0), 30_000, 29_000, runner2, alive)).toBeUndefined();
    expect(staleReason(found(owner, 0), 30_000, 31_000, runner2, alive)).toBe(
      'not refreshed for 31 s by process 42 on runner-1',
    );
    expect(staleReason(found(undefined, 0), 30_000, 31_000, runner2, alive)).toBe(
      'not refreshed for 31 s',
    );
  });

  it('nor those of another pid namespace on this host (a container sharing the folder)', () => {
    const container = { ...owner, pidSpace: 'pid:[4026532500]' };
    const host = { host: 'runner-1', pidSpace: 'pid:[4026531836]' };
    expect(staleReason(found(container, 0), 30_000, 1000, host, () => false)).toBeUndefined();
    expect(
      staleReason(
        found(container, 0),
        30_000,
        1000,
        { ...host, pidSpace: container.pidSpace },
        () => false,
      ),
    ).toBe('its process 42 on this host is gone');
  });
});

describe('parseOwner', () => {
  const good = { pid: 7, host: 'box.example', token: '0a1b', since: '2026-05-01T10:00:00Z' };

  it('reads a well-formed owner', () => {
    expect(parseOwner(JSON.stringify(good))).toEqual({
      ...good,
      since: '2026-05-01T10:00:00.000Z',
    });
    const spaced = { ...good, pidSpace: 'pid:[4026531836]' };
    expect(parseOwner(JSON.stringify(spaced))).toMatchObject({ pidSpace: 'pid:[4026531836]' });
  });

  it.each([
    ['a host with a newline', { ...good, host: 'a\n::error::x' }],
    ['a pid that is not a positive integer', { ...good, pid: -1 }],
    ['a token that is not hex', { ...good, token: 'zz' }],
    ['a time that is not one', { ...good, since: 'yesterday' }],
    ['a pid namespace that is not one', { ...good, pidSpace: 'pid:[1]\n' }],
  ])('refuses %s', (_what, owner) => {
    expect(parseOwner(JSON.stringify(owner))).toBeUndefined();
  });
});

describe('retryWhileBusy', () => {
  const busy = () => Object.assign(new Error('EPERM: operation not permitted'), { code: 'EPERM' });

  it('tries again on Windows while a file is busy', async () => {
    let calls = 0;
    const result = await retryWhileBusy(async () => {
      if (++calls < 3) throw busy();
      return 'done';
    }, 'win32');
    expect(result).toBe('done');
    expect(calls).toBe(3);
  });

  it('fails at once elsewhere, where EPERM means what it says', async () => {
    let calls = 0;
    const attempt = retryWhileBusy(async () => {
      calls++;
      throw busy();
    }, 'linux');
    await expect(attempt).rejects.toMatchObject({ code: 'EPERM' });
    expect(calls).toBe(1);
    expect(isTransientBusy(busy(), 'darwin')).toBe(false);
    expect(isTransientBusy(Object.assign(new Error(), { code: 'ENOENT' }), 'win32')).toBe(false);
  });
});

describe('OciLayout.removeIfUntagged (a failed copy cleaning up the folder it created)', () => {
  let temp: { path: string; remove: () => Promise<void> };
  beforeEach(async () => (temp = await makeTempDir('oci-lock-')));
  afterEach(async () => temp.remove());

  it('removes a folder holding only untagged content, and keeps one another step tagged in', async () => {
    const mine = join(temp.path, 'mine');
    await pushGraph(await OciLayout.open(mine, { create: true }), artifact({ 'a.txt': 'a' }));
    expect(await OciLayout.removeIfUntagged(mine)).toBe(true);
    await expect(readdir(mine)).rejects.toMatchObject({ code: 'ENOENT' });

    const shared = join(temp.path, 'shared');
    const layout = await OciLayout.open(shared, { create: true });
    await pushGraph(layout, artifact({ 'b.txt': 'b' }), 'theirs');
    expect(await OciLayout.removeIfUntagged(shared)).toBe(false);
    expect(await layout.tags()).toEqual(['theirs']);
    expect(await OciLayout.removeIfUntagged(join(temp.path, 'never-made'))).toBe(false);
  });
});
