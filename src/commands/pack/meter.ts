import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import type { Digest } from '../../oci/digest.js';

/** Passes bytes on while hashing and counting them; read `digest()` after the stream ended. */
export class Meter extends Transform {
  private readonly hash = createHash('sha256');
  size = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.hash.update(chunk);
    this.size += chunk.length;
    done(null, chunk);
  }

  digest(): Digest {
    return `sha256:${this.hash.copy().digest('hex')}` as Digest;
  }
}
