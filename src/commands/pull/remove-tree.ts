// Removes a folder the pull made or replaced, even when it holds read-only folders. A folder layer
// may carry mode 0555 folders, whose entries a user other than root cannot delete (and runners
// do not run as root), so a plain recursive rm would leave work folders or replaced folders
// behind.
import { chmodSync, lstatSync, readdirSync, rmSync } from 'node:fs';
import { chmod, lstat, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

const WHOLE = { recursive: true, force: true } as const;

/** The removal used (tests refuse it as a runner that is not root would). */
type Remove = (path: string, options: typeof WHOLE) => Promise<void>;
type RemoveSync = (path: string, options: typeof WHOLE) => void;

export async function removeTree(path: string, remove: Remove = rm): Promise<void> {
  try {
    await remove(path, WHOLE);
  } catch (error) {
    if (!isRefusal(error)) throw error;
    await makeWritable(path);
    await remove(path, WHOLE);
  }
}

const isRefusal = (error: unknown): boolean => {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'EACCES' || code === 'EPERM';
};

/**
 * Gives the owner full access to every folder below `path` (never following a symlink). Entries
 * may vanish meanwhile: the failed rm can still be removing others when it rejects.
 */
async function makeWritable(path: string): Promise<void> {
  try {
    const stats = await lstat(path);
    if (!stats.isDirectory()) return;
    await chmod(path, 0o700);
    for (const name of await readdir(path)) await makeWritable(join(path, name));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/** removeTree, synchronously: for the moment the process must exit with nothing left behind. */
export function removeTreeSync(path: string, remove: RemoveSync = rmSync): void {
  try {
    remove(path, WHOLE);
  } catch (error) {
    if (!isRefusal(error)) throw error;
    makeWritableSync(path);
    remove(path, WHOLE);
  }
}

function makeWritableSync(path: string): void {
  try {
    if (!lstatSync(path).isDirectory()) return;
    chmodSync(path, 0o700);
    for (const name of readdirSync(path)) makeWritableSync(join(path, name));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
