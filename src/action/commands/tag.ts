import { openNamedTarget } from '../../commands/registry/named-target.js';
import { tagManifest } from '../../commands/registry/tag.js';
import { readSelectedTarget, readTagList } from '../inputs/registry.js';
import { actionLog } from '../log.js';
import { setJsonOutput, setOutputs } from '../outputs.js';
import { code, factsMarkdown, headingName, namesMarkdown } from '../summary/registry.js';
import { writeSummary } from '../summary/write.js';

/** Reads the inputs of `command: tag`, runs it, and writes its outputs and job summary. */
export async function runTag(): Promise<void> {
  const { target, selector, name } = readSelectedTarget();
  const tags = readTagList(target);
  const store = await openNamedTarget(target, actionLog);
  const result = await tagManifest(store, selector, tags, actionLog);
  const references = result.tags.map((tag) => `${name}:${tag}`);
  const reference = `${name}@${result.descriptor.digest}`;
  setOutputs({ digest: result.descriptor.digest, reference });
  setJsonOutput('tags', references);
  await writeSummary([
    ...factsMarkdown(`Tagged ${code(headingName(name, selector))}`, [
      ['Reference', code(reference)],
      ['Digest', code(result.descriptor.digest)],
    ]),
    ...namesMarkdown('New tag', references),
  ]);
}
