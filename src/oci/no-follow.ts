// Opening an existing file for reading without following a symbolic link at its last name.
// POSIX systems have O_NOFOLLOW for that. Windows has none (Node's constants lack it, and
// `| undefined` silently adds nothing), so there the name is looked at first (lstat) and the
// handle opened must be that very file (fstat: same device and file index): a link put in its
// place meanwhile opens its target, another file, and is refused. Either way a refusal is an
// error with code ELOOP, as the kernel's, so callers need one branch for both.
import { constants, type BigIntStats } from 'node:fs';
import { lstat as fsLstat, open, type FileHandle } from 'node:fs/promises';

/** The platform's flag; undefined where it has none (Windows). */
export const O_NOFOLLOW: number | undefined = constants.O_NOFOLLOW;

export interface NoFollowOptions {
  /** The flag to use; undefined takes the lstat/fstat path (tests pass it on any system). */
  noFollow?: number | undefined;
  /** How the name is looked at before opening; the file system's lstat by default. */
  lstat?: (path: string) => Promise<BigIntStats>;
}

/** `path` is, or has become, a symbolic link: refused as O_NOFOLLOW refuses it. */
export function linkRefused(path: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`ELOOP: ${path} is a symbolic link; not followed`), {
    code: 'ELOOP',
    path,
  });
}

/**
 * Opens `path` with `flags` (read flags: the file must exist), refusing a symbolic link at its
 * last name with ELOOP. Parent folders are followed, as with O_NOFOLLOW.
 */
export async function openNoFollow(
  path: string,
  flags: number,
  options: NoFollowOptions = {},
): Promise<FileHandle> {
  const noFollow = 'noFollow' in options ? options.noFollow : O_NOFOLLOW;
  if (noFollow !== undefined) return open(path, flags | noFollow);
  const looked = await (options.lstat ?? ((p: string) => fsLstat(p, { bigint: true })))(path);
  if (looked.isSymbolicLink()) throw linkRefused(path);
  const handle = await open(path, flags);
  try {
    const opened = await handle.stat({ bigint: true });
    if (opened.dev !== looked.dev || opened.ino !== looked.ino) throw linkRefused(path);
    return handle;
  } catch (error) {
    await handle.close();
    throw error;
  }
}
