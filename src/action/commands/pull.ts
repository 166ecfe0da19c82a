// `command: pull`: inputs → the pull command → outputs and job summary.
import { openTarget } from '../../commands/open-target.js';
import { runnerToolCache, type ArtifactCache } from '../../commands/pull/artifact-cache.js';
import { pull, type PullResult } from '../../commands/pull/pull.js';
import { actionLog } from '../log.js';
import { warnAboutLargeOutputs } from '../output-size.js';
import { setOutputs } from '../outputs.js';
import { targetName } from '../inputs/push.js';
import { readPullInputs, type PullInputs } from '../inputs/pull.js';
import { pullSummaryMarkdown } from '../summary/pull.js';
import { writeSummary } from '../summary/write.js';

/** Reads the inputs of `command: pull`, runs it, and writes its outputs and job summary. */
export async function runPull(): Promise<void> {
  const inputs = readPullInputs();
  const source = await openTarget(inputs.target);
  const cache = inputs.cache ? toolCache() : undefined;
  const result = await pull({
    source,
    selector: inputs.selector,
    ...inputs.options,
    ...(cache ? { cache } : {}),
    log: actionLog,
  });
  await report(inputs, result);
}

/** The runner's tool cache, when the runner has one. */
function toolCache(): ArtifactCache | undefined {
  if (process.env['RUNNER_TOOL_CACHE']) return runnerToolCache;
  actionLog.warning('cache: true, but RUNNER_TOOL_CACHE is not set; pulling without the cache');
  return undefined;
}

async function report(inputs: PullInputs, result: PullResult): Promise<void> {
  const name = targetName(inputs.target);
  const digest = result.descriptor.digest;
  const reference = `${name}@${digest}`;
  // Compact JSON, so later steps can fromJSON() it.
  const files = JSON.stringify(
    result.files.map(({ path, title, mediaType, digest, size }) => ({
      path,
      title,
      mediaType,
      digest,
      size,
    })),
  );
  // The exact bytes whose digest is `digest`.
  const manifest = result.manifest.toString('utf8');
  setOutputs({
    digest,
    reference,
    path: result.outputDir,
    'media-type': result.descriptor.mediaType,
    'artifact-type': result.artifactType,
    size: result.descriptor.size,
    manifest,
    files,
  });
  warnAboutLargeOutputs({ files, manifest }, '"reference" (or "digest")');
  await writeSummary(
    pullSummaryMarkdown({
      name,
      selector: inputs.selector,
      reference,
      digest,
      artifactType: result.artifactType,
      outputDir: result.outputDir,
      files: result.files,
      skipped: result.skipped,
      downloaded: result.downloaded,
      fromCache: result.fromCache,
    }),
  );
}
