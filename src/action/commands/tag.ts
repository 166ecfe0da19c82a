import { openTarget } from '../../commands/open-target.js';
import { describe } from '../../commands/registry/resolve.js';
import { tagManifest } from '../../commands/registry/tag.js';
import { readSelectedTarget, readTagList } from '../inputs/registry.js';
import { actionLog } from '../log.js';
import { setJsonOutput, setOutputs } from '../outputs.js';
import { code, factsMarkdown, namesMarkdown } from '../summary/registry.js';
import { writeSummary } from '../summary/write.js';

/** Reads the inputs of `command: tag`, runs it, and writes its outputs and job summary. */
export async function runTag(): Promise<void> {
  const { target, selector, name } = readSelectedTarget();
  const tags = readTagList();
  const result = await tagManifest(await openTarget(target), selector, tags, name, actionLog);
  const references = result.tags.map((tag) => `${name}:${tag}`);
  const reference = `${name}@${result.descriptor.digest}`;
  setOutputs({ digest: result.descriptor.digest, reference });
  setJsonOutput('tags', references);
  await writeSummary([
    ...factsMarkdown(`Tagged ${code(describe(name, selector))}`, [
      ['Reference', code(reference)],
      ['Digest', code(result.descriptor.digest)],
    ]),
    ...namesMarkdown('New tag', references),
  ]);
}
