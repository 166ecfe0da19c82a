// Image manifests for artifacts, as image-spec v1.1 recommends and as ORAS writes them.
// https://github.com/opencontainers/image-spec/blob/v1.1.0/manifest.md#guidelines-for-artifact-usage
import {
  plainDescriptor,
  type Annotations,
  type Descriptor,
  type ImageManifest,
} from '../../oci/descriptor.js';
import { digestBytes } from '../../oci/digest.js';
import {
  OCI_EMPTY,
  OCI_MANIFEST,
  UNKNOWN_ARTIFACT,
  UNKNOWN_CONFIG,
} from '../../oci/media-types.js';
import { SpecError } from './spec-error.js';

export type ImageSpec = 'v1.0' | 'v1.1';
export const IMAGE_SPECS: readonly ImageSpec[] = ['v1.1', 'v1.0'];

/** The two bytes `{}`. */
export const EMPTY_JSON = Buffer.from('{}');

/** The empty descriptor, with its content inline (image-spec v1.1). */
export const EMPTY_DESCRIPTOR: Descriptor = {
  mediaType: OCI_EMPTY,
  digest: digestBytes(EMPTY_JSON),
  size: EMPTY_JSON.length,
  data: EMPTY_JSON.toString('base64'),
};

export interface ConfigBlob {
  digest: Descriptor['digest'];
  size: number;
  /** From `config: path:type`, when given. */
  mediaType?: string;
}

export interface ManifestPlan {
  imageSpec: ImageSpec;
  artifactType?: string;
  /** A config file; the empty `{}` config when absent. */
  config?: ConfigBlob;
  configAnnotations?: Annotations;
  layers: readonly Descriptor[];
  subject?: Descriptor;
  annotations?: Annotations;
}

/** The config descriptor the plan calls for. */
export function configDescriptor(plan: ManifestPlan): Descriptor {
  const { imageSpec, artifactType, config } = plan;
  let descriptor: Descriptor;
  if (imageSpec === 'v1.1') {
    if (config !== undefined && artifactType === undefined) {
      throw new SpecError(
        'artifact-type',
        '',
        'an artifact type when "config" is given with image-spec v1.1 (the config media type is not the artifact type there)',
      );
    }
    descriptor =
      config === undefined
        ? { ...EMPTY_DESCRIPTOR }
        : {
            mediaType: config.mediaType ?? UNKNOWN_CONFIG,
            digest: config.digest,
            size: config.size,
          };
  } else {
    // v1.0: the config media type is the artifact type.
    if (
      config?.mediaType !== undefined &&
      artifactType !== undefined &&
      config.mediaType !== artifactType
    ) {
      throw new SpecError(
        'artifact-type',
        artifactType,
        `no artifact type, or the same as the config media type "${config.mediaType}": with image-spec v1.0 the config media type is the artifact type`,
      );
    }
    const mediaType = config?.mediaType ?? artifactType ?? UNKNOWN_CONFIG;
    descriptor =
      config === undefined
        ? { mediaType, digest: EMPTY_DESCRIPTOR.digest, size: EMPTY_DESCRIPTOR.size }
        : { mediaType, digest: config.digest, size: config.size };
  }
  if (plan.configAnnotations !== undefined && Object.keys(plan.configAnnotations).length > 0) {
    descriptor.annotations = plan.configAnnotations;
  }
  return descriptor;
}

export function buildManifest(plan: ManifestPlan): ImageManifest {
  if (plan.imageSpec === 'v1.0' && plan.subject !== undefined) {
    throw new SpecError(
      'image-spec',
      'v1.0',
      'v1.1: a manifest with a subject (attach) needs image-spec v1.1',
    );
  }
  const config = plainDescriptor(configDescriptor(plan));
  const layers =
    plan.layers.length > 0
      ? plan.layers.map(plainDescriptor)
      : plan.imageSpec === 'v1.1'
        ? [plainDescriptor(EMPTY_DESCRIPTOR)]
        : [];
  // Key order as ORAS writes it: schemaVersion, mediaType, artifactType, config, layers, …
  const manifest: ImageManifest =
    plan.imageSpec === 'v1.1'
      ? {
          schemaVersion: 2,
          mediaType: OCI_MANIFEST,
          artifactType: plan.artifactType ?? UNKNOWN_ARTIFACT,
          config,
          layers,
        }
      : { schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers };
  if (plan.subject !== undefined) {
    manifest.subject = {
      mediaType: plan.subject.mediaType,
      digest: plan.subject.digest,
      size: plan.subject.size,
    };
  }
  if (plan.annotations !== undefined && Object.keys(plan.annotations).length > 0) {
    manifest.annotations = plan.annotations;
  }
  return manifest;
}

/** The artifact type a reader sees: `artifactType`, else the config media type (v1.0). */
export const artifactTypeOf = (manifest: ImageManifest): string =>
  manifest.artifactType ?? manifest.config.mediaType;

/** Compact JSON, as the digest is taken over these exact bytes. */
export const manifestBytes = (manifest: ImageManifest): Buffer =>
  Buffer.from(JSON.stringify(manifest));
