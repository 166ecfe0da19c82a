// gzip (RFC 1952) around raw deflate, with a header written here rather than by zlib, whose OS
// byte depends on the platform it was built for. With mtime 0, no name and OS 255 ("unknown",
// as Go's compress/gzip writes it), the same bytes give the same archive on every runner.
// https://www.rfc-editor.org/rfc/rfc1952#section-2.3
import { Transform, type TransformCallback } from 'node:stream';
import { crc32, createDeflateRaw, type DeflateRaw } from 'node:zlib';

const OS_UNKNOWN = 255;

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
 * The stages that gzip a stream, for `pipeline(source, ...gzipStages(level), sink)`: one that
 * checksums the plain bytes, zlib's raw deflate, and one that adds the header and trailer.
 */
export function gzipStages(level: number): [Transform, DeflateRaw, Transform] {
  let crc = 0;
  let size = 0;
  const checksum = new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      crc = crc32(chunk, crc);
      size += chunk.length;
      done(null, chunk);
    },
  });
  let headerSent = false;
  const frame = new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      if (!headerSent) {
        headerSent = true;
        this.push(gzipHeader(level));
      }
      done(null, chunk);
    },
    flush(done: TransformCallback) {
      // Raw deflate always emits at least the final block, so the header went out already.
      if (!headerSent) this.push(gzipHeader(level));
      done(null, gzipTrailer(crc, size));
    },
  });
  // Larger output chunks than zlib's 16 KiB: fewer trips to the thread pool.
  return [checksum, createDeflateRaw({ level, chunkSize: 256 * 1024 }), frame];
}
