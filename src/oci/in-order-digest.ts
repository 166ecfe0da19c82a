// The digest of a file that is written in parts, out of order, checked as one whole. SHA-256 can
// only take bytes in order, so this keeps a frontier: bytes that arrive exactly at it are hashed
// from memory as they come (all of them, for a download in one piece); bytes that arrived ahead
// of it are hashed once the frontier reaches them, read back from the file (from the page cache:
// they were just written). Hashing thus runs while the parts download instead of after them.
import type { Hash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import type { Descriptor } from './descriptor.js';
import { digestAlgorithm, newHash } from './digest.js';
import { OciError } from './errors.js';

/** Read size when catching up from the file. */
const READ_BACK = 1024 * 1024;

export class InOrderDigest {
  private readonly hash: Hash;
  /** Bytes hashed so far, all before this offset. */
  private frontier = 0;
  /** Per part, the offset up to which its bytes are on disk. */
  private readonly writtenTo: number[];
  private reading: Promise<void> | undefined;
  private failure: { error: unknown } | undefined;
  private buffer: Buffer | undefined;

  constructor(
    private readonly expected: Pick<Descriptor, 'digest' | 'size'>,
    private readonly file: FileHandle,
    /** Contiguous, in order, covering [0, size). */
    private readonly parts: readonly { start: number; end: number }[],
    private readonly what: string,
  ) {
    this.hash = newHash(digestAlgorithm(expected.digest));
    this.writtenTo = parts.map((part) => part.start);
  }

  /** Bytes at `offset` were received (their write may still be on its way). */
  received(offset: number, chunk: Buffer): void {
    if (this.reading !== undefined || offset !== this.frontier) return;
    this.hash.update(chunk);
    this.frontier += chunk.length;
  }

  /** Part `index` is on disk up to `offset`. */
  written(index: number, offset: number): void {
    this.writtenTo[index] = offset;
    this.catchUp();
  }

  /**
   * Once every part is written: resolves when the whole file has the expected digest, rejects
   * with DIGEST_MISMATCH otherwise (or with the error of a read).
   */
  async verify(): Promise<void> {
    this.catchUp();
    while (this.reading !== undefined) await this.reading;
    if (this.failure) throw this.failure.error;
    if (this.frontier !== this.expected.size) {
      throw new OciError(
        'SIZE_MISMATCH',
        `${this.what}: ${this.frontier} bytes in order, expected ${this.expected.size}`,
      );
    }
    const actual = `${digestAlgorithm(this.expected.digest)}:${this.hash.digest('hex')}`;
    if (actual !== this.expected.digest) {
      throw new OciError(
        'DIGEST_MISMATCH',
        `${this.what}: content digest is ${actual}, expected ${this.expected.digest}`,
      );
    }
  }

  /** How far the bytes at the frontier are on disk (the frontier itself when not yet). */
  private readable(): number {
    const index = this.parts.findIndex((p) => p.start <= this.frontier && this.frontier < p.end);
    if (index < 0) return this.frontier;
    return Math.max(this.frontier, this.writtenTo[index] as number);
  }

  private catchUp(): void {
    if (this.reading !== undefined || this.failure || this.readable() <= this.frontier) return;
    this.reading = this.readBack()
      .catch((error: unknown) => {
        this.failure ??= { error };
      })
      .finally(() => {
        this.reading = undefined;
        // Parts written while this read ran.
        this.catchUp();
      });
  }

  private async readBack(): Promise<void> {
    this.buffer ??= Buffer.allocUnsafe(READ_BACK);
    for (let until = this.readable(); this.frontier < until; until = this.readable()) {
      const length = Math.min(this.buffer.length, until - this.frontier);
      const { bytesRead } = await this.file.read(this.buffer, 0, length, this.frontier);
      if (bytesRead === 0) throw new Error(`${this.what}: the file ended at ${this.frontier}`);
      this.hash.update(this.buffer.subarray(0, bytesRead));
      this.frontier += bytesRead;
    }
  }
}
