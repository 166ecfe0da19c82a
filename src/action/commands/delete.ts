import { openTarget } from '../../commands/open-target.js';
import { deleteManifest } from '../../commands/registry/delete.js';
import { describe } from '../../commands/registry/resolve.js';
import { readSelectedTarget } from '../inputs/registry.js';
import { actionLog } from '../log.js';
import { setOutputs } from '../outputs.js';
import { code, factsMarkdown } from '../summary/registry.js';
import { writeSummary } from '../summary/write.js';

/** Reads the inputs of `command: delete`, runs it, and writes its outputs and job summary. */
export async function runDelete(): Promise<void> {
  const { target, selector, name } = readSelectedTarget({
    requireSelector:
      'the tag or digest of the manifest to delete, such as repo:tag or repo@sha256:… (delete never assumes latest)',
  });
  const descriptor = await deleteManifest(await openTarget(target), selector, name, actionLog);
  setOutputs({ digest: descriptor.digest });
  await writeSummary(
    factsMarkdown(`Deleted ${code(describe(name, selector))}`, [
      ['Digest', code(descriptor.digest)],
      ['Media type', code(descriptor.mediaType)],
    ]),
  );
}
