// What a manifest or index points at: the edges of the content graph that copy walks and the
// layout store scans for referrers.
// https://github.com/opencontainers/image-spec/blob/v1.1.0/manifest.md
// https://github.com/opencontainers/image-spec/blob/v1.1.0/image-index.md
import type { Annotations, Descriptor } from './descriptor.js';
import { parseDigest } from './digest.js';
import { OciError } from './errors.js';
import { hasDescriptorShape } from './manifest-fields.js';
import { isIndexType, isManifestType, OCI_INDEX, OCI_MANIFEST } from './media-types.js';

export interface ManifestLinks {
  mediaType: string;
  /** `artifactType`, else (image manifests) the config's media type, as the referrers API does. */
  artifactType?: string;
  annotations?: Annotations;
  subject?: Descriptor;
  /** Config then layers (manifest), or the listed manifests (index); never the subject. */
  children: Descriptor[];
}

/**
 * A descriptor whose digest parses: digests from a manifest become paths (a layout's blobs),
 * URLs and outputs, so one such as `sha256:../../x` is refused here, where it is read.
 */
function checkedDescriptor(value: unknown, field: string, what: string): Descriptor {
  if (!hasDescriptorShape(value)) {
    throw new OciError('INVALID_MANIFEST', `${what}: ${field} is not a descriptor`);
  }
  try {
    parseDigest(value.digest);
  } catch (error) {
    throw new OciError(
      'INVALID_MANIFEST',
      `${what}: ${field} has an invalid digest: ${(error as Error).message}`,
      { cause: error },
    );
  }
  return value;
}

/** Parses manifest bytes far enough to follow its edges; `what` names it in errors. */
export function parseManifestLinks(bytes: Uint8Array, what: string): ManifestLinks {
  let json: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(bytes).toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error();
    json = parsed as Record<string, unknown>;
  } catch {
    throw new OciError('INVALID_MANIFEST', `${what} is not a JSON object`);
  }
  const declared = typeof json['mediaType'] === 'string' ? json['mediaType'] : undefined;
  const isIndex = declared ? isIndexType(declared) : Array.isArray(json['manifests']);
  const mediaType = declared ?? (isIndex ? OCI_INDEX : OCI_MANIFEST);

  const children: Descriptor[] = [];
  const take = (value: unknown, field: string): void => {
    children.push(checkedDescriptor(value, field, what));
  };
  if (isIndex) {
    if (!Array.isArray(json['manifests'])) {
      throw new OciError('INVALID_MANIFEST', `${what}: an index needs a manifests array`);
    }
    json['manifests'].forEach((d, i) => take(d, `manifests[${i}]`));
  } else {
    if (json['config'] !== undefined) take(json['config'], 'config');
    const layers = json['layers'] ?? [];
    if (!Array.isArray(layers)) {
      throw new OciError('INVALID_MANIFEST', `${what}: layers is not an array`);
    }
    layers.forEach((d, i) => take(d, `layers[${i}]`));
  }

  const links: ManifestLinks = { mediaType, children };
  const artifactType =
    typeof json['artifactType'] === 'string'
      ? json['artifactType']
      : !isIndex && hasDescriptorShape(json['config'])
        ? json['config'].mediaType
        : undefined;
  if (artifactType !== undefined) links.artifactType = artifactType;
  if (json['subject'] !== undefined && json['subject'] !== null)
    links.subject = checkedDescriptor(json['subject'], 'subject', what);
  const annotations = json['annotations'];
  if (typeof annotations === 'object' && annotations !== null && !Array.isArray(annotations)) {
    links.annotations = annotations as Annotations;
  }
  return links;
}

/** Whether a descriptor names a manifest or index (fetched whole) rather than a plain blob. */
export const isManifestDescriptor = (d: Descriptor): boolean => isManifestType(d.mediaType);

/** The descriptor a referrers listing shows for a manifest. */
export function referrerDescriptor(manifest: Descriptor, links: ManifestLinks): Descriptor {
  const out: Descriptor = {
    mediaType: manifest.mediaType,
    digest: manifest.digest,
    size: manifest.size,
  };
  if (links.artifactType !== undefined) out.artifactType = links.artifactType;
  if (links.annotations !== undefined) out.annotations = links.annotations;
  return out;
}
