// The `oci-layout` file that marks a folder as an OCI image layout, and the folder's creation.
// https://github.com/opencontainers/image-spec/blob/v1.1.0/image-layout.md#oci-layout-file
import { mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { OciError } from '../errors.js';
import { writeWhole } from './atomic-file.js';
import { INDEX_FILE, type IndexFile } from './index-file.js';

export const MARKER_FILE = 'oci-layout';
export const LAYOUT_VERSION = '1.0.0';

const exists = (path: string): Promise<boolean> =>
  stat(path).then(
    () => true,
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return false;
      throw error;
    },
  );

/**
 * Checks that `root` is a layout we can use; with `create`, makes what is missing first. Two
 * processes may create one layout at once: the marker's content is fixed, so either write
 * serves, but index.json is made under its lock, never over entries the other one added.
 */
export async function prepareLayout(
  root: string,
  create: boolean,
  index: IndexFile,
): Promise<void> {
  const marker = join(root, MARKER_FILE);
  if (create) {
    await mkdir(join(root, 'blobs'), { recursive: true });
    if (!(await exists(marker))) {
      await writeWhole(marker, JSON.stringify({ imageLayoutVersion: LAYOUT_VERSION }));
    }
    if (!(await exists(join(root, INDEX_FILE)))) await index.createIfMissing();
  } else {
    const folder = await stat(root).catch(() => undefined);
    if (!folder?.isDirectory()) {
      throw new OciError('NOT_FOUND', `OCI layout ${root}: no such folder`);
    }
    if (!(await exists(marker))) {
      throw new OciError(
        'NOT_FOUND',
        `OCI layout ${root}: the folder has no ${MARKER_FILE} file, so it is not an OCI image layout`,
      );
    }
  }
  await checkMarker(root, marker);
  await index.read();
}

async function checkMarker(root: string, marker: string): Promise<void> {
  const text = await readFile(marker, 'utf8').catch((error: unknown) => {
    throw new OciError('LAYOUT_ERROR', `OCI layout ${root}: cannot read ${MARKER_FILE}`, {
      cause: error,
    });
  });
  let version: unknown;
  try {
    version = (JSON.parse(text) as Record<string, unknown>)['imageLayoutVersion'];
  } catch {
    // Not JSON.parse's message: it quotes the text, and the marker may be a link to a secret.
    throw new OciError('LAYOUT_ERROR', `OCI layout ${root}: ${MARKER_FILE} is not valid JSON`);
  }
  if (typeof version !== 'string' || !version.startsWith('1.')) {
    throw new OciError(
      'LAYOUT_ERROR',
      `OCI layout ${root}: unsupported imageLayoutVersion ${JSON.stringify(version)} in ${MARKER_FILE}, expected 1.x`,
    );
  }
}
