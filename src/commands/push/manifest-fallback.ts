// Registries that refuse image-spec v1.1 artifact manifests. Several Amazon ECR set-ups answer a
// manifest that carries `artifactType` with HTTP 405 (some with 400) and `UNSUPPORTED: Invalid
// parameter at 'ImageManifest' failed to satisfy constraint: 'Invalid JSON syntax'` (oras#1133,
// oras#1224, aws/containers-roadmap#2783). docker compose and containers/image push the OCI 1.0
// form then; so does push, when the workflow left image-spec to it, and says so. The OCI 1.0
// form has no `artifactType` (the config's media type carries the type) and no `subject`, so an
// attach cannot fall back: its error says why.
import { digestBytes } from '../../oci/digest.js';
import { RegistryError } from '../../oci/errors.js';
import { OCI_MANIFEST } from '../../oci/media-types.js';
import type { PushManifestResult, Target } from '../../oci/target.js';
import { logText } from '../../oci/untrusted-text.js';
import type { Log } from '../log.js';
import { buildManifest, manifestBytes } from '../pack/manifest.js';
import type { PackedArtifact } from '../pack/pack-artifact.js';
import { SpecError } from '../pack/spec-error.js';

/**
 * Whether the registry refused a manifest the way ECR refuses OCI 1.1 artifact manifests: by its
 * status and error code, never by its words where it gave a code. HTTP 405, whatever the body;
 * HTTP 400 with the code UNSUPPORTED; or HTTP 400 without any code of the distribution spec
 * (a plain-text body) whose message says "Invalid JSON syntax".
 */
export function refusesArtifactManifests(error: unknown): error is RegistryError {
  if (!(error instanceof RegistryError)) return false;
  if (error.status === 405) return true;
  if (error.status !== 400) return false;
  if (error.errors.some((e) => e.code === 'UNSUPPORTED')) return true;
  const coded = error.errors.some((e) => e.code !== 'UNKNOWN');
  return !coded && error.errors.some((e) => (e.message ?? '').includes('Invalid JSON syntax'));
}

/** The same artifact as an image-spec v1.0 manifest, or why it has no such form. */
export function olderForm(artifact: PackedArtifact): PackedArtifact | { impossible: string } {
  let manifest;
  try {
    manifest = buildManifest({ ...artifact.plan, imageSpec: 'v1.0' });
  } catch (error) {
    if (!(error instanceof SpecError)) throw error;
    return {
      impossible:
        artifact.plan.subject !== undefined
          ? 'an attached artifact needs the subject field of OCI 1.1, which the OCI 1.0 form lacks'
          : 'the config media type differs from the artifact type, and the OCI 1.0 form has room for one only',
    };
  }
  const bytes = manifestBytes(manifest);
  // The same blobs: the config's bytes are the same whatever media type names them.
  return {
    ...artifact,
    plan: { ...artifact.plan, imageSpec: 'v1.0' },
    manifest,
    bytes,
    descriptor: { mediaType: OCI_MANIFEST, digest: digestBytes(bytes), size: bytes.length },
  };
}

export interface ManifestPush {
  /** The manifest's tag; by digest only when undefined. */
  tag?: string;
  /** The workflow left image-spec empty: push may fall back to the OCI 1.0 form. */
  mayFallBack: boolean;
}

/**
 * Pushes the artifact's manifest; when the registry refuses the OCI 1.1 form as ECR does and the
 * image-spec is ours to choose, pushes the OCI 1.0 form instead, with a warning. Returns the
 * artifact actually stored.
 */
export async function pushManifestOrOlderForm(
  target: Target,
  artifact: PackedArtifact,
  push: ManifestPush,
  log: Log,
): Promise<{ artifact: PackedArtifact; result: PushManifestResult }> {
  try {
    const result = await target.pushManifest(artifact.descriptor, artifact.bytes, push.tag);
    return { artifact, result };
  } catch (error) {
    if (artifact.plan.imageSpec !== 'v1.1' || !refusesArtifactManifests(error)) throw error;
    const older = olderForm(artifact);
    if ('impossible' in older) throw withHint(error, `${REFUSED}; ${older.impossible}`);
    if (!push.mayFallBack) {
      throw withHint(
        error,
        `${REFUSED}; leave image-spec empty to let push fall back to the OCI 1.0 form by itself, or set image-spec: v1.0`,
      );
    }
    log.warning(
      `${target.location} refused the OCI 1.1 manifest (${answer(error)}), as Amazon ECR does ` +
        `with manifests that carry artifactType; pushing the OCI 1.0 form instead (image-spec ` +
        `v1.0: the artifact type is the config's media type; another digest). Set image-spec to ` +
        `v1.0 to push that form at once, or to v1.1 to fail instead`,
    );
    try {
      const result = await target.pushManifest(older.descriptor, older.bytes, push.tag);
      return { artifact: older, result };
    } catch (second) {
      if (!(second instanceof RegistryError)) throw second;
      throw withHint(second, `the OCI 1.1 form was refused before (${answer(error)})`);
    }
  }
}

const REFUSED =
  'this registry refuses OCI 1.1 manifests with artifactType, as some Amazon ECR set-ups do';

/** `HTTP 405: UNSUPPORTED: …`, the registry's words neutralised. */
function answer(error: RegistryError): string {
  const first = error.errors[0];
  const words =
    first === undefined ? '' : `: ${first.code}${first.message ? `: ${first.message}` : ''}`;
  return logText(`HTTP ${error.status}${words}`);
}

function withHint(error: RegistryError, hint: string): RegistryError {
  return new RegistryError(error.code, {
    operation: error.operation,
    reference: error.reference,
    ...(error.status === undefined ? {} : { status: error.status }),
    errors: error.errors,
    hint: error.hint === undefined ? hint : `${error.hint}; ${hint}`,
    cause: error.cause,
  });
}
