// Turns the `files` lines into the layers to push: a literal folder becomes one folder layer;
// a file, or each file a glob matches, becomes one file layer. Titles are paths relative to the
// working directory with forward slashes.
import { lstat, realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import * as glob from '@actions/glob';
import { OCI_LAYER_TAR, OCI_LAYER_TAR_GZIP } from '../../oci/media-types.js';
import type { Log } from '../log.js';
import type { FileSpec, IncludeSpec } from './file-spec.js';
import { globEscape, hasGlobSyntax, rootPattern } from './glob-escape.js';
import { SpecError } from './spec-error.js';

export type IfNoFilesFound = 'error' | 'warn' | 'ignore';
export const IF_NO_FILES_FOUND: readonly IfNoFilesFound[] = ['error', 'warn', 'ignore'];

export interface FileLayerEntry {
  kind: 'file';
  title: string;
  /** Absolute path of the file. */
  path: string;
  mediaType: string;
}

export interface FolderLayerEntry {
  kind: 'folder';
  title: string;
  /** Absolute path as named (inside the working directory). */
  path: string;
  /** Where to walk: the folder's real path when the line names a link to a folder. */
  root: string;
  mediaType: string;
}

export type LayerEntry = FileLayerEntry | FolderLayerEntry;

export interface ExpandOptions {
  /** Absolute. */
  workingDirectory: string;
  ifNoFilesFound: IfNoFilesFound;
  log: Log;
}

export interface ExpandedFiles {
  entries: LayerEntry[];
  /** Absolute exclude patterns, which folder layers apply inside too. */
  excludes: string[];
}

/**
 * Every include line against every exclude (wherever it stands). A line that names an
 * existing path is taken literally, even if it has glob characters such as `[`; otherwise a
 * line with glob syntax is a glob, and a folder it matches contributes each file below it, one
 * layer each (only a line naming a folder itself packs it as one archive).
 */
export async function expandFileSpecs(
  specs: readonly FileSpec[],
  options: ExpandOptions,
): Promise<ExpandedFiles> {
  const { workingDirectory } = options;
  const excludes = specs
    .filter((spec) => spec.kind === 'exclude')
    .map((spec) => rootPattern(workingDirectory, spec.pattern));
  const entries: LayerEntry[] = [];
  const lineOf = new Map<string, string>();
  for (const spec of specs) {
    if (spec.kind !== 'include') continue;
    const found = await expandInclude(spec, excludes, workingDirectory);
    if (found.length === 0) {
      reportNoMatch(spec, options);
      continue;
    }
    for (const entry of found) {
      const earlier = lineOf.get(entry.title);
      if (earlier !== undefined) {
        throw new SpecError(
          'files',
          spec.line,
          `each title once, but "${entry.title}" also comes from the line ${JSON.stringify(earlier)}`,
        );
      }
      lineOf.set(entry.title, spec.line);
      entries.push(entry);
    }
  }
  return { entries, excludes };
}

async function expandInclude(
  spec: IncludeSpec,
  excludes: readonly string[],
  workingDirectory: string,
): Promise<LayerEntry[]> {
  const literal = resolve(workingDirectory, spec.pattern);
  // Refused before looking at the disk: what lies outside is an error even when it is missing.
  checkInside(literalPrefix(literal, workingDirectory), workingDirectory, spec);
  const stats = await stat(literal).catch(() => undefined);
  if (stats !== undefined) {
    const title = titleOf(literal, workingDirectory, spec);
    if (stats.isDirectory()) {
      if (await isExcluded(literal, excludes)) return [];
      const isLink = (await lstat(literal)).isSymbolicLink();
      return [
        {
          kind: 'folder',
          title,
          path: literal,
          root: isLink ? await realpath(literal) : literal,
          mediaType: spec.mediaType ?? OCI_LAYER_TAR_GZIP,
        },
      ];
    }
    if (!stats.isFile()) {
      throw new SpecError('files', spec.line, 'a regular file, a folder or a glob');
    }
    // Literal files still give way to the excludes.
    const matches = await globFiles(globEscape(literal), excludes);
    return matches.map((path) => fileEntry(path, workingDirectory, spec));
  }
  if (!hasGlobSyntax(spec.pattern)) return [];
  const matches = await globFiles(rootPattern(workingDirectory, spec.pattern), excludes);
  return matches
    .map((path) => fileEntry(path, workingDirectory, spec))
    .sort((a, b) => (a.title < b.title ? -1 : a.title > b.title ? 1 : 0));
}

/** Whether an exclude matches the path itself (checked without walking below it). */
async function isExcluded(path: string, excludes: readonly string[]): Promise<boolean> {
  if (excludes.length === 0) return false;
  const globber = await glob.create(
    [globEscape(path), ...excludes.map((e) => `!${e}`)].join('\n'),
    { implicitDescendants: false, matchDirectories: true, excludeHiddenFiles: false },
  );
  return (await globber.glob()).length === 0;
}

/** Regular files (links followed) that the pattern matches and no exclude does. */
async function globFiles(pattern: string, excludes: readonly string[]): Promise<string[]> {
  const globber = await glob.create([pattern, ...excludes.map((e) => `!${e}`)].join('\n'), {
    followSymbolicLinks: true,
    implicitDescendants: true,
    matchDirectories: false,
    excludeHiddenFiles: false,
  });
  const files: string[] = [];
  for (const path of await globber.glob()) {
    if ((await stat(path)).isFile()) files.push(path);
  }
  return files;
}

function fileEntry(path: string, workingDirectory: string, spec: IncludeSpec): FileLayerEntry {
  return {
    kind: 'file',
    title: titleOf(path, workingDirectory, spec),
    path,
    mediaType: spec.mediaType ?? OCI_LAYER_TAR,
  };
}

/**
 * The part of a pattern before its first segment with glob syntax (the working directory's own
 * name may hold such characters: only what follows it counts).
 */
function literalPrefix(path: string, workingDirectory: string): string {
  const rel = relative(workingDirectory, path);
  if (isAbsolute(rel)) return path;
  const segments = rel.split(sep);
  const firstGlob = segments.findIndex(hasGlobSyntax);
  return firstGlob < 0 ? path : resolve(workingDirectory, ...segments.slice(0, firstGlob));
}

function checkInside(path: string, workingDirectory: string, spec: IncludeSpec): void {
  const rel = relative(workingDirectory, path);
  if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    throw new SpecError(
      'files',
      spec.line,
      `paths inside working-directory "${workingDirectory}", but ${JSON.stringify(path)} lies outside it`,
    );
  }
}

/** The path relative to the working directory with forward slashes; refuses what lies outside. */
function titleOf(path: string, workingDirectory: string, spec: IncludeSpec): string {
  checkInside(path, workingDirectory, spec);
  const rel = relative(workingDirectory, path);
  if (rel === '') {
    throw new SpecError(
      'files',
      spec.line,
      `a file, folder or glob inside working-directory "${workingDirectory}", not the folder itself (to push every file in it, use **)`,
    );
  }
  return rel.split(sep).join('/');
}

function reportNoMatch(spec: IncludeSpec, options: ExpandOptions): void {
  // `a.txt:text/x y` keeps its suffix as part of the path; say why it then matches nothing.
  const suffix =
    spec.mediaType === undefined ? /:([^:\\/]*\/[^:]*)$/.exec(spec.pattern)?.[1] : undefined;
  const hint =
    suffix === undefined
      ? ''
      : ` ("${suffix}" is not a valid media type, so it was read as part of the path)`;
  const message = `files: ${JSON.stringify(spec.line)} matches no file in ${options.workingDirectory}${hint}`;
  switch (options.ifNoFilesFound) {
    case 'error':
      throw new SpecError(
        'files',
        spec.line,
        `an existing file or folder, or a glob that matches at least one file, in working-directory "${options.workingDirectory}" (or set if-no-files-found to warn or ignore)${hint}`,
      );
    case 'warn':
      options.log.warning(message);
      return;
    case 'ignore':
      options.log.debug(message);
  }
}
