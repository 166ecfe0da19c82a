// Where a blob lives inside an OCI image layout: `blobs/<algorithm>/<encoded>`.
// https://github.com/opencontainers/image-spec/blob/v1.1.0/image-layout.md#blobs
import { join } from 'node:path';
import { digestAlgorithm, digestHex, parseDigest, type Digest } from '../digest.js';

/** parseDigest admits only sha256/sha512 and lowercase hex, so no digest can leave `blobs/`. */
export function blobPath(root: string, digest: Digest): string {
  const checked = parseDigest(digest);
  return join(root, 'blobs', digestAlgorithm(checked), digestHex(checked));
}

export function blobDir(root: string, digest: Digest): string {
  return join(root, 'blobs', digestAlgorithm(parseDigest(digest)));
}
