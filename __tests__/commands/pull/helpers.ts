import { lstat, readdir, readlink, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Log } from '../../../src/commands/log.js';

export interface MemoryLog extends Log {
  lines: string[];
  notices: string[];
  warnings: string[];
}

export function memoryLog(): MemoryLog {
  const lines: string[] = [];
  const notices: string[] = [];
  const warnings: string[] = [];
  return {
    lines,
    notices,
    warnings,
    info: (m) => lines.push(m),
    notice: (m) => notices.push(m),
    warning: (m) => warnings.push(m),
    debug: () => {},
    group: (_title, body) => body(),
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
