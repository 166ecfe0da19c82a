// A pass-through stream that also writes what it carries to a new file: how a pull that fills the
// runner's cache keeps each blob while the layer reads it, with one read of the network stream and
// no second pass over the bytes.
import { createWriteStream, type WriteStream } from 'node:fs';
import { Transform, type TransformCallback } from 'node:stream';
import { WRITE_BUFFER } from './stage-layer.js';

export class CopyToFile extends Transform {
  private readonly file: WriteStream;

  /** `path` must not exist. The copy is complete (and closed) once this stream has ended. */
  constructor(path: string) {
    super();
    this.file = createWriteStream(path, { flags: 'wx', highWaterMark: WRITE_BUFFER });
    this.file.on('error', (error) => this.destroy(error));
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    // Both sides are paced: the reader by push(), the copy by waiting for it to drain.
    if (this.file.write(chunk)) done(null, chunk);
    else this.file.once('drain', () => done(null, chunk));
  }

  override _flush(done: TransformCallback): void {
    // An error of the copy destroys this stream instead (see the constructor).
    this.file.once('close', () => {
      if (!this.destroyed) done();
    });
    this.file.end();
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    this.file.destroy();
    done(error);
  }
}
