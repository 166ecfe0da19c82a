// After extraction: every symlink must resolve inside the layer folder even when its target goes
// through other symlinks (`a -> b/..` where b is itself a link). Each link's own target was
// checked by name when it was written; this follows the chains over the finished tree, with the
// platform's rules: on Windows readlink gives `\` back (Node writes `/` as `\` there).
import { lstat, readlink } from 'node:fs/promises';
import path, { join } from 'node:path';
import { linkSteps, unsafe } from './tar-paths.js';

/** More hops than this is a loop (the kernel's own limit is 40). */
const MAX_HOPS = 40;

export async function checkLinkChains(
  root: string,
  links: readonly string[][],
  title: string,
  prefix: string,
  rules: typeof path.posix = path,
): Promise<void> {
  for (const link of links) {
    const linkPath = join(root, ...link);
    const stats = await lstat(linkPath).catch(() => undefined);
    if (!stats?.isSymbolicLink()) continue; // replaced by a later entry
    const target = await readlink(linkPath);
    if (!(await staysInside(root, link.slice(0, -1), target, rules))) {
      throw unsafe(
        title,
        [prefix, ...link].join('/'),
        `is a symbolic link to "${target}", which leads outside the layer folder through other links`,
      );
    }
  }
}

/** Resolves `target` from the folder `start` as the kernel would, but never leaving `root`. */
async function staysInside(
  root: string,
  start: string[],
  target: string,
  rules: typeof path.posix,
): Promise<boolean> {
  const position = [...start];
  const first = linkSteps(target, rules);
  if (first === 'absolute') return false;
  const pending = first;
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
    const next = linkSteps(await readlink(join(root, ...position)), rules);
    if (next === 'absolute') return false;
    position.pop();
    pending.unshift(...next);
  }
  return true;
}
