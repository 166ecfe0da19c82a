// Image indexes as this client reads and writes them: entries checked far enough to be chosen
// or edited (digest, size, platform), everything else kept as the author wrote it, and new
// indexes written in a fixed key order so the same entries always give the same digest.
// https://github.com/opencontainers/image-spec/blob/v1.1.0/image-index.md
import type { Annotations, Descriptor, Platform } from './descriptor.js';
import { digestBytes } from './digest.js';
import { OciError } from './errors.js';
import { checkDescriptor } from './manifest-fields.js';
import { OCI_INDEX } from './media-types.js';
import { canonicalPlatform, storedPlatform } from './platform.js';

type Json = Record<string, unknown>;

export interface IndexEntry {
  /** mediaType, digest and size, checked. */
  descriptor: Descriptor;
  /** Undefined when the entry has none, or one that is not a plain os/architecture. */
  platform?: Platform;
  /** The entry as written, kept whole when an update leaves it alone. */
  raw: Json;
}

export interface ParsedIndex {
  entries: IndexEntry[];
  /** The index as written (its `manifests` are the entries' `raw`). */
  raw: Json;
}

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function parseImageIndex(bytes: Uint8Array, what: string): ParsedIndex {
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    throw new OciError('INVALID_MANIFEST', `${what} is not JSON`);
  }
  if (!isObject(raw) || !Array.isArray(raw['manifests'])) {
    throw new OciError('INVALID_MANIFEST', `${what} is not an image index (no manifests array)`);
  }
  const entries = raw['manifests'].map((value, i) =>
    indexEntryOf(value, `${what}: manifests[${i}]`),
  );
  return { entries, raw };
}

function indexEntryOf(value: unknown, what: string): IndexEntry {
  // Its mediaType is sent in an Accept header and printed when the entry is chosen: a media
  // type only.
  const checked = checkDescriptor(value, what, { validMediaType: true });
  if ('fault' in checked) throw new OciError('INVALID_MANIFEST', checked.fault);
  const raw = value as Json;
  const platform = storedPlatform(raw['platform']);
  return {
    descriptor: checked.descriptor,
    ...(platform ? { platform } : {}),
    raw,
  };
}

export interface NewEntry {
  descriptor: Descriptor;
  platform?: Platform;
}

/**
 * An index entry in Go's descriptor key order: mediaType, digest, size, platform. Without the
 * manifest's `artifactType`, which ORAS copies in: containers/image before image-spec 1.1
 * (skopeo 1.9, podman 4.3) cannot copy an index whose entries have it without re-writing it,
 * which changes every digest.
 */
export function entryJson(entry: NewEntry): Json {
  const { mediaType, digest, size } = entry.descriptor;
  const out: Json = { mediaType, digest, size };
  if (entry.platform) out['platform'] = canonicalPlatform(entry.platform);
  return out;
}

export interface IndexContent {
  artifactType?: string;
  /** Entries in the order they are listed. */
  manifests: Json[];
  /** Kept from an index being updated. */
  subject?: unknown;
  annotations?: Annotations;
}

export interface BuiltIndex {
  descriptor: Descriptor;
  bytes: Buffer;
}

/**
 * Compact JSON with Go's key order (schemaVersion, mediaType, artifactType, manifests, subject,
 * annotations) and no timestamp: the same content always gives the same bytes.
 */
export function buildImageIndex(content: IndexContent): BuiltIndex {
  const index: Json = { schemaVersion: 2, mediaType: OCI_INDEX };
  if (content.artifactType) index['artifactType'] = content.artifactType;
  index['manifests'] = content.manifests;
  if (content.subject !== undefined) index['subject'] = content.subject;
  if (content.annotations && Object.keys(content.annotations).length > 0) {
    index['annotations'] = content.annotations;
  }
  const bytes = Buffer.from(JSON.stringify(index));
  return {
    descriptor: { mediaType: OCI_INDEX, digest: digestBytes(bytes), size: bytes.length },
    bytes,
  };
}
