// Lists what goes into a folder layer: every entry below the folder, minus the excludes and
// (unless asked) hidden names, in a fixed order, with the metadata the tar keeps. Modes are
// normalised (stored-mode.ts). Links are kept as links, their targets with `/` on every platform,
// but one whose target leaves the folder fails the push: our own pull would refuse it.
import { lstat, readlink, realpath } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import * as glob from '@actions/glob';
import { FileChangedError, type CheckedFile } from './checked-file.js';
import { refuseCredentials } from './credential-files.js';
import { globEscape } from './glob-escape.js';
import {
  isHiddenName,
  isWithin,
  linkEscape,
  storedLinkTarget,
  type LinkEscape,
} from './path-rules.js';
import { SpecError } from './spec-error.js';
import { storedMode } from './stored-mode.js';
import type { TarEntry } from './tar-header.js';
import type { Blame } from './workspace.js';

export interface FolderItem {
  entry: TarEntry;
  /** Where a file's bytes are read from; absent for directories and links. */
  source?: CheckedFile;
}

export interface WalkOptions {
  /** Absolute folder to walk (its real path when the line named a link to a folder). */
  root: string;
  /** The folder's real path: links must stay within it, files are read below it. */
  realRoot: string;
  /** Prefix of every entry name: the layer's title. */
  title: string;
  /** Absolute @actions/glob patterns whose matches (and what is below them) are left out. */
  excludes: readonly string[];
  /** Every entry gets this mtime (seconds); real mtimes when undefined. */
  mtime?: number;
  /** false: names starting with '.' are left out, with what is below them. */
  includeHiddenFiles: boolean;
  /** The files line, named when something in the folder is refused. */
  blame: Blame;
  /** Called for entries a tar cannot hold (sockets, devices, fifos), which are skipped. */
  onSkipped?: (name: string) => void;
  /** Called once for each hidden entry left out (its name in the archive). */
  onHidden?: (name: string) => void;
}

/**
 * Entries in the order a depth-first walk visits them with each folder's names sorted by code
 * unit (as Go's filepath.Walk does for ORAS), so the listing order of the file system never
 * shows in the archive. Links are kept as links, never followed.
 */
export async function walkFolder(options: WalkOptions): Promise<FolderItem[]> {
  // Judged by real path when the line was read, walked now: a parent swapped since for a link
  // leading out would list another folder, whose files the walk would take as the ones checked.
  await checkRootUnmoved(options);
  const items = await listFolder(options);
  // And during the walk (on Linux, each read also checks the kernel's name of the opened file).
  await checkRootUnmoved(options);
  return items;
}

async function checkRootUnmoved(options: WalkOptions): Promise<void> {
  const real = await realpath(options.root);
  if (real !== options.realRoot) {
    throw new FileChangedError(options.root, `now leads to ${JSON.stringify(real)}`);
  }
}

async function listFolder(options: WalkOptions): Promise<FolderItem[]> {
  const patterns = [globEscape(options.root), ...options.excludes.map((e) => `!${e}`)];
  const globber = await glob.create(patterns.join('\n'), {
    followSymbolicLinks: false,
    implicitDescendants: true,
    matchDirectories: true,
    excludeHiddenFiles: false,
  });
  const paths = await globber.glob().catch((error: unknown) => {
    throw unreadableName(error, options) ?? error;
  });
  const items: { segments: string[]; item: FolderItem }[] = [];
  for (const path of paths) {
    const rel = relative(options.root, path);
    const segments = rel === '' ? [] : rel.split(sep);
    const name = [options.title, ...segments].join('/');
    if (!options.includeHiddenFiles) {
      const hidden = segments.findIndex(isHiddenName);
      if (hidden >= 0) {
        // Only the topmost hidden name is reported; what is below it went with it.
        if (hidden === segments.length - 1) options.onHidden?.(name);
        continue;
      }
    }
    const stats = await lstat(path, { bigint: true }).catch((error: unknown) => {
      throw unreadableName(error, options) ?? error;
    });
    const diskMode = Number(stats.mode);
    const mtime = options.mtime ?? Math.floor(Number(stats.mtimeMs) / 1000);
    let item: FolderItem;
    if (stats.isDirectory()) {
      const mode = storedMode('directory', diskMode);
      item = { entry: { name, type: 'directory', mode, mtime, size: 0 } };
    } else if (stats.isSymbolicLink()) {
      // The walk follows no link below the root: the link's real folder is its folder below it.
      const folder = join(options.realRoot, ...segments.slice(0, -1));
      const linkName = storedLinkTarget(folder, await readlink(path), options.realRoot);
      await checkLink(path, segments, linkName, name, options);
      const mode = storedMode('symlink', diskMode);
      item = { entry: { name, type: 'symlink', mode, mtime, size: 0, linkName } };
    } else if (stats.isFile()) {
      const mode = storedMode('file', diskMode);
      const size = Number(stats.size);
      // The walk follows no link below the root, so this is the file's real path.
      const source: CheckedFile = {
        path: join(options.realRoot, ...segments),
        identity: { dev: stats.dev, ino: stats.ino, size },
        mode: diskMode,
      };
      await refuseCredentials(source, name, options.blame);
      item = { entry: { name, type: 'file', mode, mtime, size }, source };
    } else {
      options.onSkipped?.(name);
      continue;
    }
    items.push({ segments, item });
  }
  items.sort((a, b) => compareSegments(a.segments, b.segments));
  return items.map(({ item }) => item);
}

/**
 * A name that is not valid UTF-8 (Linux allows any bytes) comes back from a listing with U+FFFD
 * in place of its bad bytes, a name no file has: its lstat fails with ENOENT. Neither a tar
 * entry's name nor a title could hold it, so the push says so rather than fail with ENOENT.
 */
function unreadableName(error: unknown, options: WalkOptions): SpecError | undefined {
  const { code, path } = error as NodeJS.ErrnoException;
  if (code !== 'ENOENT' || path === undefined || !path.includes('\uFFFD')) return undefined;
  const rel = relative(options.root, path).split(sep);
  return new SpecError(
    options.blame.input,
    options.blame.given,
    `file names that are valid UTF-8 (tar entries and titles hold text), but ${JSON.stringify([options.title, ...rel].join('/'))} is not (shown with U+FFFD in place of its other bytes): rename it`,
  );
}

/** A link must stay within the folder by its name and by where it leads on disk now. */
async function checkLink(
  path: string,
  segments: readonly string[],
  target: string,
  name: string,
  options: WalkOptions,
): Promise<void> {
  const folder = JSON.stringify(options.title);
  const escape = linkEscape(segments, target);
  let why = escape === undefined ? undefined : escapeText(escape, folder);
  if (why === undefined) {
    // A chain through other links can lead out even when the name stays in. A dangling link
    // leads nowhere; its name alone was judged.
    const real = await realpath(path).catch(() => undefined);
    if (real !== undefined && !isWithin(options.realRoot, real)) {
      why = `leads to ${JSON.stringify(real)}, outside ${folder}`;
    }
  }
  if (why === undefined) return;
  throw new SpecError(
    options.blame.input,
    options.blame.given,
    `folders whose symbolic links stay inside them (a pull refuses the others), but ${JSON.stringify(name)} links to ${JSON.stringify(target)}, which ${why}`,
  );
}

function escapeText(escape: LinkEscape, folder: string): string {
  switch (escape) {
    case 'empty':
      return 'is empty';
    case 'absolute':
      return 'is absolute';
    case 'climbs-out':
      return `climbs out of ${folder}`;
  }
}

function compareSegments(a: readonly string[], b: readonly string[]): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a[i] ?? '';
    const y = b[i] ?? '';
    if (x !== y) return x < y ? -1 : 1;
  }
  return a.length - b.length;
}
