import { deleteManifest } from '../../commands/registry/delete.js';
import { openNamedTarget } from '../../commands/registry/named-target.js';
import { selectedName } from '../../commands/registry/resolve.js';
import { readSelectedTarget } from '../inputs/registry.js';
import { actionLog } from '../log.js';
import { setOutputs } from '../outputs.js';
import { code, factsMarkdown, headingName } from '../summary/registry.js';
import { writeSummary } from '../summary/write.js';

/** Reads the inputs of `command: delete`, runs it, and writes its outputs and job summary. */
export async function runDelete(): Promise<void> {
  const { target, selector, name } = readSelectedTarget({
    requireSelector:
      'the tag or digest of the manifest to delete, such as repo:tag or repo@sha256:… (delete never assumes latest)',
  });
  const store = await openNamedTarget(target, actionLog);
  const descriptor = await deleteManifest(store, selector, actionLog);
  setOutputs({ digest: descriptor.digest });
  await writeSummary(
    factsMarkdown(`Deleted ${code(headingName(name, selector))}`, [
      ['Reference', code(selectedName(name, selector))],
      ['Digest', code(descriptor.digest)],
      ['Media type', code(descriptor.mediaType)],
    ]),
  );
}
