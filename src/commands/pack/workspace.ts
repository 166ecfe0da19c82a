// working-directory as a push sees it: everything read is decided by real path (links and
// parent links resolved), never by name, so a link cannot carry a byte from outside into the
// artifact under an inside-looking title.
import type { BigIntStats } from 'node:fs';
import { lstat, realpath } from 'node:fs/promises';
import type { CheckedFile } from './checked-file.js';
import { hostPaths, isWithin } from './path-rules.js';
import { SpecError } from './spec-error.js';

/** Which input and value to name when a path is refused. */
export interface Blame {
  input: string;
  given: string;
}

export interface ResolvedFile {
  kind: 'file';
  file: CheckedFile;
}

export interface ResolvedFolder {
  kind: 'folder';
  realPath: string;
}

export type ResolvedPath = ResolvedFile | ResolvedFolder;

// Their entries are regular files whose size is not their content (/proc/self/environ says 0).
const PSEUDO_ROOTS = process.platform === 'linux' ? ['/proc', '/sys'] : [];

export class Workspace {
  private constructor(
    /** Absolute, as named: titles are relative to it. */
    readonly path: string,
    /** Its real path: what everything read must stay within. */
    readonly realPath: string,
  ) {}

  static async open(path: string): Promise<Workspace> {
    return new Workspace(path, await realpath(path));
  }

  /** A path below the named working directory, with forward slashes, for messages. */
  display(path: string): string {
    const rel = hostPaths.relative(this.path, path);
    return rel === '' ? '.' : rel.split(hostPaths.sep).join('/');
  }

  /**
   * Where `path` (absolute) really leads, when it exists: a regular file or a folder within
   * working-directory. Anything else is refused, naming the path and where it leads.
   */
  async resolve(path: string, blame: Blame): Promise<ResolvedPath | undefined> {
    let real: string;
    try {
      real = await realpath(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
      if (code === 'ELOOP') throw this.refuse(blame, path, 'is a loop of symbolic links');
      throw error;
    }
    if (!isWithin(this.realPath, real)) {
      throw this.refuse(blame, path, `leads to ${JSON.stringify(real)}, outside it`);
    }
    if (PSEUDO_ROOTS.some((root) => isWithin(root, real))) {
      throw this.refuse(
        blame,
        path,
        `leads to ${JSON.stringify(real)}, a ${real.split('/')[1]} entry`,
      );
    }
    const stats = await lstat(real, { bigint: true });
    if (stats.isDirectory()) return { kind: 'folder', realPath: real };
    if (stats.isFile()) {
      return {
        kind: 'file',
        file: {
          path: real,
          identity: { dev: stats.dev, ino: stats.ino, size: Number(stats.size) },
          mode: Number(stats.mode),
        },
      };
    }
    const leads = real === path ? 'is' : `leads to ${JSON.stringify(real)},`;
    throw this.refuse(
      blame,
      path,
      `${leads} ${kindOf(stats)}, neither a regular file nor a folder`,
    );
  }

  private refuse(blame: Blame, path: string, why: string): SpecError {
    return new SpecError(
      blame.input,
      blame.given,
      `regular files and folders within working-directory "${this.path}", but ${JSON.stringify(this.display(path))} ${why}`,
    );
  }
}

export function kindOf(
  stats: Pick<
    BigIntStats,
    'isFIFO' | 'isSocket' | 'isCharacterDevice' | 'isBlockDevice' | 'isSymbolicLink'
  >,
): string {
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSymbolicLink()) return 'a symbolic link';
  return 'a special file';
}
