// Content appears at its final path whole and verified, or not at all: it is written into a
// temporary file next to its destination (same folder, same file system) and renamed into place.
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { lstat, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Readable, type Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Descriptor } from '../descriptor.js';
import { VerifyingStream } from '../digest.js';
import { progressTap } from '../progress-tap.js';
import type { ProgressListener } from '../target.js';
import { isTransientBusy, retryWhileBusy } from './busy-retry.js';

/** `.<name>.<random>.tmp` in the destination's folder; dot-named so no reader mistakes it. */
export function tempPathFor(destination: string): string {
  return join(
    dirname(destination),
    `.${basename(destination)}.${randomBytes(6).toString('hex')}.tmp`,
  );
}

async function removeQuietly(path: string): Promise<void> {
  await unlink(path).catch(() => undefined);
}

/**
 * Streams `source` into `destination`, checking size and digest against `expected` on the way.
 * On any failure (mismatch, read error, abort) the temporary file is removed and nothing changes.
 */
export async function writeVerified(
  destination: string,
  source: Readable,
  expected: Descriptor,
  options: { onProgress?: ProgressListener; signal?: AbortSignal } = {},
): Promise<void> {
  const temp = tempPathFor(destination);
  try {
    const stages: (Readable | Transform)[] = [source];
    if (options.onProgress) stages.push(progressTap(expected, options.onProgress));
    stages.push(new VerifyingStream(expected));
    // `flush` syncs the file before it is closed, so a renamed blob is on disk whole.
    const file = createWriteStream(temp, { flags: 'wx', mode: 0o644, flush: true });
    await pipeline([...stages, file], options.signal ? { signal: options.signal } : {});
    await renameBlob(temp, destination, expected);
  } catch (error) {
    source.destroy();
    await removeQuietly(temp);
    throw error;
  }
}

/**
 * Content-addressed: when the rename fails because another process put the same blob there
 * first and a reader holds it open (Windows refuses to replace such a file), the blob is there.
 */
async function renameBlob(temp: string, destination: string, expected: Descriptor): Promise<void> {
  try {
    await rename(temp, destination);
  } catch (error) {
    const present = await lstat(destination).catch(() => undefined);
    if (present?.isFile() && present.size === expected.size) {
      await removeQuietly(temp);
      return;
    }
    if (!isTransientBusy(error)) throw error;
    await retryWhileBusy(() => rename(temp, destination));
  }
}

export interface WriteWholeOptions {
  /** Runs once the content is on disk, just before the rename; throwing cancels the write. */
  beforeRename?: () => Promise<void>;
}

/** Writes small content (index.json) whole, through a temporary file and a rename. */
export async function writeWhole(
  destination: string,
  bytes: Uint8Array | string,
  options: WriteWholeOptions = {},
): Promise<void> {
  const temp = tempPathFor(destination);
  try {
    const file = await open(temp, 'wx', 0o644);
    try {
      await file.writeFile(bytes);
      await file.sync();
    } finally {
      await file.close();
    }
    await options.beforeRename?.();
    await retryWhileBusy(() => rename(temp, destination));
  } catch (error) {
    await removeQuietly(temp);
    throw error;
  }
}

export const readableOf = (bytes: Uint8Array): Readable => Readable.from([Buffer.from(bytes)]);
