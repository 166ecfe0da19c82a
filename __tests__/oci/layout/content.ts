// Small content graphs for layout and copy tests: real OCI images (skopeo copies them) and
// ORAS-style artifacts.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { create as createTar } from 'tar';
import type { Descriptor, ImageIndex, ImageManifest } from '../../../src/oci/descriptor.js';
import { digestBytes } from '../../../src/oci/digest.js';
import {
  OCI_EMPTY,
  OCI_IMAGE_CONFIG,
  OCI_INDEX,
  OCI_LAYER_TAR,
  OCI_LAYER_TAR_GZIP,
  OCI_MANIFEST,
} from '../../../src/oci/media-types.js';
import type { Target } from '../../../src/oci/target.js';

export interface Blob {
  descriptor: Descriptor;
  bytes: Buffer;
}

export function blobOf(mediaType: string, bytes: Buffer | string): Blob {
  const data = Buffer.from(bytes);
  return { descriptor: { mediaType, digest: digestBytes(data), size: data.length }, bytes: data };
}

export const sourceOf = (bytes: Buffer) => ({
  open: () => Readable.from([bytes]),
});

export interface Graph {
  /** The root manifest or index. */
  root: Blob;
  /** Every blob and manifest below the root, children before parents. */
  blobs: Blob[];
  manifests: Blob[];
}

/** An ORAS-style artifact: empty config, one tar layer per file. */
export function artifact(files: Record<string, string>, extra: Partial<ImageManifest> = {}): Graph {
  const config = blobOf(OCI_EMPTY, '{}');
  const layers = Object.entries(files).map(([title, text]) => {
    const layer = blobOf(OCI_LAYER_TAR, text);
    layer.descriptor.annotations = { 'org.opencontainers.image.title': title };
    return layer;
  });
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    artifactType: 'application/vnd.example.test',
    config: config.descriptor,
    layers: layers.map((l) => l.descriptor),
    ...extra,
  };
  const root = blobOf(OCI_MANIFEST, JSON.stringify(manifest));
  return { root, blobs: [config, ...layers], manifests: [root] };
}

/** A runnable-shaped OCI image (gzipped tar layer, image config with diff_ids). */
export async function image(workDir: string, text: string): Promise<Graph> {
  const dir = join(workDir, `image-${digestBytes(text).slice(7, 19)}`);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'hello.txt'), text);
  const tarFile = join(workDir, `${digestBytes(text).slice(7, 19)}.tar.gz`);
  await createTar({ gzip: true, file: tarFile, cwd: dir, portable: true, mtime: new Date(0) }, [
    'hello.txt',
  ]);
  const gz = await readFile(tarFile);
  const layer = blobOf(OCI_LAYER_TAR_GZIP, gz);
  const config = blobOf(
    OCI_IMAGE_CONFIG,
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: {},
      rootfs: { type: 'layers', diff_ids: [digestBytes(gunzipSync(gz))] },
    }),
  );
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: config.descriptor,
    layers: [layer.descriptor],
  };
  const root = blobOf(OCI_MANIFEST, JSON.stringify(manifest));
  return { root, blobs: [config, layer], manifests: [root] };
}

/** An index over the given graphs. */
export function indexOf(graphs: Graph[]): Graph {
  const index: ImageIndex = {
    schemaVersion: 2,
    mediaType: OCI_INDEX,
    manifests: graphs.map((g, i) => ({
      ...g.root.descriptor,
      platform: { architecture: i === 0 ? 'amd64' : 'arm64', os: 'linux' },
    })),
  };
  const root = blobOf(OCI_INDEX, JSON.stringify(index));
  return {
    root,
    blobs: graphs.flatMap((g) => g.blobs),
    manifests: [...graphs.flatMap((g) => g.manifests), root],
  };
}

/** Pushes a graph the simple way: blobs, then manifests in order, the root tagged. */
export async function pushGraph(target: Target, graph: Graph, tag?: string): Promise<void> {
  for (const blob of graph.blobs) await target.pushBlob(blob.descriptor, sourceOf(blob.bytes));
  for (const m of graph.manifests) {
    await target.pushManifest(m.descriptor, m.bytes, m === graph.root ? tag : undefined);
  }
}

export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
