// What the parallel gzip's golden digests are taken of: fixed bytes, and a fixed folder of them.
// A change of a golden digest is a change of every folder artifact's digest (CHANGELOG material).
import { chmod, mkdir, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BLOCK_SIZE } from '../../../src/commands/pack/gzip.js';
import { randomBytes } from '../../oci/content.js';

/** 3.3 blocks of half text (compresses, with matches across block cuts), half noise. */
export function sampleBytes(): Buffer {
  const parts: Buffer[] = [];
  let size = 0;
  for (let i = 0; size < 3 * BLOCK_SIZE + 300 * 1024; i++) {
    const part =
      i % 2 === 0
        ? Buffer.from(`line ${i}: the same words again and again, ${'abc'.repeat(i % 50)}\n`)
        : randomBytes(40 + (i % 97), i);
    parts.push(part);
    size += part.length;
  }
  return Buffer.concat(parts);
}

/** Golden digests of the gzip of sampleBytes(), by level. */
export const GOLDEN_GZIP: Record<number, string> = {
  0: 'sha256:3dd0c49f6e9dc80aaa789685127a9f8593b96d5f6b5b2ac3b2fe7da6cedab3c7',
  1: 'sha256:a49a5c773821068ffb010af2d8defeb65cdea9b2076d9b3dc14ae097bcd23431',
  6: 'sha256:f1f2d7502035b8808ede99337043c03c62295abf4fea7be4e71444635d66f81c',
  9: 'sha256:6a8320fbed1cceb7457476c6733cb3f48161a65819156aabb2bb6e2534b41a2a',
};

/**
 * Writes the folder `site` under `parent`, with fixed modes (whatever the umask) that a push
 * stores normalised (stored-mode.ts): folders 0755, files 0644, an executable 0755.
 */
export async function writeSampleFolder(parent: string): Promise<string> {
  const root = join(parent, 'site');
  await mkdir(join(root, 'assets'), { recursive: true });
  await writeFile(join(root, 'index.html'), '<h1>hello</h1>\n'.repeat(1000));
  await writeFile(join(root, 'assets', 'data.bin'), sampleBytes());
  await writeFile(join(root, 'build.sh'), '#!/bin/sh\necho built\n');
  for (const [path, mode] of [
    ['', 0o700],
    ['assets', 0o750],
    ['index.html', 0o600],
    ['assets/data.bin', 0o664],
    ['build.sh', 0o744],
  ] as const) {
    await chmod(join(root, path), mode);
  }
  await utimes(join(root, 'index.html'), 1_700_000_000, 1_700_000_000);
  return root;
}

/** The layer digest of writeSampleFolder()'s folder as `site`, level 6, mtime 0. */
export const GOLDEN_FOLDER =
  'sha256:305e5d38efa8ca03a44f5d348157f7103bcf2f234ad3c6dc5a02cf98a9120f10';
