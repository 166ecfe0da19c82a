import { formatBytes } from '../../commands/format.js';
import { openNamedTarget } from '../../commands/registry/named-target.js';
import { resolveManifest } from '../../commands/registry/resolve.js';
import { readPlatform } from '../inputs/platform.js';
import { readSelectedTarget } from '../inputs/registry.js';
import { actionLog } from '../log.js';
import { setOutputs } from '../outputs.js';
import { code, factsMarkdown, headingName } from '../summary/registry.js';
import { writeSummary } from '../summary/write.js';

/** Reads the inputs of `command: resolve`, runs it, and writes its outputs and job summary. */
export async function runResolve(): Promise<void> {
  const { target, selector, name } = readSelectedTarget();
  const platform = readPlatform();
  const store = await openNamedTarget(target, actionLog);
  const descriptor = await resolveManifest(store, selector, actionLog, platform);
  const reference = `${name}@${descriptor.digest}`;
  setOutputs({
    digest: descriptor.digest,
    reference,
    'media-type': descriptor.mediaType,
    size: descriptor.size,
  });
  await writeSummary(
    factsMarkdown(`Resolved ${code(headingName(name, selector))}`, [
      ['Reference', code(reference)],
      ['Digest', code(descriptor.digest)],
      ['Media type', code(descriptor.mediaType)],
      ['Size', `${formatBytes(descriptor.size)} (${descriptor.size} bytes)`],
    ]),
  );
}
