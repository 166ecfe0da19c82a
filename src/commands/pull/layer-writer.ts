// Writes the entries of one folder layer into its staging folder, one at a time, never through a
// symlink and never outside the folder. Modes come from the entries, within the umask and without
// setuid, setgid or sticky bits; folders stay writable for us until finish() sets their modes.
//
// The staging folder is made empty by create(), and only this writer changes what is inside, so
// it remembers which folders it made or checked (`realFolders`) and asks the filesystem again
// only about what it does not know: a layer of 10,000 files costs a few system calls per file,
// not one per path segment. New entries are created with O_EXCL (symlinks and hard links fail on
// an existing name too; O_EXCL never follows a link, so no O_NOFOLLOW is needed where the system
// lacks it), so an earlier entry at the same name is found by the kernel, not by a look
// beforehand, and is then replaced as tar does. When the kernel finds a name this writer never
// made, the file system takes two names of the archive for one (`README` and `readme` where case
// is ignored, or two Unicode spellings on APFS): that fails the layer, rather than one entry
// silently replacing the other.
import { constants, type Stats } from 'node:fs';
import { chmod, link, lstat, mkdir, open, rm, stat, unlink, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { quoted } from '../../oci/untrusted-text.js';
import { PullError } from './errors.js';
import { FileWrites } from './file-writes.js';
import { checkLinkChains } from './link-chains.js';
import { foldName } from './portable-names.js';
import { SymlinkMaker } from './symlink-maker.js';
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
  /** Folders known to be real folders (made or checked by this writer), '' for the root. */
  private readonly realFolders = new Set<string>(['']);
  /** Parents being checked or made now, by folded name (see parents()). */
  private readonly checking = new Map<string, Promise<void>>();
  private readonly links: string[][] = [];
  /** Every name this writer made (files, links, folders), keyed as the archive spells it. */
  private readonly names = new Set<string>(['']);
  /** The same names folded as case-insensitive systems compare them, to name a collision. */
  private readonly folded = new Map<string, string>();
  private readonly symlinks = new SymlinkMaker();
  private readonly writes = new FileWrites();
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

  /** Returns once the body is read; the write may go on until finish() (see FileWrites). */
  async file(
    segments: string[],
    mode: number | undefined,
    mtime: Date | undefined,
    size: number,
    body: AsyncIterable<Buffer> | Iterable<Buffer>,
  ) {
    const fileMode = (mode ?? 0o644) & PERMISSION_BITS & ~this.umask;
    const handle = await this.create(segments, (path) => open(path, FILE_FLAGS, fileMode));
    this.files++;
    await this.writes.write(handle, size, body, mtime);
  }

  async folder(segments: string[], mode: number | undefined, mtime: Date | undefined) {
    const key = segments.join('/');
    const meta: FolderMeta = { mode: (mode ?? 0o755) & PERMISSION_BITS & ~this.umask };
    if (mtime) meta.mtime = mtime;
    if (!this.realFolders.has(key)) {
      await this.parents(segments);
      const path = join(this.root, ...segments);
      const make = (): Promise<unknown> => mkdir(path, { mode: 0o700 });
      const made = await make().then(
        () => true,
        (error: NodeJS.ErrnoException) => {
          if (error.code !== 'EEXIST') throw error;
          return false;
        },
      );
      if (made) this.remember(key);
      else if (!this.names.has(key)) throw this.collision(segments);
      // An earlier folder entry stays (and keeps what is in it); a file or link is replaced.
      else if (!(await lstat(path)).isDirectory()) await this.create(segments, make);
      this.realFolders.add(key);
    }
    this.folders.set(key, meta);
  }

  async symlink(segments: string[], target: string) {
    checkSymlinkTarget(segments, target, this.title, this.name(segments));
    await this.create(segments, (path) => this.symlinks.make(target, path));
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
    await this.create(segments, (path) => link(join(this.root, ...source), path));
    this.files++;
  }

  /** Waits for the file writes, checks link chains, then sets folder modes and times. */
  async finish(): Promise<void> {
    await this.writes.settle();
    await this.symlinks.retype();
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
   * Makes the parent folders (refusing any symlink or file on the way), then the entry with
   * `make`, which must fail with EEXIST when the name is taken. A taken name is cleared (a folder
   * with all it holds) and made again: a later entry replaces an earlier one, as tar does.
   */
  private async create<T>(segments: string[], make: (path: string) => Promise<T>): Promise<T> {
    await this.parents(segments);
    const path = join(this.root, ...segments);
    const key = segments.join('/');
    try {
      const made = await make(path);
      this.remember(key);
      return made;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (!this.names.has(key)) throw this.collision(segments);
    if ((await lstat(path)).isDirectory()) await rm(path, { recursive: true, force: true });
    else await unlink(path);
    this.forget(key);
    const made = await make(path);
    this.remember(key);
    return made;
  }

  private remember(key: string): void {
    this.names.add(key);
    this.folded.set(foldName(key), key);
  }

  /** The name is taken, but not by anything this writer made under that name. */
  private collision(segments: string[]): PullError {
    const other = this.folded.get(foldName(segments.join('/')));
    const which =
      other === undefined
        ? 'another entry of the layer'
        : `the entry ${quoted([this.prefix, ...other.split('/')].join('/'))}`;
    return new PullError(
      'UNPORTABLE_NAME',
      `folder layer ${quoted(this.title)}: tar entry ${quoted(this.name(segments))} and ${which} ` +
        `are one and the same name on this runner's file system, which ignores case (or ` +
        `Unicode normalization); nothing was written`,
      { layer: this.title },
    );
  }

  /**
   * Every parent of the entry is a real folder of the layer, made when missing. Files of one
   * folder may be written side by side (see EntryTasks): a parent being checked or made by one of
   * them is awaited by the others, never made twice. Awaited by folded name: where the file system
   * ignores case, `Docs` and `docs` are one folder, and the second is found a collision as it is
   * when the entries come one after another.
   */
  private async parents(segments: string[]): Promise<void> {
    let path = this.root;
    for (let i = 0; i < segments.length - 1; i++) {
      path = join(path, segments[i] as string);
      const key = segments.slice(0, i + 1).join('/');
      if (this.realFolders.has(key)) continue;
      const folded = foldName(key);
      const checking = this.checking.get(folded);
      if (checking !== undefined) {
        await checking;
        if (this.realFolders.has(key)) continue;
      }
      const check = this.parent(segments, i, path, key);
      this.checking.set(folded, check);
      try {
        await check;
      } finally {
        if (this.checking.get(folded) === check) this.checking.delete(folded);
      }
    }
  }

  /** One parent of the entry (segments[0..i], at `path`): a real folder, made when missing. */
  private async parent(segments: string[], i: number, path: string, key: string): Promise<void> {
    const stats = await lstatOrUndefined(path);
    if (stats === undefined) {
      await mkdir(path, { mode: 0o700 });
      this.remember(key);
      if (!this.folders.has(key)) this.folders.set(key, { mode: 0o777 & ~this.umask });
    } else if (!this.names.has(key)) {
      throw this.collision(segments.slice(0, i + 1));
    } else if (stats.isSymbolicLink()) {
      throw unsafe(
        this.title,
        this.name(segments),
        `would be written through the symbolic link "${this.name(segments.slice(0, i + 1))}"`,
      );
    } else if (!stats.isDirectory()) {
      throw unsafe(
        this.title,
        this.name(segments),
        `needs "${this.name(segments.slice(0, i + 1))}" to be a folder, but it is not one`,
      );
    }
    this.realFolders.add(key);
  }

  /** A name was cleared: what this writer knew about it and below it no longer holds. */
  private forget(name: string): void {
    const below = `${name}/`;
    for (const key of this.names) {
      if (key !== name && !key.startsWith(below)) continue;
      this.names.delete(key);
      if (this.folded.get(foldName(key)) === key) this.folded.delete(foldName(key));
    }
    for (const key of this.realFolders) {
      if (key === name || key.startsWith(below)) this.realFolders.delete(key);
    }
    for (const key of this.folders.keys()) {
      if (key === name || key.startsWith(below)) this.folders.delete(key);
    }
  }

  /** Waits for the file writes still running, failed or not: before the folder is removed. */
  idle(): Promise<void> {
    return this.writes.idle();
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
