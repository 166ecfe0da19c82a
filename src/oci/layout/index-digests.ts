// The digests an `index.json` lists are checked before anything uses or outputs them: the file
// is written by whoever shared the layout, and a digest such as `sha256:../../x` must not reach a
// path, a step output or a log line as if it were one.
import type { ImageIndex } from '../descriptor.js';
import { parseDigest } from '../digest.js';
import { OciError } from '../errors.js';

export function checkIndexDigests(index: ImageIndex, root: string, file: string): void {
  index.manifests.forEach((entry, i) => {
    try {
      parseDigest(entry.digest);
    } catch (error) {
      throw new OciError(
        'LAYOUT_ERROR',
        `OCI layout ${root}: ${file} lists an entry (manifests[${i}]) whose digest is not valid: ${(error as Error).message}`,
        { cause: error },
      );
    }
  });
}
