// After extraction: every symlink must resolve inside the layer folder even when its target goes
// through other symlinks (`a -> b/..` where b is itself a link). Each link's own target was
// checked by name when it was written; this follows the chains over the finished tree.
import { lstat, readlink } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { unsafe } from './tar-paths.js';

/** More hops than this is a loop (the kernel's own limit is 40). */
const MAX_HOPS = 40;

export async function checkLinkChains(
  root: string,
  links: readonly string[][],
  title: string,
  prefix: string,
): Promise<void> {
  for (const link of links) {
    const path = join(root, ...link);
    const stats = await lstat(path).catch(() => undefined);
    if (!stats?.isSymbolicLink()) continue; // replaced by a later entry
    const target = await readlink(path);
    if (!(await staysInside(root, link.slice(0, -1), target))) {
      throw unsafe(
        title,
        [prefix, ...link].join('/'),
        `is a symbolic link to "${target}", which leads outside the layer folder through other links`,
      );
    }
  }
}

/** Resolves `target` from the folder `start` as the kernel would, but never leaving `root`. */
async function staysInside(root: string, start: string[], target: string): Promise<boolean> {
  const position = [...start];
  const pending = target.split('/');
  let hops = 0;
  while (pending.length > 0) {
    const step = pending.shift() as string;
    if (step === '' || step === '.') continue;
    if (step === '..') {
      if (position.length === 0) return false;
      position.pop();
      continue;
    }
    position.push(step);
    const stats = await lstat(join(root, ...position)).catch(() => undefined);
    if (!stats?.isSymbolicLink()) continue; // a folder, a file or nothing: go on by name
    if (++hops > MAX_HOPS) return true; // a loop inside the folder resolves nowhere
    const next = await readlink(join(root, ...position));
    if (posix.isAbsolute(next)) return false;
    position.pop();
    pending.unshift(...next.split('/'));
  }
  return true;
}
