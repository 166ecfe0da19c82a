// Decisions about paths that need no disk: what is inside what, which names are hidden, where a
// link's target leads by name. Each takes the path module of the platform whose rules apply
// (node:path's `posix` or `win32`), so the Windows rules are tested on any machine.
import path from 'node:path';
import { hasGlobSyntax } from './glob-escape.js';

export type PathRules = typeof path.posix;

/** The rules of the platform we run on. */
export const hostPaths: PathRules = path;

/** Whether `child` is `root` or below it; both absolute. (win32 compares case-insensitively.) */
export function isWithin(root: string, child: string, rules: PathRules = hostPaths): boolean {
  const rel = rules.relative(root, child);
  return rel === '' || !(rules.isAbsolute(rel) || rel === '..' || rel.startsWith(`..${rules.sep}`));
}

/** What a `files` line names, judged by name before the disk is looked at. */
export interface NamedPath {
  /** The line's path made absolute against the working directory (`..` resolved by name). */
  literal: string;
  /** Its part before the first segment with glob syntax (`literal` when it has none). */
  prefix: string;
  /** Whether that part stays within the working directory: what does not is refused at once. */
  inside: boolean;
}

/**
 * Where a files line points by name: `C:x`, `..\x`, `/etc`, `\\server\share`, `\\?\C:\x` and
 * drive letters are resolved as the platform would, and only what stays below the working
 * directory is inside (a `\\?\` form of an inside path is not: it is refused, never guessed at).
 * The working directory's own name may hold glob characters: only what follows it counts.
 */
export function namedPath(
  workingDirectory: string,
  pattern: string,
  rules: PathRules = hostPaths,
): NamedPath {
  const literal = rules.resolve(workingDirectory, pattern);
  const rel = rules.relative(workingDirectory, literal);
  const segments = rules.isAbsolute(rel) ? [] : rel.split(rules.sep);
  const firstGlob = segments.findIndex(hasGlobSyntax);
  const prefix =
    firstGlob < 0 ? literal : rules.resolve(workingDirectory, ...segments.slice(0, firstGlob));
  return { literal, prefix, inside: isWithin(workingDirectory, prefix, rules) };
}

/** The names from `root` down to `child` (empty for `root` itself); `child` must be within. */
export function segmentsBelow(root: string, child: string, rules: PathRules = hostPaths): string[] {
  const rel = rules.relative(root, child);
  return rel === '' ? [] : rel.split(rules.sep);
}

/**
 * A glob pattern's segments below the working directory, as written (glob characters kept):
 * relative patterns are normalised (`./dist//*` → dist, *), absolute ones made relative.
 */
export function patternSegments(
  pattern: string,
  workingDirectory: string,
  rules: PathRules = hostPaths,
): string[] {
  const rel = rules.isAbsolute(pattern)
    ? rules.relative(workingDirectory, pattern)
    : rules.normalize(pattern);
  return rel.split(rules.sep).filter((segment) => segment !== '' && segment !== '.');
}

/** A hidden name, as actions/upload-artifact and shells see it. */
export const isHiddenName = (name: string): boolean => name.startsWith('.');

/**
 * A file taken under a name that is not hidden, whose real name is (`notes.txt` → `.env`): a link
 * must not carry a hidden file past the rule that leaves hidden names out. The last name only,
 * so that links to folders (pnpm's `node_modules/x` → `.pnpm/…`) keep working as before.
 */
export function hiddenBehindLink(
  namedPath: string,
  realPath: string,
  rules: PathRules = hostPaths,
): boolean {
  return isHiddenName(rules.basename(realPath)) && !isHiddenName(rules.basename(namedPath));
}

const GLOBSTAR = '**';

/**
 * How many leading segments of a glob match reach the first hidden name that the pattern did
 * not spell out itself; undefined when there is none. A hidden name is spelled out when the
 * pattern segment that matched it starts with '.' (`.github/**`, `**\/.env`, `.*`): like a shell,
 * `*`, `?` and `**` never match a leading dot. Pattern segments line up with path segments
 * before the first `**` and, counted from the end, after the last one; a name anywhere else
 * was matched by a `**`.
 */
export function unspelledHiddenDepth(
  pathSegments: readonly string[],
  patternSegments: readonly string[],
): number | undefined {
  const firstStar = patternSegments.indexOf(GLOBSTAR);
  const lastStar = patternSegments.lastIndexOf(GLOBSTAR);
  const tail = firstStar < 0 ? [] : patternSegments.slice(lastStar + 1);
  const head = firstStar < 0 ? patternSegments : patternSegments.slice(0, firstStar);
  for (let i = 0; i < pathSegments.length; i++) {
    const name = pathSegments[i] ?? '';
    if (!isHiddenName(name)) continue;
    const fromEnd = pathSegments.length - 1 - i;
    const matchedBy =
      i < head.length
        ? head[i]
        : fromEnd < tail.length
          ? tail[tail.length - 1 - fromEnd]
          : undefined;
    if (matchedBy === undefined || !isHiddenName(matchedBy)) return i + 1;
  }
  return undefined;
}

/** Why a symbolic link's target leaves its folder layer, judged by name; undefined when not. */
export type LinkEscape = 'empty' | 'absolute' | 'climbs-out';

/**
 * Judges a link stored in a folder layer by its target text, as our pull (and any careful
 * extractor) will: `linkSegments` is where the link sits below the layer's folder. A target is
 * absolute when any platform would read it so (`/x`, `C:\x`, `C:x`, `\\host\x`); `..` steps
 * that climb above the folder leave it. On Windows both separators count.
 */
export function linkEscape(
  linkSegments: readonly string[],
  target: string,
  rules: PathRules = hostPaths,
): LinkEscape | undefined {
  if (target === '' || target.includes('\0')) return 'empty';
  const windows = rules.sep === '\\';
  if (target.startsWith('/') || /^[A-Za-z]:/.test(target) || (windows && target.startsWith('\\')))
    return 'absolute';
  const steps = target.split(windows ? /[\\/]/ : '/');
  let depth = linkSegments.length - 1;
  for (const step of steps) {
    if (step === '' || step === '.') continue;
    depth += step === '..' ? -1 : 1;
    if (depth < 0) return 'climbs-out';
  }
  return undefined;
}

/** `\\?\C:\x` and `\??\C:\x`: the forms Windows may hand back for an absolute target. */
const WINDOWS_DEVICE_PREFIX = /^(?:\\\\\?\\|\\\?\?\\)(?!UNC\\)/;

/**
 * A link's target as a folder layer stores it, from what readlink gave for the link whose real
 * folder is `linkFolder`. POSIX targets are kept as they are. On Windows, backslashes become `/`
 * (the tar format's separator, which every platform's pull reads); and an absolute target, the
 * only kind a junction has, is rewritten relative to the link when it lies within `realRoot`
 * (a junction to a folder of the layer then travels as a link to it). An absolute target outside
 * stays absolute, for linkEscape to refuse.
 */
export function storedLinkTarget(
  linkFolder: string,
  target: string,
  realRoot: string,
  rules: PathRules = hostPaths,
): string {
  if (rules.sep !== '\\') return target;
  const plain = target.replace(WINDOWS_DEVICE_PREFIX, '');
  const forwardSlashes = plain.replace(/\\/g, '/');
  // Fully qualified: a drive with its root, or a UNC path. `\x` (the current drive's root) and
  // `C:x` (relative to the drive's current folder) depend on the process: left for refusal.
  const fullyQualified = /^[A-Za-z]:[\\/]/.test(plain) || /^\\\\[^\\]/.test(plain);
  if (!fullyQualified) return forwardSlashes;
  const absolute = rules.normalize(plain);
  if (!isWithin(realRoot, absolute, rules)) return forwardSlashes;
  const relative = rules.relative(linkFolder, absolute);
  return relative === '' ? '.' : relative.split(rules.sep).join('/');
}
