// Where unverified bytes live (a dot-prefixed work folder inside the output folder, so a rename
// moves them on the same filesystem) and how verified ones reach their final path.
import { randomUUID } from 'node:crypto';
import { cp, lstat, mkdir, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { trackScratch } from '../scratch-paths.js';
import { isMissing } from './output-path.js';
import { removeTree } from './remove-tree.js';
import { keepWorkMarkerFresh, WORK_PREFIX, writeWorkMarker } from './work-folders.js';

export { WORK_PREFIX };

export class WorkArea {
  private constructor(
    readonly path: string,
    private readonly release: () => void,
  ) {}

  /**
   * Makes `<outputDir>/.oci-pull-<uuid>/`, readable by us only, with the marker that lets a
   * later pull recognise it should this process be killed before removing it.
   */
  static async create(outputDir: string): Promise<WorkArea> {
    const path = join(outputDir, `${WORK_PREFIX}${randomUUID()}`);
    await mkdir(path, { mode: 0o700 });
    const untrack = trackScratch(path);
    try {
      await writeWorkMarker(path);
    } catch (error) {
      await removeTree(path).catch(() => undefined);
      untrack();
      throw error;
    }
    const stopHeartbeat = keepWorkMarkerFresh(path);
    return new WorkArea(path, () => {
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
 * Moves a verified file or extracted folder to `target`, replacing what is there. A file
 * replaces a file atomically (rename). A folder, or anything replacing a folder, first moves the
 * old one aside and puts it back should the move fail; the old one is then removed.
 */
export async function moveIntoPlace(staged: string, target: string): Promise<void> {
  await mkdir(dirname(target), { recursive: true });
  const existing = await lstat(target).catch((error: unknown) => {
    if (isMissing(error)) return undefined;
    throw error;
  });
  const stagedIsFolder = (await lstat(staged)).isDirectory();
  if (existing === undefined || (!stagedIsFolder && !existing.isDirectory())) {
    await renameAcross(staged, target);
    return;
  }
  const aside = join(dirname(target), `${WORK_PREFIX}${randomUUID()}.old`);
  await rename(target, aside);
  try {
    await renameAcross(staged, target);
  } catch (error) {
    await rename(aside, target).catch(() => undefined);
    throw error;
  }
  await removeTree(aside);
}

/** rename(), or when the target is on another filesystem, a copy next to it and a rename. */
async function renameAcross(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
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
    await rename(near, to);
  } catch (error) {
    await removeTree(near);
    throw error;
  }
}
