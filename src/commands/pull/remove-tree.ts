// Removes a folder the pull made or replaced, even when it holds read-only folders. A folder layer
// may carry mode 0555 folders, whose entries a user other than root cannot delete (and runners
// do not run as root), so a plain recursive rm would leave work folders or replaced folders
// behind.
import { chmodSync, lstatSync, readdirSync, rmSync } from 'node:fs';
import { chmod, lstat, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

export async function removeTree(path: string): Promise<void> {
  try {
    await rm(path, { recursive: true, force: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EACCES' && code !== 'EPERM') throw error;
    await makeWritable(path);
    await rm(path, { recursive: true, force: true });
  }
}

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
export function removeTreeSync(path: string): void {
  try {
    rmSync(path, { recursive: true, force: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EACCES' && code !== 'EPERM') throw error;
    makeWritableSync(path);
    rmSync(path, { recursive: true, force: true });
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
