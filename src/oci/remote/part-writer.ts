// Writes one part of a download at its offset in the file, in the order it arrives: chunks are
// gathered while a write is on its way and go out together in one positioned writev, so a part
// costs a few large writes rather than one per network read. The network is held back (the
// connection paused) while more than HOLD_BYTES wait for the disk.
import type { FileHandle } from 'node:fs/promises';

/** A write starts once this much is waiting (or the part is complete). */
const WRITE_BATCH = 1024 * 1024;
/** Above this much waiting, the sender is asked to pause. */
const HOLD_BYTES = 4 * WRITE_BATCH;
/** iovecs in one writev: well under IOV_MAX (1024 on Linux and macOS). */
const MAX_BUFFERS = 512;

export class PartWriter {
  private queue: Buffer[] = [];
  private queued = 0;
  /** Where the next chunk goes: after what is written and what waits. */
  private next: number;
  /** On disk up to here. */
  private writtenTo: number;
  private writing: Promise<void> | undefined;
  private failure: { error: unknown } | undefined;
  private roomWaiters: { resolve: () => void; reject: (error: unknown) => void }[] = [];

  constructor(
    private readonly file: FileHandle,
    start: number,
    private readonly onWritten: (offset: number) => void,
  ) {
    this.next = start;
    this.writtenTo = start;
  }

  /** Takes the chunk at `offset`; false when the sender should wait for room(). */
  push(offset: number, chunk: Buffer): boolean {
    if (this.failure) throw this.failure.error;
    if (offset !== this.next) {
      throw new Error(`part writer: a chunk at ${offset}, expected one at ${this.next}`);
    }
    this.queue.push(chunk);
    this.queued += chunk.length;
    this.next += chunk.length;
    if (this.queued >= WRITE_BATCH) this.startWriting();
    return this.queued < HOLD_BYTES;
  }

  /** Settles once fewer than HOLD_BYTES wait; rejects when a write failed. */
  room(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure.error);
    if (this.queued < HOLD_BYTES) return Promise.resolve();
    return new Promise((resolve, reject) => this.roomWaiters.push({ resolve, reject }));
  }

  /** Writes what waits and resolves once all is on disk; rejects with a write's error. */
  async flush(): Promise<void> {
    for (;;) {
      if (this.failure) throw this.failure.error;
      if (this.writing) {
        await this.writing;
        continue;
      }
      if (this.queued === 0) return;
      this.startWriting();
    }
  }

  /** Waits for a write on its way, failed or not (before the file is closed). */
  async idle(): Promise<void> {
    while (this.writing) await this.writing;
  }

  private startWriting(): void {
    if (this.writing || this.failure || this.queued === 0) return;
    const buffers = this.queue.splice(0, MAX_BUFFERS);
    const bytes = buffers.reduce((sum, b) => sum + b.length, 0);
    this.queued -= bytes;
    const at = this.writtenTo;
    this.writing = writeAllAt(this.file, buffers, bytes, at).then(
      () => {
        this.writing = undefined;
        this.writtenTo = at + bytes;
        this.onWritten(this.writtenTo);
        this.wakeRoomWaiters();
        if (this.queued >= WRITE_BATCH) this.startWriting();
      },
      (error: unknown) => {
        this.writing = undefined;
        this.failure = { error };
        this.wakeRoomWaiters();
      },
    );
  }

  private wakeRoomWaiters(): void {
    if (!this.failure && this.queued >= HOLD_BYTES) return;
    const waiters = this.roomWaiters;
    this.roomWaiters = [];
    for (const waiter of waiters) {
      if (this.failure) waiter.reject(this.failure.error);
      else waiter.resolve();
    }
  }
}

/** Every byte of `buffers` at `position`: a write may take fewer than it was given. */
async function writeAllAt(
  file: FileHandle,
  buffers: Buffer[],
  bytes: number,
  position: number,
): Promise<void> {
  let pending = buffers;
  let at = position;
  let left = bytes;
  while (left > 0) {
    const { bytesWritten } = await file.writev(pending, at);
    if (bytesWritten >= left) return;
    if (bytesWritten === 0) throw new Error('a write to the download file wrote nothing');
    at += bytesWritten;
    left -= bytesWritten;
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
