// Where a layer goes: `<output>/<title>`, refused when it would land outside the output folder,
// either by its name (`..`, an absolute path) or through a symlink that already exists there.
// `allow-path-traversal` lifts exactly these two checks; the tar checks are never lifted, and
// neither is the refusal to write into a `.git` folder (git-folder.ts).
import type { Stats } from 'node:fs';
import { lstat, realpath } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { quoted } from '../../oci/untrusted-text.js';
import { PullError } from './errors.js';
import { gitSegment, GIT_FOLDER_REASON } from './git-folder.js';

/** True when `path` is `root` or below it (both absolute and normalised). */
export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/** The absolute target of a title, checked by name only (no filesystem access). */
export function titleTarget(outputDir: string, title: string, allowTraversal: boolean): string {
  if (title === '' || title.includes('\0')) {
    throw new PullError('UNSAFE_PATH', `layer title ${quoted(title)} is not a usable path`);
  }
  const git = gitSegment(title);
  if (git !== undefined) {
    throw new PullError(
      'UNSAFE_PATH',
      `layer title ${quoted(title)} has the path segment ${quoted(git)}: ${GIT_FOLDER_REASON}; refused whatever allow-path-traversal says`,
    );
  }
  const target = resolve(outputDir, title);
  // Never lifted: replacing the output folder or a folder holding it would replace the pull's
  // own work folder, and everything else in there.
  if (isInside(target, outputDir)) {
    throw new PullError(
      'UNSAFE_PATH',
      `layer title ${quoted(title)} names ${target === outputDir ? 'the output folder itself' : `${target}, a folder that holds the output folder`}; a layer must go below it or beside it`,
    );
  }
  if (allowTraversal) return target;
  if (isAbsolute(title)) {
    throw new PullError(
      'UNSAFE_PATH',
      `layer title ${quoted(title)} is an absolute path; refused unless allow-path-traversal is true`,
    );
  }
  if (!isInside(outputDir, target)) {
    throw new PullError(
      'UNSAFE_PATH',
      `layer title ${quoted(title)} leaves the output folder ${outputDir}; refused unless allow-path-traversal is true`,
    );
  }
  return target;
}

/**
 * Checks the folders that already exist between the output folder and each target: each must
 * be a folder (or a symlink to one) and, unless traversal is allowed, none may lead outside the
 * output folder. Run before downloading and again right before moving into place.
 */
export async function checkExistingPaths(
  outputDir: string,
  targets: readonly { target: string; name: string }[],
  allowTraversal: boolean,
): Promise<void> {
  await refuseGitDestinations(outputDir, targets);
  const rootReal = await realpathOrUndefined(outputDir);
  if (rootReal === undefined) return; // nothing exists yet
  for (const { target, name } of targets) {
    if (!isInside(outputDir, target)) continue; // only reachable with allowTraversal
    await checkExistingPath(outputDir, rootReal, target, name, allowTraversal);
  }
}

async function checkExistingPath(
  outputDir: string,
  rootReal: string,
  target: string,
  title: string,
  allowTraversal: boolean,
): Promise<void> {
  const parts = relative(outputDir, target).split(sep);
  let current = outputDir;
  for (const part of parts.slice(0, -1)) {
    current = join(current, part);
    const stats = await lstatOrUndefined(current);
    if (stats === undefined) return; // the rest will be created
    if (stats.isSymbolicLink()) {
      const real = await realpathOrUndefined(current);
      if (!allowTraversal && (real === undefined || !isInside(rootReal, real))) {
        throw new PullError(
          'UNSAFE_PATH',
          `layer ${quoted(title)} would be written through the symbolic link ${current}, which leads ` +
            `outside the output folder (or nowhere); refused unless allow-path-traversal is true`,
        );
      }
      const target = real === undefined ? undefined : await lstat(real);
      if (target !== undefined && !target.isDirectory()) throw notAFolder(title, current);
    } else if (!stats.isDirectory()) {
      throw notAFolder(title, current);
    }
  }
}

/**
 * Titles with a `.git` segment are refused by name; this catches the other way in, symbolic
 * links that already exist (`docs -> .git` in a checked-out repository). Each target's parent is
 * resolved to where it really leads, and that place, seen from the output folder, must not be
 * in a `.git` folder, whether or not it is inside the output folder. Seen from the output folder,
 * so that only where a layer goes counts, not where `path` itself lies.
 */
async function refuseGitDestinations(
  outputDir: string,
  targets: readonly { target: string; name: string }[],
): Promise<void> {
  const root = await realLocation(outputDir);
  const parents = new Map<string, Promise<string>>();
  for (const { target, name } of targets) {
    const parent = dirname(target);
    let real = parents.get(parent);
    if (real === undefined) {
      real = realLocation(parent);
      parents.set(parent, real);
    }
    const where = await real;
    if (gitSegment(relative(root, where)) !== undefined) {
      throw new PullError(
        'UNSAFE_PATH',
        `layer ${quoted(name)} would be written into the .git folder ${where} (a symbolic link on the way leads there): ${GIT_FOLDER_REASON}; refused whatever allow-path-traversal says`,
      );
    }
  }
}

/** Where `path` really is: its deepest existing folder resolved through links, plus the rest. */
async function realLocation(path: string): Promise<string> {
  const rest: string[] = [];
  for (let current = path; ; current = dirname(current)) {
    const real = await realpathOrUndefined(current);
    if (real !== undefined) return join(real, ...rest.reverse());
    if (dirname(current) === current) return path;
    rest.push(basename(current));
  }
}

function notAFolder(title: string, path: string): PullError {
  return new PullError(
    'UNSAFE_PATH',
    `layer ${quoted(title)} needs ${path} to be a folder, but something else is there`,
  );
}

/** What is at `path` (not following a link there), or undefined when nothing is. */
export async function lstatOrUndefined(path: string): Promise<Stats | undefined> {
  try {
    return await lstat(path);
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

async function realpathOrUndefined(path: string): Promise<string | undefined> {
  try {
    return await realpath(path);
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

export const isMissing = (error: unknown): boolean =>
  (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT' ||
  (error as NodeJS.ErrnoException | undefined)?.code === 'ENOTDIR';
