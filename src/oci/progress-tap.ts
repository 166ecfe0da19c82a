// Progress of one blob as its bytes pass: the same tap for uploads, downloads and layout writes.
import { Transform, type TransformCallback } from 'node:stream';
import type { Descriptor } from './descriptor.js';
import type { ProgressListener } from './target.js';

/** Passes bytes on unchanged, reporting the running total after each chunk. */
export function progressTap(descriptor: Descriptor, onProgress: ProgressListener): Transform {
  let done = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      done += chunk.length;
      onProgress({ descriptor, done, total: descriptor.size });
      callback(null, chunk);
    },
  });
}
