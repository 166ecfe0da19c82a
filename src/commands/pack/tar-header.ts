// POSIX ustar headers with pax extended records where ustar cannot hold a value.
// https://pubs.opengroup.org/onlinepubs/9799919799/utilities/pax.html#tag_20_94_13
// Written by hand rather than with node-tar so that every byte is decided here: uid/gid 0 as
// digits, no user or group names, the mode as stored-mode.ts decides, one fixed mtime for every
// entry.

export const BLOCK_SIZE = 512;

export type TarEntryType = 'file' | 'directory' | 'symlink';

export interface TarEntry {
  /** Path inside the archive, forward slashes, no leading '/', no trailing '/'. */
  name: string;
  type: TarEntryType;
  /** Permission bits and setuid/setgid/sticky (mode & 0o7777). */
  mode: number;
  /** Seconds since the epoch. */
  mtime: number;
  /** Content length; 0 for directories and links. */
  size: number;
  /** Target of a symlink, as stored on disk. */
  linkName?: string;
}

const TYPE_FLAG: Record<TarEntryType, string> = { file: '0', directory: '5', symlink: '2' };
const MAX_OCTAL_11 = 0o77777777777; // 8 GiB - 1: the largest size or mtime ustar holds
const NAME_LENGTH = 100;
const PREFIX_LENGTH = 155;

const isAscii = (value: string): boolean => /^[\x20-\x7e]*$/.test(value);

/** `width - 1` octal digits, zero-padded, then NUL. */
function writeOctal(block: Buffer, offset: number, width: number, value: number): void {
  block.write(`${value.toString(8).padStart(width - 1, '0')}\0`, offset, width, 'ascii');
}

/** Splits a long ASCII path into ustar prefix and name at a '/', when possible. */
function splitUstarName(name: string): { prefix: string; name: string } | undefined {
  if (!isAscii(name)) return undefined;
  if (name.length <= NAME_LENGTH) return { prefix: '', name };
  for (let i = name.indexOf('/'); i >= 0; i = name.indexOf('/', i + 1)) {
    const prefix = name.slice(0, i);
    const rest = name.slice(i + 1);
    if (prefix.length > PREFIX_LENGTH) return undefined;
    if (rest.length <= NAME_LENGTH && rest !== '') return { prefix, name: rest };
  }
  return undefined;
}

/** One pax record: `<length> <key>=<value>\n`, where length counts the whole record. */
export function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  const bodyLength = Buffer.byteLength(body);
  let length = bodyLength + 1;
  while (String(length).length + bodyLength !== length) length = String(length).length + bodyLength;
  return `${length}${body}`;
}

function ustarBlock(fields: {
  name: string;
  prefix: string;
  mode: number;
  size: number;
  mtime: number;
  typeFlag: string;
  linkName: string;
}): Buffer {
  const block = Buffer.alloc(BLOCK_SIZE);
  block.write(fields.name, 0, NAME_LENGTH, 'utf8');
  writeOctal(block, 100, 8, fields.mode);
  writeOctal(block, 108, 8, 0); // uid
  writeOctal(block, 116, 8, 0); // gid
  writeOctal(block, 124, 12, fields.size);
  writeOctal(block, 136, 12, fields.mtime);
  block.write(fields.typeFlag, 156, 1, 'ascii');
  block.write(fields.linkName, 157, NAME_LENGTH, 'utf8');
  block.write('ustar\0', 257, 6, 'ascii');
  block.write('00', 263, 2, 'ascii');
  // uname and gname stay empty (NUL); devmajor/devminor as digits for strict readers.
  writeOctal(block, 329, 8, 0);
  writeOctal(block, 337, 8, 0);
  block.write(fields.prefix, 345, PREFIX_LENGTH, 'utf8');
  // The checksum is computed with its own field read as spaces.
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'ascii');
  return block;
}

/** Zero bytes that bring `size` up to a whole number of blocks. */
export function padding(size: number): Buffer {
  const rest = size % BLOCK_SIZE;
  return Buffer.alloc(rest === 0 ? 0 : BLOCK_SIZE - rest);
}

/** The two zero blocks that end an archive. */
export const END_OF_ARCHIVE = Buffer.alloc(2 * BLOCK_SIZE);

/**
 * The header blocks of one entry: a pax extended header first when the path or link target is
 * long or not ASCII, or the size or mtime exceeds ustar's range.
 */
export function encodeHeader(entry: TarEntry): Buffer {
  const fullName = entry.type === 'directory' ? `${entry.name}/` : entry.name;
  const linkName = entry.linkName ?? '';
  const records: string[] = [];

  const split = splitUstarName(fullName);
  if (split === undefined) records.push(paxRecord('path', fullName));
  const linkFits = isAscii(linkName) && linkName.length <= NAME_LENGTH;
  if (!linkFits) records.push(paxRecord('linkpath', linkName));
  const sizeFits = entry.size <= MAX_OCTAL_11;
  if (!sizeFits) records.push(paxRecord('size', String(entry.size)));
  const mtime = Math.max(0, Math.floor(entry.mtime));
  const mtimeFits = mtime <= MAX_OCTAL_11;
  if (!mtimeFits) records.push(paxRecord('mtime', String(mtime)));

  const header = ustarBlock({
    name: split?.name ?? asciiFallback(fullName, NAME_LENGTH),
    prefix: split?.prefix ?? '',
    mode: entry.mode & 0o7777,
    size: sizeFits ? entry.size : 0,
    mtime: mtimeFits ? mtime : MAX_OCTAL_11,
    typeFlag: TYPE_FLAG[entry.type],
    linkName: linkFits ? linkName : asciiFallback(linkName, NAME_LENGTH),
  });
  if (records.length === 0) return header;

  const paxData = Buffer.from(records.join(''), 'utf8');
  const paxHeader = ustarBlock({
    // A fixed, deterministic name; readers use the records, not this name.
    name: asciiFallback(`PaxHeaders/${baseName(fullName)}`, NAME_LENGTH),
    prefix: '',
    mode: 0o644,
    size: paxData.length,
    mtime: mtimeFits ? mtime : MAX_OCTAL_11,
    typeFlag: 'x',
    linkName: '',
  });
  return Buffer.concat([paxHeader, paxData, padding(paxData.length), header]);
}

function baseName(path: string): string {
  const trimmed = path.endsWith('/') ? path.slice(0, -1) : path;
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

/** What old readers without pax support see: ASCII only, cut to the field. */
function asciiFallback(value: string, width: number): string {
  return value.replace(/[^\x20-\x7e]/g, '_').slice(-width);
}
