// Small content for the client's tests, shared by the remote, layout and copy tests: blobs from
// bytes, manifests over them, ORAS-style artifacts, runnable-shaped images, indexes over graphs,
// and a plain push of a whole graph.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { create as createTar } from 'tar';
import type { Descriptor, ImageIndex, ImageManifest } from '../../src/oci/descriptor.js';
import { digestBytes } from '../../src/oci/digest.js';
import {
  OCI_EMPTY,
  OCI_IMAGE_CONFIG,
  OCI_INDEX,
  OCI_LAYER_TAR,
  OCI_LAYER_TAR_GZIP,
  OCI_MANIFEST,
} from '../../src/oci/media-types.js';
import type { BlobSource, Target } from '../../src/oci/target.js';

export interface Blob {
  descriptor: Descriptor;
  bytes: Buffer;
  /** Re-openable, in 16 KiB pieces as a file stream gives them. */
  source: BlobSource;
}

export function blob(content: string | Buffer, mediaType = 'application/octet-stream'): Blob {
  const bytes = Buffer.from(content);
  return {
    descriptor: { mediaType, digest: digestBytes(bytes), size: bytes.length },
    bytes,
    source: sourceOf(bytes),
  };
}

export const sourceOf = (bytes: Buffer): BlobSource => ({
  open: () => Readable.from(split(bytes, 16 * 1024)),
});

function split(bytes: Buffer, size: number): Buffer[] {
  const parts: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) parts.push(bytes.subarray(i, i + size));
  return parts;
}

/** Pseudo-random bytes that differ per seed (deterministic, so failures reproduce). */
export function randomBytes(size: number, seed = 1): Buffer {
  const out = Buffer.alloc(size);
  let x = seed * 2654435761;
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

export const emptyConfig = blob('{}', OCI_EMPTY);

export interface Manifest extends Blob {
  manifest: ImageManifest;
}

/** An image manifest over `layers`, with the empty config (push `emptyConfig` too). */
export function manifest(layers: Descriptor[], extra: Partial<ImageManifest> = {}): Manifest {
  const body: ImageManifest = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    artifactType: 'application/vnd.example.test',
    config: emptyConfig.descriptor,
    layers,
    ...extra,
  };
  return { ...blob(JSON.stringify(body), OCI_MANIFEST), manifest: body };
}

export interface Graph {
  /** The root manifest or index. */
  root: Blob;
  /** Every blob below the root, and every manifest (children before parents, root last). */
  blobs: Blob[];
  manifests: Blob[];
}

/** An ORAS-style artifact: empty config, one tar layer per file, titled. */
export function artifact(files: Record<string, string>, extra: Partial<ImageManifest> = {}): Graph {
  const layers = Object.entries(files).map(([title, text]) => {
    const layer = blob(text, OCI_LAYER_TAR);
    layer.descriptor.annotations = { 'org.opencontainers.image.title': title };
    return layer;
  });
  const root = manifest(
    layers.map((l) => l.descriptor),
    extra,
  );
  return { root, blobs: [emptyConfig, ...layers], manifests: [root] };
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
  const layer = blob(gz, OCI_LAYER_TAR_GZIP);
  const config = blob(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: {},
      rootfs: { type: 'layers', diff_ids: [digestBytes(gunzipSync(gz))] },
    }),
    OCI_IMAGE_CONFIG,
  );
  const body: ImageManifest = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: config.descriptor,
    layers: [layer.descriptor],
  };
  const root = blob(JSON.stringify(body), OCI_MANIFEST);
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
  const root = blob(JSON.stringify(index), OCI_INDEX);
  return {
    root,
    blobs: graphs.flatMap((g) => g.blobs),
    manifests: [...graphs.flatMap((g) => g.manifests), root],
  };
}

/** Pushes a graph the simple way: blobs, then manifests in order, the root tagged. */
export async function pushGraph(target: Target, graph: Graph, tag?: string): Promise<void> {
  for (const b of graph.blobs) await target.pushBlob(b.descriptor, b.source);
  for (const m of graph.manifests) {
    await target.pushManifest(m.descriptor, m.bytes, m === graph.root ? tag : undefined);
  }
}

export async function readAll(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) parts.push(chunk);
  return Buffer.concat(parts);
}

/** An artifact whose config is a platform, as `artifact-platform` (and ORAS) write it. */
export function platformArtifact(
  files: Record<string, string>,
  platform: { os: string; architecture: string; variant?: string },
): Graph {
  const config = blob(
    JSON.stringify({
      architecture: platform.architecture,
      os: platform.os,
      ...(platform.variant ? { variant: platform.variant } : {}),
    }),
    OCI_IMAGE_CONFIG,
  );
  const graph = artifact(files, { config: config.descriptor });
  return { ...graph, blobs: [config, ...graph.blobs.filter((b) => b !== emptyConfig)] };
}
