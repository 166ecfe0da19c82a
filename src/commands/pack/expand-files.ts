// Turns the `files` lines into the layers to push: a literal folder becomes one folder layer;
// a file, or each file a glob matches, becomes one file layer. Titles are paths relative to the
// working directory with forward slashes. What a line names or a glob matches is judged by its
// real path (see workspace.ts); hidden names below what a line names are left out unless asked.
import { lstat, stat } from 'node:fs/promises';
import { basename, relative, sep } from 'node:path';
import * as glob from '@actions/glob';
import { OCI_LAYER_TAR, OCI_LAYER_TAR_GZIP } from '../../oci/media-types.js';
import type { Log } from '../log.js';
import type { CheckedFile } from './checked-file.js';
import { mediaTypeHint, type FileSpec, type IncludeSpec } from './file-spec.js';
import { globEscape, hasGlobSyntax, rootPattern } from './glob-escape.js';
import type { HiddenTally } from './hidden-files.js';
import {
  hiddenBehindLink,
  isWithin,
  namedPath,
  patternSegments,
  segmentsBelow,
  unspelledHiddenDepth,
} from './path-rules.js';
import { SpecError } from './spec-error.js';
import type { Blame, Workspace } from './workspace.js';

export type IfNoFilesFound = 'error' | 'warn' | 'ignore';
export const IF_NO_FILES_FOUND: readonly IfNoFilesFound[] = ['error', 'warn', 'ignore'];

export interface FileLayerEntry {
  kind: 'file';
  title: string;
  /** Absolute path as named (inside the working directory). */
  path: string;
  /** What is read: the real file, checked. */
  file: CheckedFile;
  mediaType: string;
  /** The files line it comes from, for messages. */
  line: string;
}

export interface FolderLayerEntry {
  kind: 'folder';
  title: string;
  /** Absolute path as named (inside the working directory). */
  path: string;
  /** Where to walk: the folder's real path when the line names a link to a folder. */
  root: string;
  /** The folder's real path, which its links must stay within. */
  realRoot: string;
  mediaType: string;
  line: string;
}

export type LayerEntry = FileLayerEntry | FolderLayerEntry;

export interface ExpandOptions {
  workspace: Workspace;
  ifNoFilesFound: IfNoFilesFound;
  /** false: hidden names below what a line names are left out (and counted in `hidden`). */
  includeHiddenFiles: boolean;
  hidden: HiddenTally;
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
  const workingDirectory = options.workspace.path;
  const excludes = specs
    .filter((spec) => spec.kind === 'exclude')
    .map((spec) => rootPattern(workingDirectory, spec.pattern));
  const entries: LayerEntry[] = [];
  const lineOf = new Map<string, string>();
  for (const spec of specs) {
    if (spec.kind !== 'include') continue;
    const hiddenBefore = options.hidden.size;
    const found = await expandInclude(spec, excludes, options);
    options.log.debug(
      `files: ${JSON.stringify(spec.line)} → ${found.length === 1 ? '1 layer' : `${found.length} layers`}${options.hidden.size > hiddenBefore ? ` (${options.hidden.size - hiddenBefore} hidden left out)` : ''}`,
    );
    if (found.length === 0) {
      reportNoMatch(spec, options, options.hidden.size - hiddenBefore);
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
  options: ExpandOptions,
): Promise<LayerEntry[]> {
  const { workspace } = options;
  const workingDirectory = workspace.path;
  const blame: Blame = { input: 'files', given: spec.line };
  // Refused before looking at the disk: what lies outside is an error even when it is missing.
  const { literal, prefix, inside } = namedPath(workingDirectory, spec.pattern);
  if (!inside) throw outside(prefix, workingDirectory, spec);
  // What the line names, links followed; an excluded path is left alone, not even resolved.
  const named = await stat(literal).catch(() => undefined);
  if (named !== undefined) {
    const title = titleOf(literal, workingDirectory, spec);
    // Literal files give way to the excludes as globs do (`!dist` excludes dist/a.txt too).
    if (await isExcluded(literal, excludes, !named.isDirectory())) return [];
    // A line that names a path itself is honoured even when the name is hidden.
    const found = await workspace.resolve(literal, blame);
    if (found === undefined) return [];
    if (found.kind === 'file') {
      if (leftOutBehindLink(title, found.file, options)) return [];
      return [fileEntry(literal, found.file, workingDirectory, spec)];
    }
    // A link to a folder is walked at its real path (a walk does not follow links).
    const isLink = (await lstat(literal)).isSymbolicLink();
    return [
      {
        kind: 'folder',
        title,
        path: literal,
        root: isLink ? found.realPath : literal,
        realRoot: found.realPath,
        mediaType: spec.mediaType ?? OCI_LAYER_TAR_GZIP,
        line: spec.line,
      },
    ];
  }
  if (!hasGlobSyntax(spec.pattern)) return [];
  // Where the glob starts, judged before it walks: a prefix that leads out is never listed.
  if (prefix !== literal) await workspace.resolve(prefix, blame);
  const patternNames = patternSegments(spec.pattern, workingDirectory);
  const globber = await glob.create(
    [rootPattern(workingDirectory, spec.pattern), ...excludes.map((e) => `!${e}`)].join('\n'),
    {
      followSymbolicLinks: true,
      implicitDescendants: true,
      matchDirectories: false,
      excludeHiddenFiles: false,
    },
  );
  const entries: FileLayerEntry[] = [];
  // Streamed, so that the first match through a link leading out stops the walk there.
  for await (const path of globber.globGenerator()) {
    const segments = segmentsBelow(workingDirectory, path);
    const hiddenDepth = options.includeHiddenFiles
      ? undefined
      : unspelledHiddenDepth(segments, patternNames);
    if (hiddenDepth !== undefined) {
      options.hidden.add(segments.slice(0, hiddenDepth).join('/'));
      continue;
    }
    const match = await workspace.resolve(path, blame);
    // Gone since it was listed; a folder only when it became one since.
    if (match?.kind !== 'file') continue;
    if (leftOutBehindLink(segments.join('/'), match.file, options)) continue;
    entries.push(fileEntry(path, match.file, workingDirectory, spec));
  }
  return entries.sort((a, b) => (a.title < b.title ? -1 : a.title > b.title ? 1 : 0));
}

/** A link to a hidden file, left out (and counted) unless hidden files are included. */
function leftOutBehindLink(title: string, file: CheckedFile, options: ExpandOptions): boolean {
  if (options.includeHiddenFiles || !hiddenBehindLink(title, file.path)) return false;
  options.hidden.add(`${title} → ${basename(file.path)}`);
  return true;
}

/**
 * Whether an exclude matches the path itself (checked without walking below it); with
 * `descendants`, also an exclude that matches a folder above it.
 */
async function isExcluded(
  path: string,
  excludes: readonly string[],
  descendants: boolean,
): Promise<boolean> {
  if (excludes.length === 0) return false;
  const globber = await glob.create(
    [globEscape(path), ...excludes.map((e) => `!${e}`)].join('\n'),
    { implicitDescendants: descendants, matchDirectories: true, excludeHiddenFiles: false },
  );
  return (await globber.glob()).length === 0;
}

function fileEntry(
  path: string,
  file: CheckedFile,
  workingDirectory: string,
  spec: IncludeSpec,
): FileLayerEntry {
  return {
    kind: 'file',
    title: titleOf(path, workingDirectory, spec),
    path,
    file,
    mediaType: spec.mediaType ?? OCI_LAYER_TAR,
    line: spec.line,
  };
}

function outside(path: string, workingDirectory: string, spec: IncludeSpec): SpecError {
  return new SpecError(
    'files',
    spec.line,
    `paths inside working-directory "${workingDirectory}", but ${JSON.stringify(path)} lies outside it`,
  );
}

/** The path relative to the working directory with forward slashes; refuses what lies outside. */
function titleOf(path: string, workingDirectory: string, spec: IncludeSpec): string {
  if (!isWithin(workingDirectory, path)) throw outside(path, workingDirectory, spec);
  const rel = relative(workingDirectory, path);
  if (rel === '') {
    throw new SpecError(
      'files',
      spec.line,
      `a file, folder or glob inside working-directory "${workingDirectory}", not the folder itself: name what to push (such as dist/ or out/**/*.zip); ** takes every file in it except hidden ones (.git, .env, …)`,
    );
  }
  return rel.split(sep).join('/');
}

function reportNoMatch(spec: IncludeSpec, options: ExpandOptions, hiddenCount: number): void {
  const workingDirectory = options.workspace.path;
  // `a.txt:text plain` keeps its suffix as part of the path; say why it then matches nothing.
  const mediaType = mediaTypeHint(spec);
  const hint =
    mediaType !== undefined
      ? ` (${mediaType})`
      : hiddenCount > 0
        ? ` (it matched only hidden files and folders, which are left out unless include-hidden-files is true)`
        : '';
  const message = `files: ${JSON.stringify(spec.line)} matches no file in ${workingDirectory}${hint}`;
  switch (options.ifNoFilesFound) {
    case 'error':
      throw new SpecError(
        'files',
        spec.line,
        `an existing file or folder, or a glob that matches at least one file, in working-directory "${workingDirectory}" (or set if-no-files-found to warn or ignore)${hint}`,
      );
    case 'warn':
      options.log.warning(message);
      return;
    case 'ignore':
      options.log.debug(message);
  }
}
