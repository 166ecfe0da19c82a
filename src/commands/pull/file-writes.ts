// Writes the bytes of extracted files through their open handles. A tar is read in order, one
// entry at a time, so a layer of many small files would wait for each file's write, times change
// and close in turn; small files are instead written in the background, a few at once, while
// the next entries are read. Only handles are used, never paths, so a later entry that replaces
// a name or a folder cannot redirect a write still running (it goes to the file the name had).
import type { FileHandle } from 'node:fs/promises';
import { TaskGroup } from '../../oci/task-group.js';

/** Files up to this size are read whole, then written in the background. */
export const BACKGROUND_MAX_BYTES = 256 * 1024;
/** Background writes at once; with the size cap, at most 4 MiB held. */
const MAX_RUNNING = 16;
/** A big file is written in batches of about this size. */
const WRITE_BATCH = 1024 * 1024;

export class FileWrites {
  private readonly writes = new TaskGroup();

  /**
   * Writes `body` to `handle`, sets its times and closes it, whatever happens. Returns once the
   * body is read; the rest may still be running (see settle()). Throws an earlier write's error.
   */
  async write(
    handle: FileHandle,
    size: number,
    body: AsyncIterable<Buffer> | Iterable<Buffer>,
    mtime: Date | undefined,
  ): Promise<void> {
    this.writes.throwIfFailed();
    if (size > BACKGROUND_MAX_BYTES) {
      await finishFile(handle, mtime, () => writeStreamed(handle, body));
      return;
    }
    let chunks: Buffer[];
    try {
      chunks = [];
      for await (const chunk of body) chunks.push(chunk);
    } catch (error) {
      await handle.close();
      throw error;
    }
    if (this.writes.failed) {
      // Another write failed while this body was read: nothing more starts.
      await handle.close();
      this.writes.throwIfFailed();
    }
    void this.writes.start(() => finishFile(handle, mtime, () => writeAll(handle, chunks)));
    await this.writes.below(MAX_RUNNING);
    this.writes.throwIfFailed();
  }

  /** Waits for every write still running; throws the first one's error. */
  settle(): Promise<void> {
    return this.writes.settle();
  }

  /** Waits for every write still running, failed or not (before removing what they wrote). */
  idle(): Promise<void> {
    return this.writes.idle();
  }
}

async function finishFile(
  handle: FileHandle,
  mtime: Date | undefined,
  writeBody: () => Promise<void>,
): Promise<void> {
  try {
    await writeBody();
    if (mtime) await handle.utimes(mtime, mtime);
  } finally {
    await handle.close();
  }
}

async function writeStreamed(
  handle: FileHandle,
  body: AsyncIterable<Buffer> | Iterable<Buffer>,
): Promise<void> {
  let batch: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    batch.push(chunk);
    size += chunk.length;
    if (size < WRITE_BATCH) continue;
    await writeAll(handle, batch);
    batch = [];
    size = 0;
  }
  if (size > 0) await writeAll(handle, batch);
}

/** Writes every byte of `buffers`: a write may take fewer than it was given. */
async function writeAll(handle: FileHandle, buffers: Buffer[]): Promise<void> {
  let pending = buffers;
  while (pending.length > 0) {
    const total = pending.reduce((sum, b) => sum + b.length, 0);
    const { bytesWritten } = await handle.writev(pending);
    if (bytesWritten >= total) return;
    let skip = bytesWritten;
    const rest: Buffer[] = [];
    for (const buffer of pending) {
      if (skip >= buffer.length) skip -= buffer.length;
      else {
        rest.push(skip > 0 ? buffer.subarray(skip) : buffer);
        skip = 0;
      }
    }
    pending = rest;
  }
}
