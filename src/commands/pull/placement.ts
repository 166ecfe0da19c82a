// Where unverified bytes live (a dot-prefixed work folder inside the output folder, so a rename
// moves them on the same filesystem) and how verified ones reach their final path.
//
// On Windows a file that a virus scanner or indexer has just opened cannot be renamed for a
// moment (EPERM, EBUSY, EACCES), so renames are tried again for a bounded while there, as the
// layout store's are (busy-retry.ts).
import { randomUUID } from 'node:crypto';
import { cp, lstat, mkdir, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { trackScratch } from '../scratch-paths.js';
import { retryWhileBusy } from '../../oci/layout/busy-retry.js';
import { PullError } from './errors.js';
import { isMissing } from './output-path.js';
import { removeTree } from './remove-tree.js';
import { keepWorkMarkerFresh, WORK_PREFIX, writeWorkMarker } from './work-folders.js';

export { WORK_PREFIX };

export class WorkArea {
  private constructor(
    readonly path: string,
    /** Whether the output folder's file system takes `a` and `A` for one name. */
    readonly caseInsensitive: boolean,
    private readonly release: () => void,
  ) {}

  /**
   * Makes `<outputDir>/.oci-pull-<uuid>/`, readable by us only, with the marker that lets a
   * later pull recognise it should this process be killed before removing it.
   */
  static async create(outputDir: string): Promise<WorkArea> {
    const name = `${WORK_PREFIX}${randomUUID()}`;
    const path = join(outputDir, name);
    await mkdir(path, { mode: 0o700 });
    const untrack = trackScratch(path);
    let caseInsensitive: boolean;
    try {
      await writeWorkMarker(path);
      caseInsensitive = await ignoresCase(outputDir, name);
    } catch (error) {
      await removeTree(path).catch(() => undefined);
      untrack();
      throw error;
    }
    const stopHeartbeat = keepWorkMarkerFresh(path);
    return new WorkArea(path, caseInsensitive, () => {
      stopHeartbeat();
      untrack();
    });
  }

  /** A path inside the work folder. */
  at(...parts: string[]): string {
    return join(this.path, ...parts);
  }

  async remove(): Promise<void> {
    await removeTree(this.path);
    this.release();
  }
}

/**
 * Whether the file system of `folder` ignores case, probed with `name`, an entry of it whose name
 * has lower-case letters: found again upper-cased, it does. Asked of the folder itself, not
 * decided by the platform: Linux can ignore case (ext4 casefold, a mounted share) and Windows
 * and macOS can heed it (per-folder case sensitivity, case-sensitive APFS).
 */
export async function ignoresCase(
  folder: string,
  name: string,
  look: (path: string) => Promise<unknown> = lstat,
): Promise<boolean> {
  const upper = name.toUpperCase();
  if (upper === name) throw new Error(`ignoresCase needs a name with lower-case letters: ${name}`);
  return look(join(folder, upper)).then(
    () => true,
    (error: unknown) => {
      if (isMissing(error)) return false;
      throw error;
    },
  );
}

export interface PlacementOptions {
  /** Whose rules decide whether a failed rename is tried again; the runner's by default. */
  platform?: NodeJS.Platform;
  /** The rename to use (tests make it fail as a busy Windows file does). */
  rename?: (from: string, to: string) => Promise<void>;
}

/**
 * Moves a verified file or extracted folder to `target`, replacing what is there. A file
 * replaces a file atomically (rename). A folder, or anything replacing a folder, first moves the
 * old one aside and puts it back should the move fail; the old one is then removed.
 */
export async function moveIntoPlace(
  staged: string,
  target: string,
  options: PlacementOptions = {},
): Promise<void> {
  const move = (from: string, to: string): Promise<void> =>
    retryWhileBusy(() => (options.rename ?? rename)(from, to), options.platform);
  await mkdir(dirname(target), { recursive: true });
  const existing = await lstat(target).catch((error: unknown) => {
    if (isMissing(error)) return undefined;
    throw error;
  });
  const stagedIsFolder = (await lstat(staged)).isDirectory();
  if (existing === undefined || (!stagedIsFolder && !existing.isDirectory())) {
    await renameAcross(staged, target, move);
    return;
  }
  const aside = join(dirname(target), `${WORK_PREFIX}${randomUUID()}.old`);
  await move(target, aside);
  try {
    await renameAcross(staged, target, move);
  } catch (error) {
    // The user's previous content must not vanish silently: where it could not be put back, say
    // where it is (a later pull leaves such a folder alone: it has no work marker).
    await move(aside, target).catch(() => {
      throw new PullError(
        'NOT_RESTORED',
        `could not replace ${target}, nor put back what was there: it is kept at ${aside}`,
        { cause: error },
      );
    });
    throw error;
  }
  await removeTree(aside);
}

/** A rename, or when the target is on another filesystem, a copy next to it and a rename. */
async function renameAcross(
  from: string,
  to: string,
  move: (from: string, to: string) => Promise<void>,
): Promise<void> {
  try {
    await move(from, to);
    return;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
  }
  const near = join(dirname(to), `${WORK_PREFIX}${randomUUID()}.new`);
  try {
    await cp(from, near, {
      recursive: true,
      verbatimSymlinks: true,
      preserveTimestamps: true,
      errorOnExist: true,
      force: false,
    });
    await move(near, to);
  } catch (error) {
    await removeTree(near);
    throw error;
  }
}
