// Digests and streams that verify what they carry.
// https://github.com/opencontainers/image-spec/blob/v1.1.0/descriptor.md#digests
import { createHash, type Hash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { Transform, type TransformCallback } from 'node:stream';
import { OciError } from './errors.js';
import { quoted } from './untrusted-text.js';

/** `algorithm:encoded`, checked by parseDigest. */
export type Digest = `${string}:${string}` & { readonly __brand?: 'Digest' };

const ENCODED_LENGTH: Record<string, number> = { sha256: 64, sha512: 128 };
const DIGEST_PATTERN = /^([a-z0-9]+(?:[+._-][a-z0-9]+)*):([a-zA-Z0-9=_-]+)$/;

export function parseDigest(value: string): Digest {
  const match = DIGEST_PATTERN.exec(value);
  if (!match) {
    throw new OciError(
      'INVALID_DIGEST',
      `invalid digest ${quoted(value)}: expected algorithm:hex, for example sha256:<64 lowercase hex digits>`,
    );
  }
  const [, algorithm = '', encoded = ''] = match;
  const length = ENCODED_LENGTH[algorithm];
  if (length === undefined) {
    throw new OciError(
      'INVALID_DIGEST',
      `unsupported digest algorithm "${algorithm}" in ${quoted(value)}: expected sha256 or sha512`,
    );
  }
  if (encoded.length !== length || !/^[a-f0-9]+$/.test(encoded)) {
    throw new OciError(
      'INVALID_DIGEST',
      `invalid ${algorithm} digest ${quoted(value)}: expected ${length} lowercase hex digits`,
    );
  }
  return value as Digest;
}

export const isDigest = (value: string): boolean => {
  try {
    parseDigest(value);
    return true;
  } catch {
    return false;
  }
};

export const digestAlgorithm = (digest: Digest): string => digest.slice(0, digest.indexOf(':'));
export const digestHex = (digest: Digest): string => digest.slice(digest.indexOf(':') + 1);
/** `sha256:0123456789ab` for log lines. */
export const shortDigest = (digest: Digest): string => digest.slice(0, digest.indexOf(':') + 13);

export function newHash(algorithm = 'sha256'): Hash {
  return createHash(algorithm);
}

export function digestBytes(bytes: Uint8Array | string, algorithm = 'sha256'): Digest {
  return `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}` as Digest;
}

/** Read size for hashing files: large enough that per-call overhead vanishes. */
const HASH_READ_SIZE = 1024 * 1024;

/**
 * Hashes a file by reading it into one reused buffer: constant memory and no garbage for the
 * collector to catch up with, whatever the file's size.
 */
export async function digestFile(
  path: string,
  algorithm = 'sha256',
): Promise<{ digest: Digest; size: number }> {
  const hash = createHash(algorithm);
  const buffer = Buffer.allocUnsafe(HASH_READ_SIZE);
  let size = 0;
  const file = await open(path, 'r');
  try {
    for (;;) {
      const { bytesRead } = await file.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
      size += bytesRead;
    }
  } finally {
    await file.close();
  }
  return { digest: `${algorithm}:${hash.digest('hex')}` as Digest, size };
}

/**
 * Passes bytes through, counting them; fails as soon as more than `size` bytes arrive and at the
 * end when fewer did. For sources whose digest the receiver checks itself (a registry verifies
 * an upload's digest), so the bytes need not be hashed a second time.
 */
export class SizeCheckingStream extends Transform {
  private received = 0;

  constructor(
    private readonly size: number,
    private readonly what: string,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.received += chunk.length;
    if (this.received > this.size) {
      done(
        new OciError('SIZE_MISMATCH', `${this.what}: more than the expected ${this.size} bytes`),
      );
      return;
    }
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    if (this.received !== this.size) {
      done(
        new OciError(
          'SIZE_MISMATCH',
          `${this.what}: ${this.received} bytes, expected ${this.size} (did the file change?)`,
        ),
      );
      return;
    }
    done();
  }
}

/**
 * Passes bytes through while hashing them; fails at the end when the size or digest differs
 * from what was expected, and as soon as more bytes than expected arrive.
 */
export class VerifyingStream extends Transform {
  private readonly hash: Hash;
  private received = 0;

  constructor(
    private readonly expected: { digest: Digest; size: number },
    private readonly what: string = expected.digest,
  ) {
    super();
    this.hash = createHash(digestAlgorithm(expected.digest));
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.received += chunk.length;
    if (this.received > this.expected.size) {
      done(
        new OciError(
          'SIZE_MISMATCH',
          `${this.what}: received more than the expected ${this.expected.size} bytes`,
        ),
      );
      return;
    }
    this.hash.update(chunk);
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    if (this.received !== this.expected.size) {
      done(
        new OciError(
          'SIZE_MISMATCH',
          `${this.what}: received ${this.received} bytes, expected ${this.expected.size}`,
        ),
      );
      return;
    }
    const actual = `${digestAlgorithm(this.expected.digest)}:${this.hash.digest('hex')}`;
    if (actual !== this.expected.digest) {
      done(
        new OciError(
          'DIGEST_MISMATCH',
          `${this.what}: content digest is ${actual}, expected ${this.expected.digest}`,
        ),
      );
      return;
    }
    done();
  }
}
