// `merge: true` puts what several references hold into one folder. Where two of them write the
// same place (two folder layers "dist", or a file inside another's folder), their verified trees
// are merged in the work folder, before anything reaches a final path: folders merge entry by
// entry, and anything both hold must be identical (a file byte for byte, a symlink by its
// target). Anything else is a conflict and fails the pull. Nothing is written through a symlink.
import { chmod, lstat, mkdir, open, readdir, readlink, rename } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { checkLinkChains } from './link-chains.js';
import { isMissing, lstatOrUndefined } from './output-path.js';

/** Builds the error for a place two references hold differently (path parts below the base). */
export type Conflict = (path: readonly string[]) => Error;

/**
 * Moves `staged` (a verified file or extracted folder in the work folder) to `path` below
 * `base` (an extracted folder in the work folder); an empty `path` merges into `base` itself.
 */
export async function mergeInto(
  base: string,
  path: readonly string[],
  staged: string,
  conflict: Conflict,
): Promise<void> {
  const modes = new FolderModes();
  try {
    if (path.length === 0) {
      await mergeFolder(base, staged, [], conflict, modes);
      return;
    }
    let dir = base;
    for (let i = 0; i < path.length - 1; i++) {
      const next = join(dir, path[i] as string);
      const stats = await lstatOrUndefined(next);
      if (stats === undefined) {
        await modes.writable(dir);
        await mkdir(next);
      } else if (!stats.isDirectory()) {
        throw conflict(path.slice(0, i + 1));
      }
      dir = next;
    }
    await place(dir, path, staged, conflict, modes);
  } finally {
    await modes.restore();
  }
}

/**
 * After a merge: every symlink of the merged folder must still resolve inside it, through the
 * links either side brought (each side's own links were checked when extracted).
 */
export async function checkMergedLinks(base: string, name: string): Promise<void> {
  const entries = await readdir(base, { recursive: true, withFileTypes: true });
  const links = entries
    .filter((entry) => entry.isSymbolicLink())
    .map((entry) => relative(base, join(entry.parentPath, entry.name)).split(sep));
  await checkLinkChains(base, links, name, name);
}

async function place(
  dir: string,
  path: readonly string[],
  staged: string,
  conflict: Conflict,
  modes: FolderModes,
): Promise<void> {
  const target = join(dir, path.at(-1) as string);
  const [there, incoming] = await Promise.all([lstatOrUndefined(target), lstat(staged)]);
  if (there === undefined) {
    await modes.writable(dir);
    await modes.writable(dirname(staged));
    await rename(staged, target);
    return;
  }
  if (there.isDirectory() && incoming.isDirectory()) {
    await mergeFolder(target, staged, path, conflict, modes);
    return;
  }
  if (
    there.isFile() &&
    incoming.isFile() &&
    (await sameBytes(target, staged, there.size, incoming.size))
  ) {
    return;
  }
  if (
    there.isSymbolicLink() &&
    incoming.isSymbolicLink() &&
    (await readlink(target)) === (await readlink(staged))
  ) {
    return;
  }
  throw conflict(path);
}

async function mergeFolder(
  target: string,
  staged: string,
  path: readonly string[],
  conflict: Conflict,
  modes: FolderModes,
): Promise<void> {
  for (const name of (await readdir(staged)).sort()) {
    await place(target, [...path, name], join(staged, name), conflict, modes);
  }
}

/** Equal sizes, then equal bytes, read side by side in constant memory. */
async function sameBytes(a: string, b: string, sizeA: number, sizeB: number): Promise<boolean> {
  if (sizeA !== sizeB) return false;
  const [fileA, fileB] = await Promise.all([open(a, 'r'), open(b, 'r')]);
  try {
    const bufferA = Buffer.allocUnsafe(256 * 1024);
    const bufferB = Buffer.allocUnsafe(256 * 1024);
    for (let position = 0; position < sizeA;) {
      const [readA, readB] = await Promise.all([
        fileA.read(bufferA, 0, bufferA.length, position),
        fileB.read(bufferB, 0, bufferB.length, position),
      ]);
      const n = readA.bytesRead;
      if (n === 0 || n !== readB.bytesRead) return false;
      if (!bufferA.subarray(0, n).equals(bufferB.subarray(0, n))) return false;
      position += n;
    }
    return true;
  } finally {
    await Promise.all([fileA.close(), fileB.close()]);
  }
}

/**
 * A folder layer may carry read-only folders (0555), which nothing can be renamed into or out
 * of: they are opened for the owner while merging and get their mode back afterwards.
 */
class FolderModes {
  private readonly changed = new Map<string, number>();

  async writable(dir: string): Promise<void> {
    if (this.changed.has(dir)) return;
    const { mode } = await lstat(dir);
    if ((mode & 0o300) === 0o300) return;
    this.changed.set(dir, mode & 0o7777);
    await chmod(dir, (mode & 0o7777) | 0o700);
  }

  async restore(): Promise<void> {
    for (const [dir, mode] of [...this.changed].reverse()) {
      await chmod(dir, mode).catch((error: unknown) => {
        if (!isMissing(error)) throw error;
      });
    }
  }
}
