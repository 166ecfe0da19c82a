// Writes the entries of one folder layer into its staging folder, one at a time, never through a
// symlink and never outside the folder. Modes come from the entries, within the umask and without
// setuid, setgid or sticky bits; folders stay writable for us until finish() sets their modes.
import { constants, type Stats } from 'node:fs';
import {
  chmod,
  link,
  lstat,
  mkdir,
  open,
  rm,
  stat,
  symlink,
  unlink,
  utimes,
} from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { checkLinkChains } from './link-chains.js';
import { checkSymlinkTarget, unsafe } from './tar-paths.js';

const PERMISSION_BITS = 0o777;
const FILE_FLAGS =
  constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0);

interface FolderMeta {
  mode: number;
  mtime?: Date;
}

export class LayerWriter {
  /** Final modes of the folders, applied deepest first by finish(). */
  private readonly folders = new Map<string, FolderMeta>();
  private readonly links: string[][] = [];
  files = 0;

  private constructor(
    readonly root: string,
    readonly title: string,
    private readonly prefix: string,
    private readonly umask: number,
  ) {}

  /** An entry's name as the archive spells it, for messages. */
  private name(segments: string[]): string {
    return [this.prefix, ...segments].join('/');
  }

  /** Creates the (missing) staging folder; its mode after creation tells the umask. */
  static async create(root: string, title: string, prefix: string): Promise<LayerWriter> {
    await mkdir(root, { mode: PERMISSION_BITS });
    const umask = PERMISSION_BITS & ~(await stat(root)).mode;
    const writer = new LayerWriter(root, title, prefix, umask);
    writer.folders.set('', { mode: PERMISSION_BITS & ~umask });
    await chmod(root, 0o700);
    return writer;
  }

  async file(
    segments: string[],
    mode: number | undefined,
    mtime: Date | undefined,
    body: AsyncIterable<Buffer>,
  ) {
    const path = await this.prepare(segments, 'a file');
    const handle = await open(path, FILE_FLAGS, (mode ?? 0o644) & PERMISSION_BITS & ~this.umask);
    await pipeline(body, handle.createWriteStream());
    if (mtime) await utimes(path, mtime, mtime);
    this.files++;
  }

  async folder(segments: string[], mode: number | undefined, mtime: Date | undefined) {
    const key = segments.join('/');
    const meta: FolderMeta = { mode: (mode ?? 0o755) & PERMISSION_BITS & ~this.umask };
    if (mtime) meta.mtime = mtime;
    if (segments.length > 0) {
      const path = await this.prepare(segments, 'a folder');
      await mkdir(path, { mode: 0o700 }).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'EEXIST') throw error; // kept by prepare() because it is a folder
      });
    }
    this.folders.set(key, meta);
  }

  async symlink(segments: string[], target: string) {
    checkSymlinkTarget(segments, target, this.title, this.name(segments));
    const path = await this.prepare(segments, 'a link');
    await symlink(target, path);
    this.links.push(segments);
  }

  /** `source` is the path inside the layer folder of a file written before. */
  async hardLink(segments: string[], source: string[]) {
    const sourceStats = await this.realEntry(source);
    if (!sourceStats?.isFile()) {
      throw unsafe(
        this.title,
        this.name(segments),
        `is a hard link to "${this.name(source)}", which is not a file extracted before it`,
      );
    }
    if (source.join('/') === segments.join('/')) return;
    const path = await this.prepare(segments, 'a link');
    await link(join(this.root, ...source), path);
    this.files++;
  }

  /** Checks link chains, then sets folder modes and times, deepest first. */
  async finish(): Promise<void> {
    await checkLinkChains(this.root, this.links, this.title, this.prefix);
    const byDepth = [...this.folders.entries()].sort(
      ([a], [b]) => b.split('/').length - a.split('/').length || b.length - a.length,
    );
    for (const [key, meta] of byDepth) {
      const path = key === '' ? this.root : join(this.root, ...key.split('/'));
      const stats = await lstat(path).catch(() => undefined);
      if (!stats?.isDirectory()) continue; // replaced by a later entry
      if (meta.mtime) await utimes(path, meta.mtime, meta.mtime);
      await chmod(path, meta.mode);
    }
  }

  /**
   * Makes the parent folders (refusing any symlink or file on the way) and clears the entry's
   * own path, so a later entry replaces an earlier one as tar does.
   */
  private async prepare(segments: string[], kind: string): Promise<string> {
    const name = segments.join('/');
    const shown = this.name(segments);
    let path = this.root;
    for (let i = 0; i < segments.length - 1; i++) {
      path = join(path, segments[i] as string);
      const stats = await lstatOrUndefined(path);
      if (stats === undefined) {
        await mkdir(path, { mode: 0o700 });
        const key = segments.slice(0, i + 1).join('/');
        if (!this.folders.has(key)) this.folders.set(key, { mode: 0o777 & ~this.umask });
      } else if (stats.isSymbolicLink()) {
        throw unsafe(
          this.title,
          shown,
          `would be written through the symbolic link "${this.name(segments.slice(0, i + 1))}"`,
        );
      } else if (!stats.isDirectory()) {
        throw unsafe(
          this.title,
          shown,
          `needs "${this.name(segments.slice(0, i + 1))}" to be a folder, but it is not one`,
        );
      }
    }
    path = join(this.root, ...segments);
    const existing = await lstatOrUndefined(path);
    if (existing?.isDirectory()) {
      if (kind === 'a folder') return path;
      await rm(path, { recursive: true, force: true });
      for (const key of this.folders.keys()) {
        if (key === name || key.startsWith(`${name}/`)) this.folders.delete(key);
      }
    } else if (existing !== undefined) {
      await unlink(path);
    }
    return path;
  }

  /** Stats of an entry reached without any symlink on the way, or undefined. */
  private async realEntry(segments: string[]): Promise<Stats | undefined> {
    if (segments.length === 0) return undefined;
    let path = this.root;
    for (const segment of segments.slice(0, -1)) {
      path = join(path, segment);
      const stats = await lstatOrUndefined(path);
      if (!stats?.isDirectory()) return undefined;
    }
    return lstatOrUndefined(join(path, segments.at(-1) as string));
  }
}

async function lstatOrUndefined(path: string): Promise<Stats | undefined> {
  try {
    return await lstat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw error;
  }
}
