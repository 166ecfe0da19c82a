// The benchmark's data, generated once per run: random bytes (so nothing compresses and no
// layer is shared by accident), streamed to disk and hashed as they are written, so that the
// bare-HTTP and skopeo contenders know every digest in advance.
import { createHash, randomFill } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const fillRandom = promisify(randomFill);
const CHUNK = 1 << 20;

/**
 * @typedef {{ path: string, title: string, size: number, digest: string }} DataFile
 *   `title`: the path relative to the data folder, as the action titles it.
 */

/** One file of `size` random bytes at `dir/title`. @returns {Promise<DataFile>} */
export async function writeRandomFile(dir, title, size) {
  const path = join(dir, title);
  const hash = createHash('sha256');
  const out = createWriteStream(path);
  const done = new Promise((resolve, reject) => {
    out.once('error', reject);
    out.once('finish', resolve);
  });
  for (let written = 0; written < size;) {
    const chunk = await fillRandom(Buffer.allocUnsafe(Math.min(CHUNK, size - written)));
    hash.update(chunk);
    written += chunk.length;
    if (!out.write(chunk)) await new Promise((resolve) => out.once('drain', resolve));
  }
  out.end();
  await done;
  return { path, title, size, digest: `sha256:${hash.digest('hex')}` };
}

/** `count` files of `size` bytes in `dir/folder/`. @returns {Promise<DataFile[]>} */
export async function writeSmallFiles(dir, folder, count, size) {
  await mkdir(join(dir, folder), { recursive: true });
  const width = String(count - 1).length;
  const titles = Array.from(
    { length: count },
    (_, i) => `${folder}/file-${String(i).padStart(width, '0')}.bin`,
  );
  return inBatches(titles, 16, (title) => writeRandomFile(dir, title, size));
}

/**
 * A source-tree-like folder: `count` files spread over sub-folders of 100, sizes varying around
 * `totalSize / count` (from a fifth to nine fifths of it, in a fixed pattern).
 * @returns {Promise<{ path: string, title: string, files: number, size: number }>}
 */
export async function writeFolder(dir, title, count, totalSize) {
  const mean = Math.floor(totalSize / count);
  const files = Array.from({ length: count }, (_, i) => ({
    title: `${title}/dir-${String(Math.floor(i / 100)).padStart(3, '0')}/file-${i % 100}.dat`,
    size: Math.floor((mean * (1 + (8 * ((i * 37) % 101)) / 100)) / 5),
  }));
  const folders = new Set(files.map((file) => file.title.slice(0, file.title.lastIndexOf('/'))));
  for (const folder of folders) await mkdir(join(dir, folder), { recursive: true });
  const written = await inBatches(files, 16, (file) => writeRandomFile(dir, file.title, file.size));
  const size = written.reduce((sum, file) => sum + file.size, 0);
  return { path: join(dir, title), title, files: count, size };
}

async function inBatches(items, width, work) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]);
    }
  };
  await Promise.all(Array.from({ length: width }, worker));
  return results;
}
