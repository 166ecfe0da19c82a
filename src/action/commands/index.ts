import {
  createIndex,
  updateIndex,
  type IndexResult,
} from '../../commands/image-index/write-index.js';
import type { EntryContext } from '../../commands/image-index/read-entry.js';
import { openNamedTarget } from '../../commands/registry/named-target.js';
import { parseImageIndex } from '../../oci/image-index.js';
import { isValidMediaType } from '../../oci/media-types.js';
import { formatPlatform } from '../../oci/platform.js';
import { shortDigest } from '../../oci/digest.js';
import { readIndexInputs, type IndexInputs } from '../inputs/image-index.js';
import { actionLog } from '../log.js';
import { setOutputs } from '../outputs.js';
import { code, factsMarkdown, tableMarkdown } from '../summary/markdown.js';
import { writeSummary } from '../summary/write.js';

/** Reads the inputs of `command: index`, runs it, and writes its outputs and job summary. */
export async function runIndex(): Promise<void> {
  const inputs = readIndexInputs();
  const { target } = inputs;
  const here = await openNamedTarget(target, actionLog);
  const ctx: EntryContext = {
    here,
    // Only reached for a registry: the inputs refuse references from a layout folder.
    open: (reference) =>
      target.kind === 'remote'
        ? openNamedTarget({ kind: 'remote', reference, options: target.options }, actionLog)
        : Promise.reject(new Error('a layout folder lists only its own manifests')),
    concurrency: inputs.concurrency,
    log: actionLog,
  };
  const options = {
    selector: inputs.selector,
    annotations: inputs.annotations,
    tags: inputs.tags,
    ...(inputs.artifactType === undefined ? {} : { artifactType: inputs.artifactType }),
  };
  const result =
    inputs.work.kind === 'create'
      ? await createIndex(ctx, inputs.work.manifests, options)
      : await updateIndex(ctx, inputs.work.add, inputs.work.remove, options);
  await report(inputs, result);
}

/** A media type an index (maybe another tool's, when updating) holds: quoted unless well-formed. */
const shown = (mediaType: string): string =>
  code(isValidMediaType(mediaType) ? mediaType : JSON.stringify(mediaType));

async function report(inputs: IndexInputs, result: IndexResult): Promise<void> {
  const { name } = inputs;
  const digest = result.descriptor.digest;
  const reference = `${name}@${digest}`;
  const { entries, raw } = parseImageIndex(result.bytes, 'the index');
  const artifactType = typeof raw['artifactType'] === 'string' ? raw['artifactType'] : '';
  setOutputs({
    digest,
    reference,
    'media-type': result.descriptor.mediaType,
    'artifact-type': artifactType,
    size: result.descriptor.size,
    // The exact bytes whose digest is `digest`.
    manifest: result.bytes.toString('utf8'),
    tags: JSON.stringify(result.tags.map((tag) => `${name}:${tag}`)),
  });
  const heading = result.tags[0] === undefined ? name : `${name}:${result.tags[0]}`;
  await writeSummary([
    ...factsMarkdown(
      `${inputs.work.kind === 'create' ? 'Created' : 'Updated'} index ${code(heading)}`,
      [
        ['Reference', code(reference)],
        ['Digest', code(digest)],
        ['Artifact type', artifactType === '' ? '(none)' : shown(artifactType)],
        ['Manifests', String(entries.length)],
        ['Tags', result.tags.map(code).join(' ') || '(none)'],
      ],
    ),
    ...tableMarkdown(
      ['Platform', 'Manifest', 'Media type'],
      entries.map((entry) => [
        entry.platform ? code(formatPlatform(entry.platform)) : '(none)',
        code(shortDigest(entry.descriptor.digest)),
        shown(entry.descriptor.mediaType),
      ]),
    ),
  ]);
}
