// Uploads the blobs of one artifact, at most `concurrency` requests at a time (fewer of them
// large: see src/oci/transfer-slots.ts), skipping what the target already has, with one log line
// per blob and progress for the big ones.
import { Readable } from 'node:stream';
import { shortDigest } from '../../oci/digest.js';
import type { BlobSource, PushBlobOutcome, Target } from '../../oci/target.js';
import { mapTransfers } from '../../oci/transfers.js';
import { formatBytes } from '../format.js';
import type { Log } from '../log.js';
import { CodedError } from '../../oci/errors.js';
import { checkedStream, digestChecked, FileChangedError } from '../pack/checked-file.js';
import type { BlobToPush } from '../pack/pack-artifact.js';
import { progressReporter } from '../progress.js';

/** Blobs above this size get an `Uploading` line and progress lines; smaller ones are quick. */
const BIG_BLOB = 8 * 1024 * 1024;

export interface UploadedBlob {
  blob: BlobToPush;
  outcome: PushBlobOutcome;
}

const VERB: Record<PushBlobOutcome, string> = {
  uploaded: 'Uploaded',
  exists: 'Exists  ',
  mounted: 'Mounted ',
};

/** `Uploaded report.json sha256:0123456789ab (27 B)` */
function line(verb: string, blob: BlobToPush): string {
  return `${verb} ${blob.label} ${shortDigest(blob.descriptor.digest)} (${formatBytes(blob.descriptor.size)})`;
}

/**
 * Re-opened for every attempt, so a retried upload never reads a used stream; each open proves
 * the file is still the one that was checked and hashed. A file that changed is not retried.
 */
function blobSource(blob: BlobToPush): BlobSource {
  const { source } = blob;
  return 'file' in source
    ? {
        open: () => checkedStream(source.file),
        isOwnFailure: (error) => error instanceof FileChangedError,
      }
    : { open: () => Readable.from([source.bytes]) };
}

export async function uploadBlobs(
  target: Target,
  blobs: readonly BlobToPush[],
  concurrency: number,
  log: Log,
): Promise<UploadedBlob[]> {
  const onProgress = progressReporter(log, 'Uploading', { minSize: BIG_BLOB });
  const sizeOf = (blob: BlobToPush): number => blob.descriptor.size;
  // The shared signal stops the uploads still running at the first failure.
  return mapTransfers(blobs, concurrency, sizeOf, async (blob, { signal }) => {
    // pushBlob decides which blobs are worth an existence check; a big blob is checked here
    // instead, so that its `Uploading` line is not printed for nothing (and not twice).
    const big = blob.descriptor.size > BIG_BLOB;
    let outcome: PushBlobOutcome;
    if (big && (await target.exists(blob.descriptor))) {
      outcome = 'exists';
    } else {
      if (big) log.info(line('Uploading', blob));
      outcome = await target
        .pushBlob(blob.descriptor, blobSource(blob), {
          onProgress,
          signal,
          ...(big ? { skipExistenceCheck: true } : {}),
        })
        .catch((error: unknown) => whenRewritten(blob, error));
    }
    log.info(line(VERB[outcome], blob));
    return { blob, outcome };
  });
}

/**
 * The target found other bytes than the digest: a file rewritten in place (same inode, same
 * size) since it was hashed reads as that. Hashed again, such a file says so by name; otherwise
 * (bytes changed on the way) the target's error stands.
 */
async function whenRewritten(blob: BlobToPush, error: unknown): Promise<never> {
  const { source } = blob;
  if (!(error instanceof CodedError && error.code === 'DIGEST_MISMATCH') || !('file' in source)) {
    throw error;
  }
  const now = await digestChecked(source.file).catch(() => undefined);
  if (now === undefined || now.digest === blob.descriptor.digest) throw error;
  throw new FileChangedError(source.file.path, 'was rewritten in place', { cause: error });
}

/**
 * The outcome for blobs a manifest already in the target vouches for: registries accept a
 * manifest only once its blobs are in the repository, so one check replaces one per blob.
 */
export function reportExisting(blobs: readonly BlobToPush[], log: Log): UploadedBlob[] {
  return blobs.map((blob) => {
    log.info(line(VERB.exists, blob));
    return { blob, outcome: 'exists' };
  });
}
