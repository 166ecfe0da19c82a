import {
  createIndex,
  updateIndex,
  type IndexResult,
} from '../../commands/image-index/write-index.js';
import type { EntryContext } from '../../commands/image-index/read-entry.js';
import { openNamedTarget } from '../../commands/registry/named-target.js';
import { parseImageIndex } from '../../oci/image-index.js';
import { formatPlatform } from '../../oci/platform.js';
import { readIndexInputs, type IndexInputs } from '../inputs/image-index.js';
import { actionLog } from '../log.js';
import { setWrittenOutputs } from '../outputs.js';
import {
  code,
  copyBlock,
  factsMarkdown,
  headingName,
  MAX_TABLE_ROWS,
  shortDigestCode,
  tableMarkdown,
  wrappingCode,
} from '../summary/markdown.js';
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

async function report(inputs: IndexInputs, result: IndexResult): Promise<void> {
  const { name } = inputs;
  const digest = result.descriptor.digest;
  const { entries, raw } = parseImageIndex(result.bytes, 'the index');
  const artifactType = typeof raw['artifactType'] === 'string' ? raw['artifactType'] : '';
  const { reference } = setWrittenOutputs({
    name,
    descriptor: result.descriptor,
    bytes: result.bytes,
    artifactType,
    tags: result.tags,
  });
  // An updated index may hold another tool's entries: their media types and the index's
  // artifact type are registry text, shown through the summary's escaping helpers.
  const verb = inputs.work.kind === 'create' ? 'Created' : 'Updated';
  const table = tableMarkdown(
    ['Platform', 'Manifest', 'Media type'],
    entries.map((entry) => [
      entry.platform ? code(formatPlatform(entry.platform)) : '(none)',
      shortDigestCode(entry.descriptor.digest),
      wrappingCode(entry.descriptor.mediaType),
    ]),
  );
  await writeSummary([
    ...factsMarkdown(`${verb} index ${code(headingName(name, result.tags[0] ?? digest))}`, [
      ['Reference', code(reference)],
      ['Digest', code(digest)],
      ['Artifact type', artifactType === '' ? '(none)' : code(artifactType)],
      ['Manifests', String(entries.length)],
      ['Tags', result.tags.map(code).join(' ') || '(none)'],
    ]),
    ...table,
    // The full references of the rows above, to copy from (digests checked as the index is read).
    ...(table.length === 0
      ? []
      : [
          'Full references:',
          '',
          ...copyBlock(
            entries.slice(0, MAX_TABLE_ROWS).map((entry) => `${name}@${entry.descriptor.digest}`),
          ),
        ]),
  ]);
}
