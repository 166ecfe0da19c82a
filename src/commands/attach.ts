// `attach`: an artifact whose manifest names another one as its `subject` (an SBOM, a
// signature). Pushed by digest; the target keeps the referrers index when the registry has no
// referrers API.
// https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#pushing-manifests-with-subject
import type { Descriptor } from '../oci/descriptor.js';
import { OciError } from '../oci/errors.js';
import type { Target } from '../oci/target.js';
import type { Log } from './log.js';
import type { NothingFound } from './pack/pack-artifact.js';
import { pushArtifact, type PushOptions, type PushResult } from './push/push.js';

export interface AttachOptions extends Omit<
  PushOptions,
  'subject' | 'tag' | 'artifactType' | 'groupTitle'
> {
  /** Tag or digest of the subject in the target. */
  subjectReference: string;
  /** Required: what a `discover` filters on. */
  artifactType: string;
}

export interface AttachResult extends PushResult {
  subject: Descriptor;
}

/** Attaches, or, when `files` matched nothing and if-no-files-found allows it, attaches nothing. */
export async function attachArtifact(
  target: Target,
  options: AttachOptions,
  log: Log,
): Promise<AttachResult | NothingFound> {
  const resolved = await target.resolve(options.subjectReference).catch((error: unknown) => {
    if (error instanceof OciError && error.code === 'NOT_FOUND') {
      throw new OciError(
        'NOT_FOUND',
        `the subject ${options.name}${options.subjectReference.includes(':') ? '@' : ':'}${options.subjectReference} does not exist; attach needs an existing manifest to refer to`,
        { cause: error },
      );
    }
    throw error;
  });
  const subject: Descriptor = {
    mediaType: resolved.mediaType,
    digest: resolved.digest,
    size: resolved.size,
  };
  const result = await pushArtifact(
    target,
    { ...options, subject, groupTitle: `Attach to ${options.name}@${subject.digest}` },
    log,
  );
  return result.kind === 'packed' ? { ...result, subject } : result;
}
