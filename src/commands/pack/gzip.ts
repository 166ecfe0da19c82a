// gzip (RFC 1952) of a folder's tar, deflated on several cores and still deterministic. The plain
// bytes are cut into blocks of BLOCK_SIZE at fixed offsets; each block is deflated on its own, on
// a thread of libuv's pool (zlib's asynchronous calls run there), with the 32 KiB before it as its
// dictionary (so matches still reach back across the cut) and ending on a byte boundary (a sync
// flush); the last block ends the stream. The blocks are joined in order under one header and one
// trailer (CRC-32 and length of the whole). That is pigz's method: the bytes depend on the input
// and the level only, never on how many blocks were deflated at once or how the input arrived.
//
// Threads of the pool rather than worker threads: a worker is a second JavaScript engine (15 MiB
// each), and the blocks it allocates pile up in its own malloc arena (measured: 250-300 MiB peak
// for a folder push with two workers, 130-140 MiB this way).
//
// The header is written here rather than by zlib, whose OS byte depends on the platform it was
// built for: with mtime 0, no name and OS 255 ("unknown", as Go's compress/gzip writes it), the
// same bytes give the same archive on every runner.
// https://www.rfc-editor.org/rfc/rfc1952#section-2.3
import { availableParallelism } from 'node:os';
import { Transform, type TransformCallback } from 'node:stream';
import { promisify } from 'node:util';
import { constants, crc32, deflateRaw, type ZlibOptions } from 'node:zlib';
import { movedBytes } from '../../oci/young-garbage.js';

const deflate = promisify<Buffer, ZlibOptions, Buffer>(deflateRaw);

const OS_UNKNOWN = 255;
/**
 * Plain bytes per block. Part of the format: another size gives other bytes (and digests), so it
 * never changes within a version of the action.
 */
export const BLOCK_SIZE = 1024 * 1024;
/** deflate's window: how far back a match may reach, and so the dictionary a block is given. */
const WINDOW = 32 * 1024;
/**
 * zlib's output piece for a block: room for all of it at once (deflate adds a few bytes per
 * 64 KiB to what does not compress), so a block comes back in one call rather than in 16 (each a
 * call back from the thread pool). Part of the format too: at level 0 zlib sizes its stored
 * blocks by the room left in the output.
 */
const OUTPUT_CHUNK = BLOCK_SIZE + 4096;
/**
 * Blocks deflated at once by default: one per core, and never all four threads of libuv's pool
 * (the tar's files are read through it meanwhile).
 */
export const defaultParallelism = (): number => Math.max(1, Math.min(availableParallelism(), 3));

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

interface Deflating {
  block: Buffer;
  deflated: Promise<Buffer>;
}

/**
 * A stream that gzips what it is given, `parallelism` blocks at once. Memory stays a few MiB
 * whatever the input: block buffers are reused, one per block in the works plus one filling.
 */
export class ParallelGzip extends Transform {
  private crc = 0;
  private size = 0;
  private block: Buffer;
  private filled = 0;
  private dictionary: Buffer | undefined;
  /** Blocks being deflated, in order, still to be passed on. */
  private readonly queue: Deflating[] = [];
  private readonly spare: Buffer[] = [];

  constructor(
    private readonly level: number,
    private readonly parallelism = defaultParallelism(),
  ) {
    super();
    this.block = Buffer.allocUnsafe(BLOCK_SIZE);
    this.push(gzipHeader(level));
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    // The tar's chunks and the deflated pieces are fresh buffers each.
    movedBytes(2 * chunk.length);
    this.crc = crc32(chunk, this.crc);
    this.size += chunk.length;
    this.fill(chunk).then(() => done(), done);
  }

  override _flush(done: TransformCallback): void {
    // The rest (or, at a block boundary, nothing) as the last block.
    this.dispatch(true);
    this.passOn(0).then(() => done(null, gzipTrailer(this.crc, this.size)), done);
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    // Blocks still in the pool settle on their own; nobody waits for them.
    for (const { deflated } of this.queue) deflated.catch(() => undefined);
    done(error);
  }

  /** Copies `chunk` into blocks, deflating each full one, never more than `parallelism` at once. */
  private async fill(chunk: Buffer): Promise<void> {
    let rest = chunk;
    while (rest.length > 0) {
      const taken = rest.copy(this.block, this.filled);
      this.filled += taken;
      rest = rest.subarray(taken);
      if (this.filled < BLOCK_SIZE) continue;
      this.dispatch(false);
      await this.passOn(this.parallelism - 1);
      this.block = this.spare.pop() ?? Buffer.allocUnsafe(BLOCK_SIZE);
    }
  }

  private dispatch(last: boolean): void {
    const block = this.block;
    const input = block.subarray(0, this.filled);
    const options: ZlibOptions = {
      level: this.level,
      finishFlush: last ? constants.Z_FINISH : constants.Z_SYNC_FLUSH,
      chunkSize: OUTPUT_CHUNK,
      ...(this.dictionary ? { dictionary: this.dictionary } : {}),
    };
    const deflated = deflate(input, options);
    deflated.catch(() => undefined); // passed on (and its error raised) in order
    this.queue.push({ block, deflated });
    // The next block's dictionary (a copy: the block is reused once deflated). Only the last
    // block can be shorter than BLOCK_SIZE, so a next block always finds WINDOW bytes here.
    if (!last) this.dictionary = Buffer.from(input.subarray(input.length - WINDOW));
    this.filled = 0;
  }

  /** Passes deflated blocks on, in order, until at most `keep` are still in the works. */
  private async passOn(keep: number): Promise<void> {
    while (this.queue.length > keep) {
      const head = this.queue[0] as Deflating;
      this.push(await head.deflated);
      this.queue.shift();
      this.spare.push(head.block);
    }
  }
}
