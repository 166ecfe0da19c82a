// `attach`: an artifact whose manifest names another one as its `subject` (an SBOM, a
// signature). Pushed by digest; the target keeps the referrers index when the registry has no
// referrers API.
// https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#pushing-manifests-with-subject
import type { Descriptor, Platform } from '../oci/descriptor.js';
import { OciError } from '../oci/errors.js';
import type { Target } from '../oci/target.js';
import type { Log } from './log.js';
import type { NothingFound } from './pack/pack-artifact.js';
import { pickPlatform } from './pick-platform.js';
import { pushArtifact, type PushOptions, type PushResult } from './push/push.js';

export interface AttachOptions extends Omit<
  PushOptions,
  'subject' | 'tag' | 'artifactType' | 'groupTitle'
> {
  /** Tag or digest of the subject in the target. */
  subjectReference: string;
  /** Required: what a `discover` filters on. */
  artifactType: string;
  /** The subject is this platform's manifest when the reference is an index. */
  subjectPlatform?: Platform;
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
  const what = `${options.name}${options.subjectReference.includes(':') ? '@' : ':'}${options.subjectReference}`;
  const picked = await pickPlatform(target, resolved, options.subjectPlatform, what, log);
  const subject: Descriptor = {
    mediaType: picked.mediaType,
    digest: picked.digest,
    size: picked.size,
  };
  const result = await pushArtifact(
    target,
    { ...options, subject, groupTitle: `Attach to ${options.name}@${subject.digest}` },
    log,
  );
  return result.kind === 'packed' ? { ...result, subject } : result;
}
