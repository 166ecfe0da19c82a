// Recognising the work folders of killed pulls: only folders that are provably ours (exact name,
// a real folder, a well-formed marker) and provably abandoned are removed.
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, symlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  isAbandoned,
  readWorkMarker,
  removeAbandonedWorkFolders,
  STALE_AFTER_MS,
  WORK_MARKER,
  writeWorkMarker,
  type Here,
  type WorkMarker,
} from '../../../src/commands/pull/work-folders.js';
import { memoryLog, useTempDirEach } from './helpers.js';

const marker = (pid: number, host = 'runner-1'): WorkMarker => ({
  tool: 'oci-artifact-action',
  kind: 'pull-work-folder',
  pid,
  host,
  started: '2026-01-01T00:00:00.000Z',
});

const NOW = 1_800_000_000_000;
const here = (alive: number[] = [], now = NOW): Here => ({
  host: 'runner-1',
  now,
  isAlive: (pid) => alive.includes(pid),
});
/** As here(), at the real time: for markers written now. */
const hereNow = (alive: number[] = []): Here => here(alive, Date.now());

describe('isAbandoned', () => {
  it('when its process is gone from this host', () => {
    expect(isAbandoned(marker(42), NOW, here())).toBe(true);
    expect(isAbandoned(marker(42), NOW, here([42]))).toBe(false);
  });

  it('on another host (or with a process number reused), only once its marker went stale', () => {
    const fresh = NOW - STALE_AFTER_MS + 1000;
    const stale = NOW - STALE_AFTER_MS - 1000;
    expect(isAbandoned(marker(42, 'runner-2'), fresh, here())).toBe(false);
    expect(isAbandoned(marker(42, 'runner-2'), stale, here())).toBe(true);
    expect(isAbandoned(marker(42), stale, here([42]))).toBe(true);
  });
});

describe('removeAbandonedWorkFolders', () => {
  const dir = useTempDirEach('oci-work-folders-');
  const workName = (): string => `.oci-pull-${randomUUID()}`;

  async function folder(name: string, markerText?: string): Promise<string> {
    const path = join(dir.path, name);
    await mkdir(path);
    await writeFile(join(path, 'layer'), 'bytes');
    if (markerText !== undefined) await writeFile(join(path, WORK_MARKER), markerText);
    return path;
  }

  it('removes a folder with our marker whose process is gone, and says so', async () => {
    const name = workName();
    await folder(name, JSON.stringify(marker(42)));
    const log = memoryLog();
    expect(await removeAbandonedWorkFolders(dir.path, log, hereNow())).toEqual([name]);
    expect(await readdir(dir.path)).toEqual([]);
    expect(log.lines).toEqual([
      `Removed ${name}, the work folder of an interrupted pull (process 42 on runner-1, started 2026-01-01T00:00:00.000Z)`,
    ]);
  });

  it('keeps everything that is not provably an abandoned work folder of ours', async () => {
    const keep = [
      await folder(workName()), // no marker: a user's folder
      await folder(workName(), JSON.stringify(marker(7))), // its pull is running
      await folder(workName(), '{"tool":"oci-artifact-action"'), // not JSON
      await folder(workName(), JSON.stringify({ ...marker(42), tool: 'other' })),
      await folder(workName(), JSON.stringify({ ...marker(42), pid: -1 })),
      await folder(workName(), JSON.stringify(marker(42)) + ' '.repeat(5000)), // too big
      await folder(`.oci-pull-${randomUUID()}.old`, JSON.stringify(marker(42))), // moved aside
      await folder('.oci-pull-not-a-uuid', JSON.stringify(marker(42))),
      await folder(`.OCI-PULL-${randomUUID()}`, JSON.stringify(marker(42))),
    ];
    // A marker that is a folder, and one that is a link to a real marker.
    const real = await folder(workName(), JSON.stringify(marker(7)));
    const folderMarker = await folder(workName());
    await mkdir(join(folderMarker, WORK_MARKER));
    const linkedMarker = await folder(workName());
    await symlink(join(real, WORK_MARKER), join(linkedMarker, WORK_MARKER));
    // A link named like a work folder, to an abandoned one elsewhere.
    const elsewhere = await folder('elsewhere', JSON.stringify(marker(42)));
    const link = join(dir.path, workName());
    await symlink(elsewhere, link);

    expect(await removeAbandonedWorkFolders(dir.path, memoryLog(), hereNow([7]))).toEqual([]);
    const names = (await readdir(dir.path)).sort();
    const expected = [...keep, real, folderMarker, linkedMarker, elsewhere, link]
      .map((p) => p.slice(dir.path.length + 1))
      .sort();
    expect(names).toEqual(expected);
  });

  it('writes a marker a later pull recognises, touched as it runs', async () => {
    const path = await folder(workName());
    await writeWorkMarker(path);
    await expect(writeWorkMarker(path)).rejects.toThrow(); // never two
    const found = await readWorkMarker(path);
    expect(found?.marker).toMatchObject({
      tool: 'oci-artifact-action',
      kind: 'pull-work-folder',
      pid: process.pid,
    });
    // This process is alive: kept, until the marker has not been touched for too long.
    const alive: Here = { host: found!.marker.host, now: Date.now(), isAlive: () => true };
    expect(await removeAbandonedWorkFolders(dir.path, memoryLog(), alive)).toEqual([]);
    const old = new Date(Date.now() - STALE_AFTER_MS - 60_000);
    await utimes(join(path, WORK_MARKER), old, old);
    expect(await removeAbandonedWorkFolders(dir.path, memoryLog(), alive)).toHaveLength(1);
  });
});
