// A pull's work folder (`.oci-pull-<uuid>/` inside the output folder) carries a marker file that
// says whose it is. A run killed outright (SIGKILL: no clean-up possible) leaves its folder
// behind; the next pull into that output folder recognises it by the marker and removes it. Only
// a folder that is provably ours and provably abandoned is removed, never one a user made (a
// name that merely looks like ours has no marker) nor one a running pull is using.
import { hostname } from 'node:os';
import { lstat, readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Log } from '../log.js';
import { removeTree } from './remove-tree.js';

export const WORK_PREFIX = '.oci-pull-';
/** Inside every work folder, written first. */
export const WORK_MARKER = '.oci-pull-work.json';
/** How often a running pull touches its marker. */
export const HEARTBEAT_MS = 60_000;
/** A marker not touched for this long belongs to a pull that is gone, wherever it ran. */
export const STALE_AFTER_MS = 10 * 60_000;

const WORK_FOLDER = /^\.oci-pull-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const TOOL = 'oci-artifact-action';
const KIND = 'pull-work-folder';
const MAX_MARKER_BYTES = 4096;

export interface WorkMarker {
  tool: typeof TOOL;
  kind: typeof KIND;
  /** The pulling process, on `host`. */
  pid: number;
  host: string;
  /** ISO 8601, for the log line of whoever removes it. */
  started: string;
}

/** Writes the marker into a fresh work folder; fails if one is there already. */
export async function writeWorkMarker(folder: string): Promise<void> {
  const marker: WorkMarker = {
    tool: TOOL,
    kind: KIND,
    pid: process.pid,
    host: hostname(),
    started: new Date().toISOString(),
  };
  await writeFile(join(folder, WORK_MARKER), `${JSON.stringify(marker)}\n`, {
    flag: 'wx',
    mode: 0o600,
  });
}

/** Touches the marker every HEARTBEAT_MS while the pull runs; returns the function that stops. */
export function keepWorkMarkerFresh(folder: string): () => void {
  const file = join(folder, WORK_MARKER);
  const timer = setInterval(() => {
    const now = new Date();
    utimes(file, now, now).catch(() => undefined);
  }, HEARTBEAT_MS);
  timer.unref();
  return () => clearInterval(timer);
}

/** The marker of `folder`, or undefined unless it is a regular file of the expected shape. */
export async function readWorkMarker(
  folder: string,
): Promise<{ marker: WorkMarker; touchedAt: number } | undefined> {
  const file = join(folder, WORK_MARKER);
  const stats = await lstat(file).catch(() => undefined);
  if (stats === undefined || !stats.isFile() || stats.size > MAX_MARKER_BYTES) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch {
    return undefined;
  }
  const marker = parsed as Partial<WorkMarker> | null;
  if (
    marker === null ||
    typeof marker !== 'object' ||
    marker.tool !== TOOL ||
    marker.kind !== KIND ||
    !Number.isSafeInteger(marker.pid) ||
    (marker.pid ?? 0) <= 0 ||
    typeof marker.host !== 'string' ||
    typeof marker.started !== 'string'
  ) {
    return undefined;
  }
  return { marker: marker as WorkMarker, touchedAt: stats.mtimeMs };
}

export interface Here {
  host: string;
  now: number;
  isAlive(pid: number): boolean;
}

const here = (): Here => ({ host: hostname(), now: Date.now(), isAlive: processIsAlive });

/**
 * Abandoned: its process, on this host, is gone; or (another host, or a process id taken again
 * by another program) its marker has not been touched for STALE_AFTER_MS.
 */
export function isAbandoned(marker: WorkMarker, touchedAt: number, where: Here): boolean {
  if (marker.host === where.host && !where.isAlive(marker.pid)) return true;
  return where.now - touchedAt > STALE_AFTER_MS;
}

/**
 * Removes the abandoned work folders directly inside `outputDir`; returns their names. A folder
 * that cannot be removed is reported as a warning, not a failure: the pull goes on without it.
 */
export async function removeAbandonedWorkFolders(
  outputDir: string,
  log: Log,
  where: Here = here(),
): Promise<string[]> {
  const names = await readdir(outputDir).catch(() => [] as string[]);
  const removed: string[] = [];
  for (const name of names) {
    if (!WORK_FOLDER.test(name)) continue;
    const folder = join(outputDir, name);
    const stats = await lstat(folder).catch(() => undefined);
    if (stats === undefined || !stats.isDirectory()) continue;
    const found = await readWorkMarker(folder);
    if (found === undefined || !isAbandoned(found.marker, found.touchedAt, where)) continue;
    try {
      await removeTree(folder);
    } catch (error) {
      log.warning(
        `could not remove ${folder}, left by an interrupted pull: ${(error as Error).message}`,
      );
      continue;
    }
    const { pid, host, started } = found.marker;
    log.info(
      `Removed ${name}, the work folder of an interrupted pull (process ${pid} on ${host}, started ${started})`,
    );
    removed.push(name);
  }
  return removed;
}

/** Signal 0 probes without sending anything; EPERM means alive (another user's process). */
function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
