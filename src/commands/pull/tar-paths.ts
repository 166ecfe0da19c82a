// Name rules for the entries of a folder layer, without touching the filesystem.
//
// ORAS writes a folder as a tar whose entries are prefixed with the layer title
// (`dir/`, `dir/a.txt`, …). Entries are mapped into the layer folder by removing that prefix.
// An entry that is not the title or below it is refused, as oras-go refuses it: guessing another
// root could put files where the artifact's author did not mean them to go.
//
// Names are judged as the runner's file system will read them: on Windows a backslash separates
// names too (`a\..\..\x` climbs out there), `\x` and `C:x` are absolute, and a name Windows
// cannot hold (portable-names.ts) is refused.
import path, { posix } from 'node:path';
import { quoted } from '../../oci/untrusted-text.js';
import { PullError } from './errors.js';
import { gitSegment, GIT_FOLDER_REASON } from './git-folder.js';
import { windowsNameProblem } from './portable-names.js';

type PathRules = typeof path.posix;
const isWindows = (rules: PathRules): boolean => rules.sep === '\\';

/** The title as the prefix entries carry: normalised, forward slashes, no trailing slash. */
export function archivePrefix(title: string): string {
  const normal = posix.normalize(title.replace(/^(?:\.\/)+/, ''));
  return normal.length > 1 && normal.endsWith('/') ? normal.slice(0, -1) : normal;
}

/**
 * The path of an entry inside the layer folder, as segments (empty for the folder itself).
 * Throws when the entry is outside the title prefix or its rest would climb out.
 */
export function entrySegments(
  entryPath: string,
  prefix: string,
  title: string,
  rules: PathRules = path,
): string[] {
  if (entryPath.includes('\0')) throw unsafe(title, entryPath, 'contains a NUL character');
  const git = gitSegment(entryPath);
  if (git !== undefined) {
    throw unsafe(title, entryPath, `has the path segment ${quoted(git)}: ${GIT_FOLDER_REASON}`);
  }
  const separated = isWindows(rules) ? entryPath.replace(/\\/g, '/') : entryPath;
  const normal = posix.normalize(separated.replace(/^(?:\.\/)+/, ''));
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
  if (isWindows(rules)) {
    for (const segment of segments) {
      const problem = windowsNameProblem(segment);
      if (problem === undefined) continue;
      throw new PullError(
        'UNPORTABLE_NAME',
        `folder layer ${quoted(title)}: tar entry ${quoted(entryPath)} cannot be written on this runner: ${quoted(segment)} ${problem}; nothing was written`,
        { layer: title },
      );
    }
  }
  return segments;
}

/**
 * A link target's names in the order the file system follows them, or 'absolute' when the target
 * does not start from the link's folder: `/x` and `C:\x` anywhere, and on Windows also `\x`
 * (the current drive's root) and `C:x` (that drive's current folder).
 */
export function linkSteps(target: string, rules: PathRules = path): string[] | 'absolute' {
  const absolute =
    posix.isAbsolute(target) ||
    /^[A-Za-z]:[\\/]/.test(target) ||
    (isWindows(rules) && (target.startsWith('\\') || /^[A-Za-z]:/.test(target)));
  if (absolute) return 'absolute';
  return target.split(isWindows(rules) ? /[\\/]/ : '/');
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
  rules: PathRules = path,
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
  const steps = linkSteps(target, rules);
  if (steps === 'absolute') {
    throw unsafe(title, name, `is a symbolic link to the absolute path ${quoted(target)}`);
  }
  const depth = climb(linkSegments.slice(0, -1), steps);
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
    { layer: title },
  );
}
