// Names an artifact may carry that the runner's file system cannot hold, found before anything
// is written: on Windows the characters and device names it refuses and the trailing dots and
// spaces it drops (`a.` would become `a`); on a case-insensitive file system (Windows and macOS
// by default; probed, see placement.ts) two titles that differ only in case, which would
// silently become one file. ORAS and actions/download-artifact let the second overwrite the first.
// https://learn.microsoft.com/windows/win32/fileio/naming-a-file
import path from 'node:path';
import { quoted } from '../../oci/untrusted-text.js';
import { PullError } from './errors.js';

type PathRules = typeof path.posix;

/** The characters Windows reserves (`/` and `\` separate names there); and all below U+0020. */
const WINDOWS_RESERVED = /[<>:"|?*\\/]/;
/** Device names, with or without an extension (`nul.txt` is the device too). */
const WINDOWS_DEVICES = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)$/iu;

/** Why Windows cannot hold `name` (one path segment), or undefined when it can. */
export function windowsNameProblem(name: string): string | undefined {
  if ([...name].some((char) => char < ' ')) {
    return 'holds a control character, which Windows does not allow in a name';
  }
  const reserved = WINDOWS_RESERVED.exec(name)?.[0];
  if (reserved !== undefined) {
    // One of a fixed set: JSON.stringify shows `"` and `\` unambiguously.
    return `holds ${JSON.stringify(reserved)}, which Windows does not allow in a name`;
  }
  if (/[. ]$/.test(name) && name !== '.' && name !== '..') {
    return 'ends with a dot or a space, which Windows drops from a name';
  }
  const stem = (name.split('.')[0] ?? '').replace(/ +$/, '');
  if (WINDOWS_DEVICES.test(stem)) return `is the name of a device on Windows (${stem})`;
  return undefined;
}

/** The names from the output folder down to a target, or from its root when it lies outside. */
export function segmentsOf(outputDir: string, target: string, rules: PathRules = path): string[] {
  const relative = rules.relative(outputDir, target);
  const below =
    relative === '' || rules.isAbsolute(relative) || relative.split(rules.sep)[0] === '..'
      ? target.slice(rules.parse(target).root.length)
      : relative;
  return below.split(rules.sep).filter((name) => name !== '' && name !== '.' && name !== '..');
}

export interface NamedTarget {
  /** The layer's name (title, or `sha256-<hex>`), for messages. */
  name: string;
  /** Its absolute final path. */
  target: string;
}

const SHOWN = 10;

/**
 * On Windows, fails naming every layer whose path below the output folder has a name Windows
 * cannot hold; elsewhere does nothing. `rules` and `platform` are the runner's.
 */
export function refuseWindowsNames(
  layers: readonly NamedTarget[],
  outputDir: string,
  platform: NodeJS.Platform = process.platform,
  rules: PathRules = path,
): void {
  if (platform !== 'win32') return;
  const problems: string[] = [];
  for (const layer of layers) {
    for (const name of segmentsOf(outputDir, layer.target, rules)) {
      const problem = windowsNameProblem(name);
      if (problem === undefined) continue;
      problems.push(
        `${quoted(layer.name)} (${name === layer.name ? 'it' : quoted(name)} ${problem})`,
      );
      break;
    }
  }
  if (problems.length === 0) return;
  throw new PullError(
    'UNPORTABLE_NAME',
    `${problems.length === 1 ? 'a layer title names' : `${problems.length} layer titles name`} ` +
      `a file this runner's file system (Windows) cannot hold: ${shown(problems)}; nothing was ` +
      `written (pull the others with "files", or on a Linux runner)`,
  );
}

/** How a case-insensitive file system compares names (APFS also ignores Unicode normalization). */
export const foldName = (name: string): string => name.normalize('NFC').toLowerCase();

/**
 * When the output folder's file system ignores case, fails on two layers whose paths below it
 * differ only in case (`README` and `readme`, or `Docs/a` and `docs/b`, whose folders would
 * merge), naming them.
 */
export function refuseCaseCollisions(
  layers: readonly NamedTarget[],
  outputDir: string,
  caseInsensitive: boolean,
  rules: PathRules = path,
): void {
  if (!caseInsensitive) return;
  // Folded path (and every folder above it) → the first exact spelling and its layer.
  const seen = new Map<string, { exact: string; layer: string }>();
  const collisions: string[] = [];
  for (const layer of layers) {
    const names = segmentsOf(outputDir, layer.target, rules);
    for (let depth = 1; depth <= names.length; depth++) {
      const exact = names.slice(0, depth).join('/');
      const folded = foldName(exact);
      const earlier = seen.get(folded);
      if (earlier === undefined) {
        seen.set(folded, { exact, layer: layer.name });
      } else if (earlier.exact !== exact) {
        collisions.push(
          `${quoted(earlier.exact)} (layer ${quoted(earlier.layer)}) and ${quoted(exact)} (layer ${quoted(layer.name)})`,
        );
        break;
      }
    }
  }
  if (collisions.length === 0) return;
  throw new PullError(
    'UNPORTABLE_NAME',
    `the output folder's file system ignores case, so ${shown(collisions)} would be one and ` +
      `the same file or folder; nothing was written (pull them separately with "files", into ` +
      `different folders)`,
  );
}

function shown(items: readonly string[]): string {
  const more = items.length > SHOWN ? `, and ${items.length - SHOWN} more` : '';
  return `${items.slice(0, SHOWN).join(', ')}${more}`;
}
