// gzip (RFC 1952) of a folder's tar, deflated in parallel and still deterministic. The plain bytes
// are cut into blocks of BLOCK_SIZE at fixed offsets; each block is deflated on its own by a
// worker thread, with the 32 KiB before it as its dictionary (so matches still reach back across
// the cut) and ending on a byte boundary (a sync flush); the last block ends the stream. The
// blocks are joined in order under one header and one trailer (CRC-32 and length of the whole).
// That is pigz's method: the bytes depend on the input and the level only, never on how many
// threads did the work or how the input was chunked on its way in.
//
// The header is written here rather than by zlib, whose OS byte depends on the platform it was
// built for: with mtime 0, no name and OS 255 ("unknown", as Go's compress/gzip writes it), the
// same bytes give the same archive on every runner.
// https://www.rfc-editor.org/rfc/rfc1952#section-2.3
import { Transform, type TransformCallback } from 'node:stream';
import { crc32 } from 'node:zlib';
import type { DeflatePool } from './deflate-workers.js';

const OS_UNKNOWN = 255;
/**
 * Plain bytes per block. Part of the format: another size gives other bytes (and digests), so it
 * never changes within a version of the action.
 */
export const BLOCK_SIZE = 1024 * 1024;
/** deflate's window: how far back a match may reach, and so the dictionary a block is given. */
const WINDOW = 32 * 1024;

export function gzipHeader(level: number): Buffer {
  // XFL: 2 = best compression, 4 = fastest, else 0 (informational only).
  const extraFlags = level === 9 ? 2 : level === 1 ? 4 : 0;
  return Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, extraFlags, OS_UNKNOWN]);
}

/** CRC-32 and length modulo 2^32 of the uncompressed data, little-endian. */
export function gzipTrailer(crc: number, size: number): Buffer {
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc >>> 0, 0);
  trailer.writeUInt32LE(size % 2 ** 32, 4);
  return trailer;
}

/**
 * A stream that gzips what it is given, deflating blocks on `pool`'s workers (two per worker in
 * flight at most, so memory stays a few MiB whatever the input).
 */
export class ParallelGzip extends Transform {
  private crc = 0;
  private size = 0;
  private block = Buffer.allocUnsafe(BLOCK_SIZE);
  private filled = 0;
  private dictionary: Buffer | undefined;
  /** Deflated blocks, in order, still to be passed on. */
  private readonly queue: Promise<Buffer>[] = [];
  private readonly inFlight: number;

  constructor(
    private readonly level: number,
    private readonly pool: DeflatePool,
  ) {
    super();
    this.inFlight = 2 * pool.size;
    this.push(gzipHeader(level));
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.crc = crc32(chunk, this.crc);
    this.size += chunk.length;
    let rest = chunk;
    while (rest.length > 0) {
      const taken = rest.copy(this.block, this.filled);
      this.filled += taken;
      rest = rest.subarray(taken);
      if (this.filled === BLOCK_SIZE) this.dispatch(false);
    }
    this.passOn(this.inFlight - 1).then(() => done(), done);
  }

  override _flush(done: TransformCallback): void {
    // The rest (or, at a block boundary, nothing) as the last block.
    this.dispatch(true);
    this.passOn(0).then(() => done(null, gzipTrailer(this.crc, this.size)), done);
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    // Blocks still in a worker settle on their own; nobody waits for them.
    for (const block of this.queue) block.catch(() => undefined);
    done(error);
  }

  private dispatch(last: boolean): void {
    const input = this.block.subarray(0, this.filled);
    // The next block's dictionary (copied: the block itself goes to the worker). Only the last
    // block can be shorter than BLOCK_SIZE, so a next block always finds WINDOW bytes here.
    const next = last ? undefined : Buffer.from(input.subarray(input.length - WINDOW));
    const deflated = this.pool.deflate({
      input,
      level: this.level,
      last,
      ...(this.dictionary ? { dictionary: this.dictionary } : {}),
    });
    deflated.catch(() => undefined); // passed on (and its error raised) in order
    this.queue.push(deflated);
    this.dictionary = next;
    // The block went to the worker: a new one is filled.
    this.block = Buffer.allocUnsafe(BLOCK_SIZE);
    this.filled = 0;
  }

  /** Passes deflated blocks on, in order, until at most `keep` are still in the works. */
  private async passOn(keep: number): Promise<void> {
    while (this.queue.length > keep) {
      const head = this.queue[0] as Promise<Buffer>;
      this.push(await head);
      this.queue.shift();
    }
  }
}
