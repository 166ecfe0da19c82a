// `push`: files, globs and folders → one artifact in a Target (registry or layout folder).
// Order matters: every blob first, the manifest last (so a failure tags nothing), then the
// extra tags. Cancelled, it stops before the manifest (nothing tagged) or, when the manifest was
// already on its way, finishes it first (see Cancellation).
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { shortDigest } from '../../oci/digest.js';
import { CodedError } from '../../oci/errors.js';
import type { Target } from '../../oci/target.js';
import { processCancellation, type Cancellation } from '../cancellation.js';
import { formatBytes } from '../format.js';
import type { Log } from '../log.js';
import {
  packArtifact,
  type ArtifactSpec,
  type NothingFound,
  type PackedArtifact,
} from '../pack/pack-artifact.js';
import { trackScratch } from '../scratch-paths.js';
import { pushManifestOrOlderForm } from './manifest-fallback.js';
import { reportExisting, uploadBlobs, type UploadedBlob } from './upload-blobs.js';

export interface PushOptions extends Omit<ArtifactSpec, 'tempDir'> {
  /** The manifest's tag; undefined pushes it by digest only (attach). */
  tag?: string;
  /** More tags, applied after the manifest is in. */
  tags: readonly string[];
  /** The target as users write it, for log lines: `host/repo` or the layout path. */
  name: string;
  /** Where packed folders are written (RUNNER_TEMP); a fresh folder inside is removed after. */
  tempRoot: string;
  /** Title of the log group; default `Push <name>[:<tag>]`. */
  groupTitle?: string;
  /** What stops the push from outside; default the process's (signals, `timeout`). */
  cancellation?: Cancellation;
  /**
   * The workflow chose `imageSpec`. When not, a registry that refuses the v1.1 manifest as
   * Amazon ECR does gets the v1.0 form instead (manifest-fallback.ts).
   */
  imageSpecChosen?: boolean;
}

export interface PushResult extends PackedArtifact {
  /** Every tag the manifest now has, the main one first. */
  tags: string[];
  uploads: UploadedBlob[];
}

/**
 * An extra tag failed after the manifest was in: the artifact is pushed. The error carries it,
 * so that the step's outputs still name the digest a later step or a re-run can use.
 */
export class TagsIncomplete extends CodedError<'TAGS_INCOMPLETE'> {
  override readonly name = 'TagsIncomplete';

  constructor(
    /** The artifact as pushed, with the tags it did get. */
    readonly pushed: PushResult,
    location: string,
    failedTag: string,
    cause: unknown,
  ) {
    const tagged = pushed.tags.length === 0 ? '' : ` and tagged ${pushed.tags.join(', ')}`;
    super(
      'TAGS_INCOMPLETE',
      `${location}@${pushed.descriptor.digest} is pushed${tagged}, but tagging it ${failedTag} failed`,
      { cause },
    );
  }
}

/**
 * A target, or how to open it: opened only once the artifact is packed, so bad input never
 * leaves a new, empty layout folder behind.
 */
export type TargetSource = Target | (() => Promise<Target>);

/**
 * Pushes the artifact; when `files` lines matched nothing and if-no-files-found allowed it,
 * pushes and tags nothing (the target is not even opened) and says so.
 */
export async function pushArtifact(
  targetSource: TargetSource,
  options: PushOptions,
  log: Log,
): Promise<PushResult | NothingFound> {
  const title =
    options.groupTitle ??
    `Push ${options.tag === undefined ? options.name : `${options.name}:${options.tag}`}`;
  const cancellation = options.cancellation ?? processCancellation;
  await mkdir(options.tempRoot, { recursive: true });
  const tempDir = await mkdtemp(join(options.tempRoot, 'oci-push-'));
  const untrack = trackScratch(tempDir);
  try {
    const result = await log.group(title, async () => {
      const packed = await packArtifact({ ...options, tempDir, signal: cancellation.signal }, log);
      if (packed.kind === 'nothing-found') {
        reportNothingFound(packed, options, log);
        return packed;
      }
      cancellation.throwIfRequested();
      const target = typeof targetSource === 'function' ? await targetSource() : targetSource;
      const uploads = (await target.exists(packed.descriptor))
        ? reportExisting(packed.blobs, log)
        : await uploadBlobs(target, packed.blobs, options.concurrency, log);
      // The last point at which a cancelled push stops with nothing tagged. Once sent, the
      // manifest (with the referrers index that lists it) is seen through. The artifact stored
      // may be the OCI 1.0 form of the one packed (manifest-fallback.ts).
      cancellation.throwIfRequested();
      const { artifact, result: pushed } = await cancellation.uninterruptible(() =>
        pushManifestOrOlderForm(
          target,
          packed,
          {
            ...(options.tag === undefined ? {} : { tag: options.tag }),
            mayFallBack: options.imageSpecChosen === false,
          },
          log,
        ),
      );
      const { subjectHandled } = pushed;
      log.info(
        `Pushed manifest ${shortDigest(artifact.descriptor.digest)} (${formatBytes(artifact.descriptor.size)})${options.tag === undefined ? '' : ` as ${options.tag}`}`,
      );
      if (options.subject !== undefined && !subjectHandled) {
        log.info(
          `${target.location} has no referrers API: the referrers index tagged ${options.subject.digest.replace(':', '-')} now lists this artifact`,
        );
      }
      const tags = options.tag === undefined ? [] : [options.tag];
      for (const tag of options.tags) {
        if (tags.includes(tag)) continue;
        cancellation.throwIfRequested();
        await target.tag(artifact.descriptor, tag).catch((error: unknown) => {
          throw new TagsIncomplete({ ...artifact, tags, uploads }, options.name, tag, error);
        });
        log.info(`Tagged ${tag}`);
        tags.push(tag);
      }
      return { ...artifact, tags, uploads };
    });
    if (result.kind === 'packed') log.info(`Pushed ${options.name}@${result.descriptor.digest}`);
    return result;
  } finally {
    await rm(tempDir, { recursive: true, force: true });
    untrack();
  }
}

function reportNothingFound(found: NothingFound, options: PushOptions, log: Log): void {
  const lines = options.files
    .filter((spec) => spec.kind === 'include')
    .map((spec) => JSON.stringify(spec.line))
    .join(', ');
  const message = `No files were found with the files lines ${lines} in ${options.workingDirectory}; nothing was pushed and no tag was set (if-no-files-found: ${found.ifNoFilesFound})`;
  if (found.ifNoFilesFound === 'warn') log.warning(message);
  else log.notice(message);
}
