// Writes tar archives entry by entry, byte for byte, so tests can craft what no well-behaved
// tool would write (names with `..`, absolute names, links out, devices). ustar headers only.
import { gzipSync } from 'node:zlib';

export interface TarEntry {
  name: string;
  /** '0' file (default), '1' hard link, '2' symlink, '3' char device, '5' folder, '6' FIFO. */
  type?: '0' | '1' | '2' | '3' | '4' | '5' | '6';
  mode?: number;
  body?: string | Buffer;
  linkname?: string;
  /** Seconds since the epoch. */
  mtime?: number;
}

function field(header: Buffer, offset: number, length: number, value: string): void {
  const bytes = Buffer.from(value, 'utf8');
  if (bytes.length > length) throw new Error(`tar field too long: ${value}`);
  bytes.copy(header, offset);
}

const octal = (value: number, length: number): string =>
  value.toString(8).padStart(length - 1, '0') + '\0';

function header(entry: TarEntry, size: number): Buffer {
  const h = Buffer.alloc(512);
  const type = entry.type ?? '0';
  field(h, 0, 100, entry.name);
  field(h, 100, 8, octal(entry.mode ?? (type === '5' ? 0o755 : 0o644), 8));
  field(h, 108, 8, octal(0, 8));
  field(h, 116, 8, octal(0, 8));
  field(h, 124, 12, octal(size, 12));
  field(h, 136, 12, octal(entry.mtime ?? 1_700_000_000, 12));
  field(h, 148, 8, '        ');
  field(h, 156, 1, type);
  field(h, 157, 100, entry.linkname ?? '');
  field(h, 257, 6, 'ustar\0');
  field(h, 263, 2, '00');
  let sum = 0;
  for (const byte of h) sum += byte;
  field(h, 148, 8, sum.toString(8).padStart(6, '0') + '\0 ');
  return h;
}

export function tarBytes(entries: TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    const body = Buffer.from(entry.body ?? '');
    parts.push(header(entry, body.length), body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

export const tarGzip = (entries: TarEntry[]): Buffer => gzipSync(tarBytes(entries));
