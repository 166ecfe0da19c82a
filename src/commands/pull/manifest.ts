// The manifest a pull reads: an image manifest (OCI or Docker schema 2). An index is refused
// with the digests it lists, so the user can pick one.
import type { Descriptor, ImageManifest } from '../../oci/descriptor.js';
import { isDigest } from '../../oci/digest.js';
import { OciError } from '../../oci/errors.js';
import { checkDescriptor } from '../../oci/manifest-fields.js';
import { isIndexType, OCI_MANIFEST } from '../../oci/media-types.js';
import { formatPlatform, storedPlatform } from '../../oci/platform.js';
import { PullError } from './errors.js';

export function parseImageManifest(bytes: Buffer, where: string): ImageManifest {
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new OciError('INVALID_MANIFEST', `${where}: the manifest is not JSON`, { cause: error });
  }
  if (!isObject(json)) throw invalid(where, 'it is not a JSON object');
  const mediaType = typeof json['mediaType'] === 'string' ? json['mediaType'] : undefined;
  if ((mediaType !== undefined && isIndexType(mediaType)) || Array.isArray(json['manifests'])) {
    throw indexRefused(where, json['manifests']);
  }
  if (!Array.isArray(json['layers'])) throw invalid(where, 'it has no "layers" array');
  const layers = json['layers'].map((layer, i) => descriptorAt(layer, `layers[${i}]`, where));
  const config = descriptorAt(json['config'], 'config', where);
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: mediaType ?? OCI_MANIFEST,
    config,
    layers,
  };
  if (typeof json['artifactType'] === 'string') manifest.artifactType = json['artifactType'];
  if (isObject(json['annotations'])) manifest.annotations = stringMap(json['annotations']);
  return manifest;
}

function descriptorAt(value: unknown, field: string, where: string): Descriptor {
  const checked = checkDescriptor(value, field);
  if ('fault' in checked) throw invalid(where, checked.fault);
  const { descriptor } = checked;
  const annotations = (value as Record<string, unknown>)['annotations'];
  if (isObject(annotations)) descriptor.annotations = stringMap(annotations);
  return descriptor;
}

function indexRefused(where: string, manifests: unknown): PullError {
  const listed = Array.isArray(manifests) ? manifests.filter(isObject) : [];
  // What the index lists is shown only once checked: digests that parse, platforms neutralised.
  const choices = listed.slice(0, 10).map((m) => {
    const digest = typeof m['digest'] === 'string' && isDigest(m['digest']) ? m['digest'] : null;
    // A platform is shown only when every field of it is a plain name (storedPlatform).
    const platform = storedPlatform(m['platform']);
    return `${digest ?? '(an invalid digest)'}${platform ? ` (${formatPlatform(platform)})` : ''}`;
  });
  const more = listed.length > choices.length ? `, and ${listed.length - choices.length} more` : '';
  return new PullError(
    'UNSUPPORTED_MANIFEST',
    `${where} is an image index: give "platform" (os/arch, or auto for this runner's) to pull ` +
      `the manifest for a platform, or pull one of its manifests by digest` +
      (choices.length > 0 ? `: ${choices.join(', ')}${more}` : ' (it lists none)'),
  );
}

const invalid = (where: string, why: string): OciError =>
  new OciError('INVALID_MANIFEST', `${where}: invalid manifest: ${why}`);

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function stringMap(value: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(value)) if (typeof v === 'string') out[key] = v;
  return out;
}
