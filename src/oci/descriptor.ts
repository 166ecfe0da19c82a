// Spec shapes as plain types.
// https://github.com/opencontainers/image-spec/blob/v1.1.0/descriptor.md
import type { Digest } from './digest.js';

export type Annotations = Record<string, string>;

export interface Descriptor {
  mediaType: string;
  digest: Digest;
  size: number;
  artifactType?: string;
  annotations?: Annotations;
  urls?: string[];
  data?: string;
  platform?: Platform;
}

export interface Platform {
  architecture: string;
  os: string;
  'os.version'?: string;
  'os.features'?: string[];
  variant?: string;
}

/** https://github.com/opencontainers/image-spec/blob/v1.1.0/manifest.md */
export interface ImageManifest {
  schemaVersion: 2;
  mediaType: string;
  artifactType?: string;
  config: Descriptor;
  layers: Descriptor[];
  subject?: Descriptor;
  annotations?: Annotations;
}

/** https://github.com/opencontainers/image-spec/blob/v1.1.0/image-index.md */
export interface ImageIndex {
  schemaVersion: 2;
  mediaType: string;
  artifactType?: string;
  manifests: Descriptor[];
  subject?: Descriptor;
  annotations?: Annotations;
}

/** Only the fields the descriptor spec defines, in a stable order, for embedding elsewhere. */
export function plainDescriptor(d: Descriptor): Descriptor {
  const out: Descriptor = { mediaType: d.mediaType, digest: d.digest, size: d.size };
  if (d.artifactType !== undefined) out.artifactType = d.artifactType;
  if (d.annotations !== undefined && Object.keys(d.annotations).length > 0) {
    out.annotations = d.annotations;
  }
  if (d.urls !== undefined) out.urls = d.urls;
  if (d.data !== undefined) out.data = d.data;
  if (d.platform !== undefined) out.platform = d.platform;
  return out;
}
