// A workspace file that was checked (its real path inside working-directory, a regular file),
// and the only way a push opens one: every open proves it still holds the file that was checked.
//
// What an open proves, and what remains:
// - O_NOFOLLOW, or where the platform has none (Windows) an lstat before and an fstat after the
//   open that must agree (src/oci/no-follow.ts): the last name is not a link now.
// - The opened handle's device and inode equal those checked, and it is a regular file: a name
//   swapped since the check (for a link, or a parent folder swapped for a link leading out)
//   opens another file and is refused.
// - On Linux, /proc/self/fd/<n> names the opened file by its real path, which must be the one
//   checked: this closes the window between the check's realpath and its lstat as well.
// - Reading stops one byte past the checked size and fails on any other length, so a file that
//   grew or shrank, or a pseudo-file whose size says 0 (/proc), never passes as checked.
// Left open: on macOS and Windows the short window inside the check itself (between the
// realpath, or a folder walk's listing, and the lstat) while a parent is swapped; a file
// rewritten in place between hashing and upload is caught by the digest the registry (or
// layout store) verifies, and named by upload-blobs.ts; hard links cannot be told from the file they share (pnpm's store
// relies on them), so one made to a file outside is read.
import { constants } from 'node:fs';
import { lstat, readlink, realpath, type FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { newHash, type Digest } from '../../oci/digest.js';
import { openNoFollow } from '../../oci/no-follow.js';

export interface FileIdentity {
  dev: bigint;
  ino: bigint;
  size: number;
}

export interface CheckedFile {
  /** Real path: no link in it when it was checked. */
  path: string;
  identity: FileIdentity;
  /** Its mode (type and permission bits) when it was checked. */
  mode: number;
}

/** A checked file that is no longer what was checked. */
export class FileChangedError extends Error {
  readonly code = 'FILE_CHANGED';
  constructor(path: string, what: string, options?: { cause?: unknown }) {
    super(
      `${path} ${what} since it was checked; refused (is something writing the workspace?)`,
      options,
    );
    this.name = 'FileChangedError';
  }
}

// Non-blocking: a FIFO swapped in must not hang the open (it is then refused as not a file).
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);
const FD_PATHS = process.platform === 'linux';
const READ_SIZE = 1024 * 1024;

/** A file of our own (a packed archive) as a CheckedFile, so it is opened the same way. */
export async function checkOwnFile(path: string): Promise<CheckedFile> {
  const real = await realpath(path);
  const stats = await lstat(real, { bigint: true });
  if (!stats.isFile()) throw new FileChangedError(real, 'is not a regular file');
  return {
    path: real,
    identity: { dev: stats.dev, ino: stats.ino, size: Number(stats.size) },
    mode: Number(stats.mode),
  };
}

/** Opens the file, or fails when it is not (any more) the one that was checked. */
export async function openChecked(file: CheckedFile): Promise<FileHandle> {
  let handle: FileHandle;
  try {
    handle = await openNoFollow(file.path, OPEN_FLAGS);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') {
      throw new FileChangedError(file.path, 'became a symbolic link');
    }
    throw error;
  }
  try {
    const stats = await handle.stat({ bigint: true });
    if (!stats.isFile() || stats.dev !== file.identity.dev || stats.ino !== file.identity.ino) {
      throw new FileChangedError(file.path, 'was replaced');
    }
    if (FD_PATHS) {
      const opened = await readlink(`/proc/self/fd/${handle.fd}`).catch(() => undefined);
      if (opened !== undefined && opened !== file.path) {
        throw new FileChangedError(file.path, `was reached through ${JSON.stringify(opened)}`);
      }
    }
    return handle;
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/**
 * The checked bytes, in chunks; fails unless exactly the checked size arrives. With `reuse`,
 * every chunk is a view of that one buffer, valid until the next one is asked for.
 */
export async function* readChecked(file: CheckedFile, reuse?: Buffer): AsyncGenerator<Buffer> {
  const handle = await openChecked(file);
  try {
    const { size } = file.identity;
    let done = 0;
    for (;;) {
      // One byte more than expected tells a file that grew.
      const want = Math.min(reuse?.length ?? READ_SIZE, size - done + 1);
      const buffer = reuse ?? Buffer.allocUnsafe(want);
      const { bytesRead } = await handle.read(buffer, 0, want, done);
      if (bytesRead === 0) break;
      done += bytesRead;
      if (done > size) throw new FileChangedError(file.path, `grew past ${size} bytes`);
      yield buffer.subarray(0, bytesRead);
    }
    if (done !== size) throw new FileChangedError(file.path, `shrank to ${done} of ${size} bytes`);
  } finally {
    await handle.close();
  }
}

/** A fresh stream of the checked bytes, for each upload attempt. */
export const checkedStream = (file: CheckedFile): Readable =>
  Readable.from(readChecked(file), { objectMode: false });

/** The whole checked file; only for small files (the size is checked first). */
export async function readCheckedWhole(file: CheckedFile): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of readChecked(file)) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** The file's digest; `inspect` sees every chunk first, and may throw to stop. */
export async function digestChecked(
  file: CheckedFile,
  inspect?: (chunk: Buffer) => void,
): Promise<{ digest: Digest; size: number }> {
  const hash = newHash();
  for await (const chunk of readChecked(file, Buffer.allocUnsafe(READ_SIZE))) {
    inspect?.(chunk);
    hash.update(chunk);
  }
  return { digest: `sha256:${hash.digest('hex')}` as Digest, size: file.identity.size };
}
