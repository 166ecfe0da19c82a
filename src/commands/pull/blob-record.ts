// What a cache entry remembers of the blobs it verified: per blob, the file's size, modification
// and change times and identity when its bytes were last checked against their digest. A pull
// that finds a blob whose file still matches its stamp uses it without hashing it again; any
// other blob is hashed (and stamped again when its bytes are right).
//
// A stamp only counts when the file's times are older than the record itself (the record file's
// modification time, on the same file system and clock): a write in the same clock tick as the
// stamp would otherwise leave the times unchanged. That is git's "racy clean" rule. A changed
// byte then always shows as a changed time; the change time cannot be set back by anyone but the
// kernel. What the stamp does not catch is a disk that flips bits under an unchanged file.
import { randomUUID } from 'node:crypto';
import { readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Digest } from '../../oci/digest.js';

/** Inside the entry, beside its `blobs/` folder. */
export const RECORD_FILE = 'verified.json';
const FORMAT = 1;
/** A record bigger than this is not one of ours: ignored. */
const MAX_RECORD_BYTES = 16 * 1024 * 1024;

export interface BlobStamp {
  size: number;
  /** Nanoseconds, as decimal strings: exact, where a number would round. */
  mtimeNs: string;
  ctimeNs: string;
  dev: string;
  ino: string;
}

interface RecordBody {
  format: typeof FORMAT;
  blobs: Record<string, BlobStamp>;
}

export interface BlobRecord {
  blobs: ReadonlyMap<string, BlobStamp>;
  /** The record file's modification time: stamps are good for files older than this. */
  asOfNs: bigint;
}

/** The stamp of a file as it is now, or undefined when it is not a regular file. */
export async function stampOf(path: string): Promise<BlobStamp | undefined> {
  const stats = await stat(path, { bigint: true }).catch(() => undefined);
  if (stats === undefined || !stats.isFile()) return undefined;
  return {
    size: Number(stats.size),
    mtimeNs: String(stats.mtimeNs),
    ctimeNs: String(stats.ctimeNs),
    dev: String(stats.dev),
    ino: String(stats.ino),
  };
}

/** The entry's record; an empty one when there is none or it is not readable as ours. */
export async function readRecord(entry: string): Promise<BlobRecord> {
  const empty: BlobRecord = { blobs: new Map(), asOfNs: 0n };
  const file = join(entry, RECORD_FILE);
  const stats = await stat(file, { bigint: true }).catch(() => undefined);
  if (stats === undefined || !stats.isFile() || stats.size > MAX_RECORD_BYTES) return empty;
  let body: Partial<RecordBody>;
  try {
    body = JSON.parse(await readFile(file, 'utf8')) as Partial<RecordBody>;
  } catch {
    return empty;
  }
  if (body?.format !== FORMAT || typeof body.blobs !== 'object' || body.blobs === null) {
    return empty;
  }
  const blobs = new Map<string, BlobStamp>();
  for (const [digest, stamp] of Object.entries(body.blobs)) {
    if (isStamp(stamp)) blobs.set(digest, stamp);
  }
  return { blobs, asOfNs: stats.mtimeNs };
}

/** Whether `stamp` (the file now) is the one recorded, and old enough to tell changes. */
export function vouchedFor(record: BlobRecord, digest: Digest, now: BlobStamp): boolean {
  const kept = record.blobs.get(digest);
  if (kept === undefined) return false;
  const same =
    kept.size === now.size &&
    kept.mtimeNs === now.mtimeNs &&
    kept.ctimeNs === now.ctimeNs &&
    kept.dev === now.dev &&
    kept.ino === now.ino;
  return same && BigInt(now.mtimeNs) < record.asOfNs && BigInt(now.ctimeNs) < record.asOfNs;
}

/**
 * Adds `stamps` to the entry's record, replaced whole and atomically (a reader sees the old
 * record or the new one). Two pulls adding at once may lose one's additions: those blobs are
 * then hashed once more, nothing worse.
 */
export async function addToRecord(
  entry: string,
  stamps: ReadonlyMap<Digest, BlobStamp>,
): Promise<void> {
  if (stamps.size === 0) return;
  const record = await readRecord(entry);
  const body: RecordBody = { format: FORMAT, blobs: Object.fromEntries(record.blobs) };
  for (const [digest, stamp] of stamps) body.blobs[digest] = stamp;
  const file = join(entry, RECORD_FILE);
  const temporary = join(entry, `.${RECORD_FILE}.${randomUUID()}.tmp`);
  try {
    await writeFile(temporary, JSON.stringify(body), { flag: 'wx', mode: 0o644 });
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

function isStamp(value: unknown): value is BlobStamp {
  const stamp = value as Partial<BlobStamp> | null;
  return (
    typeof stamp === 'object' &&
    stamp !== null &&
    Number.isSafeInteger(stamp.size) &&
    [stamp.mtimeNs, stamp.ctimeNs, stamp.dev, stamp.ino].every(
      (field) => typeof field === 'string' && /^\d+$/.test(field),
    )
  );
}
