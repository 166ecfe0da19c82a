// A lock file for read-modify-write cycles that several processes may run on one file at once
// (two CI steps tagging into one OCI layout folder). It works the same on Linux, Windows and
// macOS and on network shares, which flock() and its kin do not: the lock is a file created
// with O_EXCL ('wx'), which the file system creates for one process only. It names its owner
// (pid, host, a random token, since when), so a waiter can tell a live holder from one that
// died without removing it (a SIGKILLed step), and its holder refreshes its time while it holds
// it, so a holder on another host that stopped refreshing is recognised too.
import { randomBytes } from 'node:crypto';
import { link, lstat, open, rename, unlink, utimes } from 'node:fs/promises';
import { constants, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { OciError } from '../errors.js';
import type { ClientLogger } from '../logger.js';
import { openNoFollow } from '../no-follow.js';
import { isTransientBusy, retryWhileBusy } from './busy-retry.js';

export interface LockOptions {
  /** Longest wait for another holder; if ≤ 0 or unset, DEFAULT_LOCK_WAIT_MS. */
  waitMs?: number;
  /** A lock not refreshed for this long is stale; if ≤ 0 or unset, DEFAULT_LOCK_STALE_MS. */
  staleMs?: number;
  /** Told when a stale lock is recovered. */
  logger?: ClientLogger;
}

/** Index updates take milliseconds; a minute of waiting means something is wrong. */
export const DEFAULT_LOCK_WAIT_MS = 60_000;
/** Holders refresh every third of this, so only a dead or frozen holder gets this old. */
export const DEFAULT_LOCK_STALE_MS = 30_000;

/** Who holds a lock, as its file says. Every field is checked: the file may be anyone's. */
export interface LockOwner {
  pid: number;
  host: string;
  /**
   * Linux: the process id namespace (`pid:[4026531836]`). Containers sharing a folder and a host
   * name number their processes apart; a pid means something only within its namespace.
   */
  pidSpace?: string;
  token: string;
  /** ISO 8601. */
  since: string;
}

/** Where this process's pids mean something: its host, and on Linux its pid namespace. */
export interface ProcessPlace {
  host: string;
  pidSpace: string | undefined;
}

let here: ProcessPlace | undefined;

export function thisPlace(): ProcessPlace {
  if (here === undefined) {
    let pidSpace: string | undefined;
    try {
      pidSpace = process.platform === 'linux' ? readlinkSync('/proc/self/ns/pid') : undefined;
    } catch {
      pidSpace = undefined;
    }
    here = { host: hostname(), pidSpace };
  }
  return here;
}

/** What a waiter finds at the lock's path. */
interface Found {
  /** Undefined when the file is being written, damaged, or not ours to read. */
  owner: LockOwner | undefined;
  mtimeMs: number;
  size: number;
}

/** The lock as its holder sees it. */
export interface HeldLock {
  /** Whether the lock file still names this holder (no one recovered it as stale). */
  stillHeld(): Promise<boolean>;
}

/** The lock was taken away while held (judged stale by another process): run the cycle again. */
export class LockLostError extends Error {
  constructor(path: string) {
    super(`the lock ${path} was taken over by another process while held`);
    this.name = 'LockLostError';
  }
}

const OWNER_BYTES_MAX = 4096;
const POLL_FIRST_MS = 5;
const POLL_MAX_MS = 250;
/** Cycles run again when the lock was lost while held, at most this many times in all. */
const CYCLES = 3;

/**
 * Runs `body` while holding the lock file at `path`; `what` names the guarded file in messages.
 * Waits for another holder up to the options' bound, recovers stale locks on the way, and runs
 * `body` again (a new cycle) when it throws LockLostError.
 */
export async function withLock<T>(
  path: string,
  what: string,
  options: LockOptions,
  body: (lock: HeldLock) => Promise<T>,
): Promise<T> {
  for (let cycle = 1; ; cycle++) {
    const lock = await acquire(path, what, options);
    try {
      return await body(lock);
    } catch (error) {
      if (!(error instanceof LockLostError) || cycle >= CYCLES) throw error;
    } finally {
      await lock.release();
    }
  }
}

class Lock implements HeldLock {
  private readonly refresher: NodeJS.Timeout;

  constructor(
    private readonly path: string,
    private readonly token: string,
    staleMs: number,
  ) {
    // A refresh that fails (lock recovered by someone else, folder gone) changes nothing here:
    // stillHeld() is what the holder asks before it commits.
    this.refresher = setInterval(() => void this.refresh().catch(() => undefined), staleMs / 3);
    this.refresher.unref();
  }

  async stillHeld(): Promise<boolean> {
    return (await readOwner(this.path))?.owner?.token === this.token;
  }

  async release(): Promise<void> {
    clearInterval(this.refresher);
    // Only our own lock is removed: after a recovery it may be another holder's.
    if (await this.stillHeld()) await unlink(this.path).catch(() => undefined);
  }

  private async refresh(): Promise<void> {
    if (!(await this.stillHeld())) return;
    const now = new Date();
    await utimes(this.path, now, now);
  }
}

async function acquire(path: string, what: string, options: LockOptions): Promise<Lock> {
  const waitMs = positive(options.waitMs, DEFAULT_LOCK_WAIT_MS);
  const staleMs = positive(options.staleMs, DEFAULT_LOCK_STALE_MS);
  const started = Date.now();
  let pause = POLL_FIRST_MS;
  for (;;) {
    const token = randomBytes(12).toString('hex');
    if (await retryWhileBusy(() => create(path, token, what))) {
      return new Lock(path, token, staleMs);
    }
    const found = await retryWhileBusy(() => readOwner(path));
    const staleness = found && staleReason(found, staleMs);
    if (found && staleness) {
      if (await recover(path, found)) {
        options.logger?.info(`${what}: removed a stale lock ${path} (${staleness})`);
      }
      continue;
    }
    const waited = Date.now() - started;
    if (waited >= waitMs) throw lockTimeout(path, what, found, waited);
    // Released in between (found undefined): try again soon. Jittered, so waiters that found
    // the lock together do not all come back together.
    const jittered = pause / 2 + (pause / 2) * Math.random();
    await new Promise((resolve) =>
      setTimeout(resolve, Math.max(0, Math.min(jittered, waitMs - waited))),
    );
    pause = Math.min(pause * 2, POLL_MAX_MS);
  }
}

/** Creates the lock file naming us; false when it exists. */
async function create(path: string, token: string, what: string): Promise<boolean> {
  let file;
  try {
    file = await open(path, 'wx', 0o644);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    if (isTransientBusy(error)) throw error; // tried again by the caller
    throw new OciError('LAYOUT_ERROR', `${what}: cannot create the lock file ${path}`, {
      cause: error,
    });
  }
  try {
    const { host, pidSpace } = thisPlace();
    const owner: LockOwner = {
      pid: process.pid,
      host,
      ...(pidSpace === undefined ? {} : { pidSpace }),
      token,
      since: new Date().toISOString(),
    };
    await file.writeFile(JSON.stringify(owner));
  } catch (error) {
    await file.close().catch(() => undefined);
    await unlink(path).catch(() => undefined);
    throw new OciError('LAYOUT_ERROR', `${what}: cannot write the lock file ${path}`, {
      cause: error,
    });
  }
  await file.close();
  return true;
}

/**
 * The lock file's owner and times; undefined when there is no lock file. Read without following
 * a symlink and at most 4 KiB of it: whatever sits at that path could be planted.
 */
async function readOwner(path: string): Promise<Found | undefined> {
  let stats;
  try {
    stats = await lstat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const found: Found = { owner: undefined, mtimeMs: stats.mtimeMs, size: stats.size };
  if (!stats.isFile() || stats.size > OWNER_BYTES_MAX) return found;
  let file;
  try {
    file = await openNoFollow(path, constants.O_RDONLY);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return found;
  }
  try {
    const buffer = Buffer.alloc(OWNER_BYTES_MAX);
    const { bytesRead } = await file.read(buffer, 0, OWNER_BYTES_MAX, 0);
    found.owner = parseOwner(buffer.subarray(0, bytesRead).toString('utf8'));
    return found;
  } catch {
    return found;
  } finally {
    await file.close();
  }
}

const HOST_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$/;
const TOKEN_PATTERN = /^[0-9a-f]{1,64}$/;
const PID_SPACE_PATTERN = /^[a-z]{1,16}:\[\d{1,20}\]$/;

/** The owner the text names, when every field is well-formed; else undefined. */
export function parseOwner(text: string): LockOwner | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { pid, host, pidSpace, token, since } = value as Record<string, unknown>;
  if (typeof pid !== 'number' || !Number.isSafeInteger(pid) || pid <= 0) return undefined;
  if (typeof host !== 'string' || !HOST_PATTERN.test(host)) return undefined;
  if (pidSpace !== undefined && (typeof pidSpace !== 'string' || !PID_SPACE_PATTERN.test(pidSpace)))
    return undefined;
  if (typeof token !== 'string' || !TOKEN_PATTERN.test(token)) return undefined;
  if (typeof since !== 'string' || Number.isNaN(Date.parse(since))) return undefined;
  const owner: LockOwner = { pid, host, token, since: new Date(since).toISOString() };
  if (pidSpace !== undefined) owner.pidSpace = pidSpace;
  return owner;
}

/**
 * Why the lock is stale, or undefined while its holder may still be at work. Its age is told by
 * this host's clock against the file's time, so hosts sharing a folder need clocks that agree
 * within the stale age (NTP does far better).
 */
export function staleReason(
  found: Found,
  staleMs: number,
  now = Date.now(),
  place = thisPlace(),
  isAlive = processExists,
): string | undefined {
  const { owner } = found;
  const ours = owner?.host === place.host && owner.pidSpace === place.pidSpace;
  if (owner !== undefined && ours && !isAlive(owner.pid)) {
    return `its process ${owner.pid} on this host is gone`;
  }
  const age = now - found.mtimeMs;
  if (age > staleMs) {
    return `not refreshed for ${Math.round(age / 1000)} s${owner ? ` by process ${owner.pid} on ${owner.host}` : ''}`;
  }
  return undefined;
}

/** Whether a process with this id runs on this host (EPERM: it does, as another user). */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/**
 * Removes the stale lock `found`; true when this call removed it. Moved aside first (rename is
 * atomic: one recoverer wins), then checked: should another waiter have recovered it and a new
 * holder taken the lock meanwhile, the file moved is that live lock, and it is put back.
 */
async function recover(path: string, found: Found): Promise<boolean> {
  const aside = `${path}.${randomBytes(6).toString('hex')}.stale`;
  try {
    await retryWhileBusy(() => rename(path, aside));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
  const moved = await readOwner(aside);
  if (moved === undefined || sameLock(moved, found)) {
    await unlink(aside).catch(() => undefined);
    return true;
  }
  // link() does not replace: if yet another process took the free lock meanwhile, its lock stays
  // and the holder of the one moved here finds out through stillHeld() before it commits.
  await link(aside, path).catch(() => undefined);
  await unlink(aside).catch(() => undefined);
  return false;
}

function sameLock(a: Found, b: Found): boolean {
  if (a.owner !== undefined || b.owner !== undefined) return a.owner?.token === b.owner?.token;
  return a.mtimeMs === b.mtimeMs && a.size === b.size;
}

function lockTimeout(
  path: string,
  what: string,
  found: Found | undefined,
  waitedMs: number,
): OciError {
  const owner = found?.owner;
  const holder = owner
    ? `process ${owner.pid} on host ${owner.host} (since ${owner.since})`
    : 'a process that does not say who it is';
  return new OciError(
    'LOCK_TIMEOUT',
    `${what} is locked by ${holder}: waited ${Math.round(waitedMs / 1000)} s for the lock file ` +
      `${path}. Another step may be writing into the same folder; if no such process runs any ` +
      `more, remove the lock file`,
  );
}

function positive(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
}
