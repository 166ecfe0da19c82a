// Name rules for the entries of a folder layer, without touching the filesystem.
//
// ORAS writes a folder as a tar whose entries are prefixed with the layer title
// (`dir/`, `dir/a.txt`, …). Entries are mapped into the layer folder by removing that prefix.
// An entry that is not the title or below it is refused, as oras-go refuses it: guessing another
// root could put files where the artifact's author did not mean them to go.
import { posix } from 'node:path';
import { quoted } from '../../oci/untrusted-text.js';
import { PullError } from './errors.js';
import { gitSegment, GIT_FOLDER_REASON } from './git-folder.js';

/** The title as the prefix entries carry: normalised, forward slashes, no trailing slash. */
export function archivePrefix(title: string): string {
  const normal = posix.normalize(title.replace(/^(?:\.\/)+/, ''));
  return normal.length > 1 && normal.endsWith('/') ? normal.slice(0, -1) : normal;
}

/**
 * The path of an entry inside the layer folder, as segments (empty for the folder itself).
 * Throws when the entry is outside the title prefix or its rest would climb out.
 */
export function entrySegments(entryPath: string, prefix: string, title: string): string[] {
  if (entryPath.includes('\0')) throw unsafe(title, entryPath, 'contains a NUL character');
  const git = gitSegment(entryPath);
  if (git !== undefined) {
    throw unsafe(title, entryPath, `has the path segment ${quoted(git)}: ${GIT_FOLDER_REASON}`);
  }
  const normal = posix.normalize(entryPath.replace(/^(?:\.\/)+/, ''));
  const trimmed = normal.length > 1 && normal.endsWith('/') ? normal.slice(0, -1) : normal;
  if (trimmed === prefix) return [];
  if (!trimmed.startsWith(`${prefix}/`)) {
    const why =
      posix.isAbsolute(entryPath) || trimmed.startsWith('../') || trimmed === '..'
        ? 'leaves the layer folder'
        : `is not inside ${quoted(`${prefix}/`)} (entries of a folder layer start with its title)`;
    throw unsafe(title, entryPath, why);
  }
  const rest = trimmed.slice(prefix.length + 1);
  const segments = rest.split('/');
  // normalize() has resolved every inner '..'; one left at the start would climb out.
  if (segments[0] === '..' || posix.isAbsolute(rest)) {
    throw unsafe(title, entryPath, 'leaves the layer folder');
  }
  return segments;
}

/**
 * Checks a symlink's target by name: relative, and inside the layer folder when read from the
 * link's own folder. (Chains through other links are checked after extraction.)
 */
export function checkSymlinkTarget(
  linkSegments: string[],
  target: string,
  title: string,
  name: string,
): void {
  if (target === '' || target.includes('\0')) {
    throw unsafe(title, name, `is a symbolic link to ${quoted(target)}`);
  }
  const git = gitSegment(target);
  if (git !== undefined) {
    throw unsafe(
      title,
      name,
      `is a symbolic link into a .git folder (${quoted(target)}): ${GIT_FOLDER_REASON}`,
    );
  }
  if (posix.isAbsolute(target) || /^[A-Za-z]:[\\/]/.test(target)) {
    throw unsafe(title, name, `is a symbolic link to the absolute path ${quoted(target)}`);
  }
  const depth = climb(linkSegments.slice(0, -1), target.split('/'));
  if (depth === undefined) {
    throw unsafe(
      title,
      name,
      `is a symbolic link to ${quoted(target)}, which leaves the layer folder`,
    );
  }
}

/** Walks `steps` from `start` by name; undefined when it goes above the root. */
function climb(start: string[], steps: string[]): string[] | undefined {
  const position = [...start];
  for (const step of steps) {
    if (step === '' || step === '.') continue;
    if (step === '..') {
      if (position.length === 0) return undefined;
      position.pop();
    } else {
      position.push(step);
    }
  }
  return position;
}

export function unsafe(title: string, entry: string, why: string): PullError {
  return new PullError(
    'UNSAFE_ARCHIVE',
    `folder layer ${quoted(title)}: tar entry ${quoted(entry)} ${why}; refused`,
  );
}
