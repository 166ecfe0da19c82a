// Symbolic links as each platform needs them. Windows makes a link either to a file or to a
// folder, and one of the wrong kind does not work (a file link to a folder cannot be entered).
// What a tar entry's target is may only be known once later entries are written, so each link
// is made with the kind its target has now (a file when it is missing yet), and retype() makes
// again, once the layer is written, every link whose target turned out to be of the other kind.
// Junctions are never made: they hold absolute paths, which break when the extracted folder is
// moved into place. On other systems a link has no kind and this is a plain symlink().
import type { Stats } from 'node:fs';
import { lstat, stat, symlink, unlink } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { PullError } from './errors.js';

export type LinkKind = 'file' | 'dir';

/** The file system calls made, replaceable in tests. */
export interface LinkFs {
  symlink(target: string, path: string, kind?: LinkKind): Promise<void>;
  stat(path: string): Promise<Pick<Stats, 'isDirectory'>>;
  lstat(path: string): Promise<Pick<Stats, 'isSymbolicLink'>>;
  unlink(path: string): Promise<void>;
}

const nodeFs: LinkFs = { symlink, stat, lstat, unlink };

export class SymlinkMaker {
  /** Windows only: each link made, with the kind it was made as. */
  private readonly made = new Map<string, { target: string; kind: LinkKind }>();

  constructor(
    private readonly platform: NodeJS.Platform = process.platform,
    private readonly fs: LinkFs = nodeFs,
  ) {}

  /** Makes the link `path` → `target`; fails with EEXIST when the name is taken. */
  async make(target: string, path: string): Promise<void> {
    if (this.platform !== 'win32') return this.fs.symlink(target, path);
    const kind = await this.kindOf(target, path);
    try {
      await this.fs.symlink(target, path, kind);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EPERM') throw error;
      throw new PullError(
        'LINKS_NOT_PERMITTED',
        `cannot create the symbolic link ${path}: Windows lets only administrators, or any user ` +
          `in Developer Mode, create symbolic links (GitHub-hosted runners may); or pull with ` +
          `unpack: false to keep the folder's archive as it is`,
        { cause: error },
      );
    }
    this.made.set(path, { target, kind });
  }

  /** Windows: makes again, with the right kind, each link whose target's kind changed. */
  async retype(): Promise<void> {
    for (const [path, { target, kind }] of this.made) {
      // A later entry may have replaced the link with a file or folder: that stays.
      const current = await this.fs.lstat(path).catch(() => undefined);
      if (!current?.isSymbolicLink()) continue;
      const now = await this.kindOf(target, path);
      if (now === kind) continue;
      await this.fs.unlink(path);
      await this.fs.symlink(target, path, now);
      this.made.set(path, { target, kind: now });
    }
  }

  private async kindOf(target: string, path: string): Promise<LinkKind> {
    const stats = await this.fs.stat(resolve(dirname(path), target)).catch(() => undefined);
    return stats?.isDirectory() ? 'dir' : 'file';
  }
}
