// Small content builders for the remote tests: blobs from bytes and manifests over them.
import { Readable } from 'node:stream';
import type { Descriptor, ImageManifest } from '../../../src/oci/descriptor.js';
import { digestBytes } from '../../../src/oci/digest.js';
import { OCI_EMPTY, OCI_MANIFEST } from '../../../src/oci/media-types.js';
import type { BlobSource } from '../../../src/oci/target.js';

export interface Blob {
  descriptor: Descriptor;
  bytes: Buffer;
  source: BlobSource;
}

export function blob(content: string | Buffer, mediaType = 'application/octet-stream'): Blob {
  const bytes = Buffer.isBuffer(content) ? content : Buffer.from(content);
  return {
    descriptor: { mediaType, digest: digestBytes(bytes), size: bytes.length },
    bytes,
    // Several small chunks, as a file stream would give.
    source: { open: () => Readable.from(split(bytes, 16 * 1024)) },
  };
}

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

export interface Manifest {
  descriptor: Descriptor;
  bytes: Buffer;
  manifest: ImageManifest;
}

export function manifest(layers: Descriptor[], extra: Partial<ImageManifest> = {}): Manifest {
  const body: ImageManifest = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    artifactType: 'application/vnd.test.artifact',
    config: emptyConfig.descriptor,
    layers,
    ...extra,
  };
  const bytes = Buffer.from(JSON.stringify(body));
  return {
    descriptor: { mediaType: OCI_MANIFEST, digest: digestBytes(bytes), size: bytes.length },
    bytes,
    manifest: body,
  };
}

export async function readAll(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) parts.push(chunk);
  return Buffer.concat(parts);
}
