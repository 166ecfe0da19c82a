// `command: pull`: inputs → the pull command → outputs and job summary.
import * as core from '@actions/core';
import { openTarget } from '../../commands/open-target.js';
import { runnerToolCache, type ArtifactCache } from '../../commands/pull/artifact-cache.js';
import { pullAll, type PullResult } from '../../commands/pull/pull.js';
import { isDigest } from '../../oci/digest.js';
import { actionLog } from '../log.js';
import { warnAboutLargeOutputs } from '../output-size.js';
import { setOutputs } from '../outputs.js';
import { targetName } from '../inputs/push.js';
import { readPullInputs, type PullInputs, type PullReference } from '../inputs/pull.js';
import { pullSummaryMarkdown } from '../summary/pull.js';
import { writeSummary } from '../summary/write.js';

/** Reads the inputs of `command: pull`, runs it, and writes its outputs and job summary. */
export async function runPull(): Promise<void> {
  const inputs = readPullInputs();
  const cache = inputs.cache ? toolCache() : undefined;
  const items = [];
  for (const reference of inputs.references) {
    items.push({
      source: await openTarget(reference.target),
      selector: reference.selector,
      outputDir: reference.outputDir,
      ...(reference.expectedDigest ? { expectedDigest: reference.expectedDigest } : {}),
    });
  }
  const results = await pullAll({
    ...inputs.options,
    items,
    merge: inputs.merge,
    root: inputs.outputDir,
    ...(cache ? { cache } : {}),
    log: actionLog,
  });
  await report(inputs, results);
}

/** The runner's tool cache, when the runner has one. */
function toolCache(): ArtifactCache | undefined {
  if (process.env['RUNNER_TOOL_CACHE']) return runnerToolCache;
  core.warning('cache: true, but RUNNER_TOOL_CACHE is not set; pulling without the cache');
  return undefined;
}

const filesOf = (result: PullResult) =>
  result.files.map(({ path, title, mediaType, digest, size }) => ({
    path,
    title,
    mediaType,
    digest,
    size,
  }));

/**
 * One reference: `digest`, `reference`, `manifest` and the rest describe it. Several: `pulled`
 * lists them, `files` holds the files of all, `path` is the folder that holds them.
 */
async function report(inputs: PullInputs, results: readonly PullResult[]): Promise<void> {
  const pinned = (reference: PullReference, result: PullResult) =>
    `${targetName(reference.target)}@${result.descriptor.digest}`;
  const pairs = results.map((result, i) => ({
    reference: inputs.references[i] as PullReference,
    result,
  }));
  // Compact JSON, so later steps can fromJSON() it.
  const files = JSON.stringify(results.flatMap(filesOf));
  const pulled = JSON.stringify(
    pairs.map(({ reference, result }) => ({
      reference: pinned(reference, result),
      digest: result.descriptor.digest,
      path: result.outputDir,
      files: filesOf(result),
    })),
  );
  const only = pairs.length === 1 ? pairs[0] : undefined;
  if (only !== undefined) {
    const { result } = only;
    // The exact bytes whose digest is `digest`.
    const manifest = result.manifest.toString('utf8');
    setOutputs({
      digest: result.descriptor.digest,
      reference: pinned(only.reference, result),
      path: result.outputDir,
      'media-type': result.descriptor.mediaType,
      'artifact-type': result.artifactType,
      size: result.descriptor.size,
      manifest,
      files,
      pulled,
    });
    warnAboutLargeOutputs({ files, manifest, pulled }, '"reference" (or "digest")');
  } else {
    setOutputs({ path: inputs.outputDir, files, pulled });
    warnAboutLargeOutputs({ files, pulled }, 'the references (or digests) of "pulled"');
  }
  await writeSummary(
    pairs.flatMap(({ reference, result }) => [
      pullSummaryMarkdown({
        source: `${targetName(reference.target)}${isDigest(reference.selector) ? '@' : ':'}${reference.selector}`,
        reference: pinned(reference, result),
        digest: result.descriptor.digest,
        artifactType: result.artifactType,
        outputDir: result.outputDir,
        files: result.files,
        skipped: result.skipped,
        downloaded: result.downloaded,
        fromCache: result.fromCache,
      }),
    ]),
  );
}
