// The config blob that records an artifact's platform (`artifact-platform`), as ORAS's
// `--artifact-platform` writes it: the platform object itself, typed as an OCI image config, so
// `index` (ours and ORAS's) and `platform` selection read it like an image's config.
import type { Platform } from '../../oci/descriptor.js';
import { digestBytes } from '../../oci/digest.js';
import { OCI_IMAGE_CONFIG } from '../../oci/media-types.js';
import { canonicalPlatform } from '../../oci/platform.js';
import type { ConfigBlob } from './manifest.js';

export function platformConfig(platform: Platform): { blob: ConfigBlob; bytes: Buffer } {
  const bytes = Buffer.from(JSON.stringify(canonicalPlatform(platform)));
  return {
    bytes,
    blob: { digest: digestBytes(bytes), size: bytes.length, mediaType: OCI_IMAGE_CONFIG },
  };
}
