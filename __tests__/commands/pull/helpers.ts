// Test setup shared by the pull tests, command-level and end-to-end.
import { lstat, readdir, readlink, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { removeTree } from '../../../src/commands/pull/remove-tree.js';
import { makeTempDir } from '../../support/temp.js';

export { memoryLog, type MemoryLog } from '../../support/memory-log.js';

/**
 * Runs the tests of the enclosing describe block under `mask` (modes in their expectations
 * assume it; the action, a child process, inherits it) and restores the umask after.
 */
export function useUmask(mask = 0o022): void {
  let saved: number;
  beforeAll(() => {
    saved = process.umask(mask);
  });
  afterAll(() => {
    process.umask(saved);
  });
}

/**
 * A fresh temporary folder, removed with what a pull leaves there: read-only folders too, which
 * a plain recursive rm cannot empty unless it runs as root.
 */
export async function pullTempDir(
  prefix: string,
): Promise<{ path: string; remove: () => Promise<void> }> {
  const { path } = await makeTempDir(prefix);
  return { path, remove: () => removeTree(path) };
}

/** A fresh pullTempDir() for each test of the enclosing block, removed after it. */
export function useTempDirEach(prefix: string): { readonly path: string } {
  let dir: { path: string; remove: () => Promise<void> } | undefined;
  beforeEach(async () => {
    dir = await pullTempDir(prefix);
  });
  afterEach(async () => {
    await dir?.remove();
  });
  return {
    get path() {
      if (dir === undefined) throw new Error('useTempDirEach: only inside a test');
      return dir.path;
    },
  };
}

/**
 * Every path below `root` → a short description: `file 644 <content>`, `dir 755`,
 * `link -> target`. Content is shown for small files so tests compare bytes too.
 */
export async function tree(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (dir: string, prefix: string): Promise<void> => {
    for (const name of (await readdir(dir)).sort()) {
      const path = join(dir, name);
      const rel = prefix === '' ? name : `${prefix}/${name}`;
      const stats = await lstat(path);
      const mode = (stats.mode & 0o7777).toString(8);
      if (stats.isSymbolicLink()) out[rel] = `link -> ${await readlink(path)}`;
      else if (stats.isDirectory()) {
        out[rel] = `dir ${mode}`;
        await walk(path, rel);
      } else out[rel] = `file ${mode} ${(await readFile(path)).toString('utf8')}`;
    }
  };
  await walk(root, '');
  return out;
}

export const listing = async (dir: string): Promise<string[]> => (await readdir(dir)).sort();
