// Lists what goes into a folder layer: every entry below the folder, minus the excludes, in a
// fixed order, with the metadata the tar keeps.
import { lstat, readlink } from 'node:fs/promises';
import { relative, sep } from 'node:path';
import * as glob from '@actions/glob';
import type { TarEntry } from './tar-header.js';
import { globEscape } from './glob-escape.js';

export interface FolderItem {
  entry: TarEntry;
  /** Where a file's bytes are read from; absent for directories and links. */
  source?: string;
}

export interface WalkOptions {
  /** Absolute folder to walk (its real path when the line named a link to a folder). */
  root: string;
  /** Prefix of every entry name: the layer's title. */
  title: string;
  /** Absolute @actions/glob patterns whose matches (and what is below them) are left out. */
  excludes: readonly string[];
  /** Every entry gets this mtime (seconds); real mtimes when undefined. */
  mtime?: number;
  /** Called for entries a tar cannot hold (sockets, devices, fifos), which are skipped. */
  onSkipped?: (path: string) => void;
}

/**
 * Entries in the order a depth-first walk visits them with each folder's names sorted by code
 * unit (as Go's filepath.Walk does for ORAS), so the listing order of the file system never
 * shows in the archive. Links are kept as links, never followed.
 */
export async function walkFolder(options: WalkOptions): Promise<FolderItem[]> {
  const patterns = [globEscape(options.root), ...options.excludes.map((e) => `!${e}`)];
  const globber = await glob.create(patterns.join('\n'), {
    followSymbolicLinks: false,
    implicitDescendants: true,
    matchDirectories: true,
    excludeHiddenFiles: false,
  });
  const paths = await globber.glob();
  const items: { segments: string[]; item: FolderItem }[] = [];
  for (const path of paths) {
    const rel = relative(options.root, path);
    const segments = rel === '' ? [] : rel.split(sep);
    const name = [options.title, ...segments].join('/');
    const stats = await lstat(path);
    const mode = stats.mode & 0o7777;
    const mtime = options.mtime ?? Math.floor(stats.mtimeMs / 1000);
    let item: FolderItem;
    if (stats.isDirectory()) {
      item = { entry: { name, type: 'directory', mode, mtime, size: 0 } };
    } else if (stats.isSymbolicLink()) {
      const linkName = await readlink(path);
      item = { entry: { name, type: 'symlink', mode, mtime, size: 0, linkName } };
    } else if (stats.isFile()) {
      item = { entry: { name, type: 'file', mode, mtime, size: stats.size }, source: path };
    } else {
      options.onSkipped?.(path);
      continue;
    }
    items.push({ segments, item });
  }
  items.sort((a, b) => compareSegments(a.segments, b.segments));
  return items.map(({ item }) => item);
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
