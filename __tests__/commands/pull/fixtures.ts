// Test setup for pull: artifacts assembled and pushed with the client directly (any Pusher:
// the layout store or a registry repository), including content no honest tool would write.
import { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { ORAS_CONTENT_DIGEST, ORAS_CONTENT_UNPACK, TITLE } from '../../../src/oci/annotations.js';
import type { Annotations, Descriptor } from '../../../src/oci/descriptor.js';
import { digestBytes } from '../../../src/oci/digest.js';
import {
  OCI_EMPTY,
  OCI_LAYER_TAR,
  OCI_LAYER_TAR_GZIP,
  OCI_MANIFEST,
} from '../../../src/oci/media-types.js';
import type { Pusher } from '../../../src/oci/target.js';
import { tarGzip, type TarEntry } from './tar-builder.js';

export interface LayerSpec {
  bytes: Buffer | string;
  /** Omitted: no title annotation. */
  title?: string;
  mediaType?: string;
  annotations?: Annotations;
}

export const EMPTY_CONFIG: Descriptor = {
  mediaType: OCI_EMPTY,
  digest: digestBytes('{}'),
  size: 2,
  data: 'e30=',
};

export const fileLayer = (title: string, bytes: string | Buffer, mediaType = OCI_LAYER_TAR) => ({
  title,
  bytes,
  mediaType,
});

/** An ORAS folder layer: a gzipped tar, annotated for unpacking with its uncompressed digest. */
export function folderLayer(title: string, archive: TarEntry[] | Buffer): LayerSpec {
  const bytes = Array.isArray(archive) ? tarGzip(archive) : archive;
  return {
    title,
    bytes,
    mediaType: OCI_LAYER_TAR_GZIP,
    annotations: {
      [ORAS_CONTENT_DIGEST]: digestBytes(gunzipSync(bytes)),
      [ORAS_CONTENT_UNPACK]: 'true',
    },
  };
}

/**
 * Layers for the filter tests: titled files under `docs/` and `bin/`, one with its own media
 * type, and an untitled layer of the type `application/vnd.test.raw` holding `untitled`.
 */
export const filterLayers = (): LayerSpec[] => [
  fileLayer('docs/a.md', 'a'),
  fileLayer('docs/private/b.md', 'b'),
  fileLayer('bin/tool', 't', 'application/vnd.test.tool'),
  { bytes: 'untitled', mediaType: 'application/vnd.test.raw' },
];

/**
 * A gzip stream with one header byte changed (the OS field): it still decompresses to the same
 * tar, with the same uncompressed digest, so only the blob's own digest check can tell.
 */
export function alteredGzip(gzipped: Buffer): Buffer {
  const out = Buffer.from(gzipped);
  out[9] = out[9] === 3 ? 255 : 3;
  return out;
}

export interface PushedArtifact {
  descriptor: Descriptor;
  manifest: Buffer;
  layers: Descriptor[];
}

export async function pushArtifact(
  target: Pusher,
  layers: LayerSpec[],
  tag?: string,
  artifactType = 'application/vnd.test.artifact',
): Promise<PushedArtifact> {
  const descriptors: Descriptor[] = [];
  await pushBytes(target, EMPTY_CONFIG, Buffer.from('{}'));
  for (const layer of layers) {
    const bytes = Buffer.from(layer.bytes);
    const annotations: Annotations = { ...layer.annotations };
    if (layer.title !== undefined) annotations[TITLE] = layer.title;
    const descriptor: Descriptor = {
      mediaType: layer.mediaType ?? OCI_LAYER_TAR,
      digest: digestBytes(bytes),
      size: bytes.length,
      ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
    };
    await pushBytes(target, descriptor, bytes);
    descriptors.push(descriptor);
  }
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      artifactType,
      config: EMPTY_CONFIG,
      layers: descriptors,
    }),
  );
  const descriptor: Descriptor = {
    mediaType: OCI_MANIFEST,
    digest: digestBytes(manifest),
    size: manifest.length,
  };
  await target.pushManifest(descriptor, manifest, tag);
  return { descriptor, manifest, layers: descriptors };
}

export async function pushBytes(target: Pusher, descriptor: Descriptor, bytes: Buffer) {
  await target.pushBlob(
    { mediaType: descriptor.mediaType, digest: descriptor.digest, size: descriptor.size },
    { open: () => Readable.from([bytes]) },
  );
}
