// `command: pull`: inputs → the pull command → outputs and job summary.
import { runnerToolCache, type ArtifactCache } from '../../commands/pull/artifact-cache.js';
import { pullAll } from '../../commands/pull/pull.js';
import type { PullResult } from '../../commands/pull/pull-types.js';
import { actionLog } from '../log.js';
import { warnAboutLargeOutputs } from '../output-size.js';
import { setOutputs } from '../outputs.js';
import { pickReferrer } from '../../commands/pull/pick-referrer.js';
import { openNamedTarget } from '../../commands/registry/named-target.js';
import { targetName } from '../../commands/target-spec.js';
import {
  readPullInputs,
  type PullInputs,
  type PullReference,
  type PullSubject,
} from '../inputs/pull.js';
import { readString } from '../inputs/read.js';
import { code, factsMarkdown, headingName } from '../summary/markdown.js';
import { pullSummaryMarkdown } from '../summary/pull.js';
import { writeSummary } from '../summary/write.js';

/** Reads the inputs of `command: pull`, runs it, and writes its outputs and job summary. */
export async function runPull(): Promise<void> {
  const inputs = readPullInputs();
  if (inputs.subject === undefined && readString('artifact-type') !== '') {
    // The table of inputs counts it as pull's, but only "subject" reads it.
    actionLog.warning(
      'Input "artifact-type" is not used by pull without "subject"; did you mean "media-types" (pull only layers of these types)?',
    );
  }
  const cache = inputs.cache ? toolCache() : undefined;
  const found = inputs.subject && (await findReferrer(inputs.subject, inputs));
  const references = found ? [found.reference] : inputs.references;
  const items = [];
  for (const reference of references) {
    const store = await openNamedTarget(reference.target, actionLog);
    items.push({
      source: store.target,
      ...(store.inCatalog ? { inCatalog: store.inCatalog } : {}),
      selector: reference.selector,
      outputDir: reference.outputDir,
      ...(reference.expectedDigest ? { expectedDigest: reference.expectedDigest } : {}),
    });
  }
  // With `subject`, `platform` chose the subject; the referrer found is pulled as it is.
  const { platform, ...options } = inputs.options;
  const results = await pullAll({
    ...options,
    ...(platform && !found ? { platform } : {}),
    items,
    merge: inputs.merge,
    root: inputs.outputDir,
    ...(cache ? { cache } : {}),
    log: actionLog,
  });
  await report(inputs, references, results, found?.summary ?? []);
}

/** The referrer `subject` + `artifact-type` name, as the reference to pull. */
async function findReferrer(
  subject: PullSubject,
  inputs: PullInputs,
): Promise<{ reference: PullReference; summary: string[] }> {
  const store = await openNamedTarget(subject.target, actionLog);
  const choice = await pickReferrer(
    store,
    subject.selector,
    subject.artifactType,
    inputs.options.platform,
    actionLog,
  );
  const facts: [string, string][] = [
    ['Subject', code(`${store.name}@${choice.subject.digest}`)],
    ['Artifact type', code(subject.artifactType)],
    ['Referrers of that type', String(choice.candidates)],
    [
      'Chosen',
      `${code(choice.referrer.digest)}, ` +
        (choice.created === undefined
          ? 'the last listed (none has a creation time)'
          : `the newest (created ${code(choice.created)})`),
    ],
  ];
  return {
    reference: {
      target: subject.target,
      selector: choice.referrer.digest,
      outputDir: inputs.outputDir,
    },
    summary: factsMarkdown(`Referrer of ${code(headingName(store.name, subject.selector))}`, facts),
  };
}

/** The runner's tool cache, when the runner has one. */
function toolCache(): ArtifactCache | undefined {
  if (process.env['RUNNER_TOOL_CACHE']) return runnerToolCache;
  actionLog.warning('cache: true, but RUNNER_TOOL_CACHE is not set; pulling without the cache');
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
async function report(
  inputs: PullInputs,
  references: readonly PullReference[],
  results: readonly PullResult[],
  before: readonly string[],
): Promise<void> {
  const pinned = (reference: PullReference, result: PullResult) =>
    `${targetName(reference.target)}@${result.descriptor.digest}`;
  const pairs = results.map((result, i) => ({
    reference: references[i] as PullReference,
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
  await writeSummary([
    ...before,
    ...pairs.flatMap(({ reference, result }) => [
      pullSummaryMarkdown({
        name: targetName(reference.target),
        selector: reference.selector,
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
  ]);
}
