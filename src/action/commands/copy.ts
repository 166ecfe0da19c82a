import { stat } from 'node:fs/promises';
import { formatBytes } from '../../commands/format.js';
import { openTarget } from '../../commands/open-target.js';
import { copyArtifact } from '../../commands/registry/copy.js';
import { openNamedTarget } from '../../commands/registry/named-target.js';
import { selectedName } from '../../commands/registry/resolve.js';
import type { CopyResult } from '../../oci/copy.js';
import { OciLayout } from '../../oci/layout/store.js';
import { layoutLockOptions } from '../inputs/layout-lock.js';
import { readPlatform } from '../inputs/platform.js';
import { readCopyInputs, type CopyInputs } from '../inputs/registry.js';
import { actionLog } from '../log.js';
import { setOutputs } from '../outputs.js';
import { code, factsMarkdown, headingName } from '../summary/registry.js';
import { writeSummary } from '../summary/write.js';

/** Reads the inputs of `command: copy`, runs it, and writes its outputs and job summary. */
export async function runCopy(): Promise<void> {
  const inputs = readCopyInputs();
  const platform = readPlatform();
  const { destination } = inputs;
  // A layout folder this copy creates is removed again if the copy fails.
  const createdLayout =
    destination.kind === 'layout' && !(await stat(destination.path).catch(() => undefined))
      ? destination.path
      : undefined;
  let result;
  try {
    result = await copyArtifact(
      await openNamedTarget(inputs.source.target, actionLog),
      () => openTarget(destination, { create: true }),
      {
        selector: inputs.source.selector,
        recursive: inputs.recursive,
        concurrency: inputs.concurrency,
        destinationName: inputs.destinationName,
        ...(inputs.tag === undefined ? {} : { tag: inputs.tag }),
        ...(inputs.mountFrom === undefined ? {} : { mountFrom: inputs.mountFrom }),
        ...(platform === undefined ? {} : { platform }),
      },
      actionLog,
    );
  } catch (error) {
    // Not when another step has pushed into it meanwhile; the copy's error is the one to tell.
    if (createdLayout !== undefined) {
      await OciLayout.removeIfUntagged(createdLayout, layoutLockOptions()).catch(() => undefined);
    }
    throw error;
  }
  const reference = `${inputs.destinationName}@${result.root.digest}`;
  setOutputs({ digest: result.root.digest, reference });
  await writeSummary(copySummary(inputs, result, reference));
}

function copySummary(inputs: CopyInputs, result: CopyResult, reference: string): string[] {
  const { uploaded, exists, mounted } = result.blobs;
  const target =
    inputs.tag === undefined ? inputs.destinationName : `${inputs.destinationName}:${inputs.tag}`;
  const facts: [string, string][] = [
    ['From', code(selectedName(inputs.source.name, inputs.source.selector))],
    ['To', code(target)],
    ['Reference', code(reference)],
    ['Digest', code(result.root.digest)],
    ['Media type', code(result.root.mediaType)],
    [
      'Blobs',
      `${uploaded} copied (${formatBytes(result.bytesUploaded)}), ${mounted} mounted, ${exists} already there`,
    ],
    ['Manifests', `${result.manifests.copied} copied, ${result.manifests.exists} already there`],
  ];
  if (inputs.recursive) facts.push(['Referrers', 'copied (recursive)']);
  const shown = headingName(inputs.destinationName, inputs.tag ?? result.root.digest);
  return factsMarkdown(`Copied to ${code(shown)}`, facts);
}
