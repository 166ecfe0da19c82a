// `copy`: a whole graph (index, manifests, blobs, and with `recursive` the referrers) from one
// registry or layout to another, byte for byte so the digest stays the same. Blobs stream from
// the source's fetch into the destination's upload (src/oci/copy.ts): none is held whole.
import { copyGraph, type CopyResult } from '../../oci/copy.js';
import type { Platform } from '../../oci/descriptor.js';
import { shortDigest } from '../../oci/digest.js';
import type { PushBlobOutcome, Target } from '../../oci/target.js';
import { logText } from '../../oci/untrusted-text.js';
import { formatBytes } from '../format.js';
import type { Log } from '../log.js';
import { pickPlatform } from '../pick-platform.js';
import { progressReporter } from '../progress.js';
import type { NamedTarget } from './named-target.js';
import { resolveSelected, selectedName } from './resolve.js';

export interface CopyArtifactOptions {
  /** Tag or digest in the source. */
  selector: string;
  /** Tag for the copy in the destination; by digest only when unset. */
  tag?: string;
  recursive: boolean;
  concurrency: number;
  /** Source repository, when source and destination share a registry: blobs are mounted. */
  mountFrom?: string;
  /** `host/repo` or the layout path of the destination, for the log. */
  destinationName: string;
  /** Copy only this platform's manifest of the index the source names. */
  platform?: Platform;
}

const VERB: Record<PushBlobOutcome, string> = {
  uploaded: 'Copied ',
  exists: 'Exists ',
  mounted: 'Mounted',
};

/**
 * The destination is opened only once the source resolved, so a wrong source leaves no new
 * layout folder behind.
 */
export async function copyArtifact(
  source: NamedTarget,
  openDestination: () => Promise<Target>,
  options: CopyArtifactOptions,
  log: Log,
): Promise<CopyResult> {
  const from = selectedName(source.name, options.selector);
  const to =
    options.tag === undefined
      ? options.destinationName
      : `${options.destinationName}:${options.tag}`;
  return log.group(`Copy ${from} to ${to}`, async () => {
    const named = await resolveSelected(source, options.selector);
    const root = await pickPlatform(source.target, named, options.platform, from, log);
    log.info(`Source manifest ${root.digest} (${logText(root.mediaType)})`);
    const destination = await openDestination();
    const result = await copyGraph(source.target, destination, root, {
      concurrency: options.concurrency,
      recursive: options.recursive,
      ...(options.tag === undefined ? {} : { tag: options.tag }),
      ...(options.mountFrom === undefined ? {} : { mountFrom: options.mountFrom }),
      onProgress: progressReporter(log, 'Copying'),
      onBlob: (d, outcome) =>
        log.info(`${VERB[outcome]} ${shortDigest(d.digest)} (${formatBytes(d.size)})`),
      onManifest: (d, outcome) =>
        log.info(
          `${outcome === 'copied' ? 'Copied ' : 'Exists '} manifest ${shortDigest(d.digest)} (${logText(d.mediaType)})`,
        ),
    });
    const { uploaded, exists, mounted } = result.blobs;
    log.info(
      `Copied ${options.destinationName}@${root.digest}: ${result.manifests.copied + result.manifests.exists} manifest(s), ` +
        `${uploaded} blob(s) copied (${formatBytes(result.bytesUploaded)}), ${mounted} mounted, ${exists} already there`,
    );
    return result;
  });
}
