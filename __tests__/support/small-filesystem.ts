// A real full disk for the tests: a tmpfs of a few MiB mounted on a folder, so that a write past
// its size fails with ENOSPC as on a runner whose disk is full. Mounting needs root: the tests
// run as root here, and CI's runner user has password-less sudo (`sudo -n`).
import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Runs a command as root: directly when we are root, else through `sudo -n`. */
function asRoot(command: string, args: string[]) {
  return process.getuid?.() === 0 ? run(command, args) : run('sudo', ['-n', command, ...args]);
}

/** Mounts a tmpfs of `bytes` on `folder` (made when missing), writable by all; returns its unmount. */
export async function mountSmallFilesystem(
  folder: string,
  bytes: number,
): Promise<() => Promise<void>> {
  await mkdir(folder, { recursive: true });
  await asRoot('mount', ['-t', 'tmpfs', '-o', `size=${bytes},mode=1777`, 'tmpfs', folder]);
  return async () => {
    await asRoot('umount', [folder]);
  };
}
