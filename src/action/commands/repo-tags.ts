import { listTags } from '../../commands/registry/list-tags.js';
import { openNamedTarget } from '../../commands/registry/named-target.js';
import { readBoolean } from '../inputs/read.js';
import { readRepository } from '../inputs/registry.js';
import { actionLog } from '../log.js';
import { setJsonOutput } from '../outputs.js';
import { code, factsMarkdown, headingName, namesMarkdown } from '../summary/registry.js';
import { writeSummary } from '../summary/write.js';

/** Reads the inputs of `command: repo-tags`, runs it, and writes its outputs and job summary. */
export async function runRepoTags(): Promise<void> {
  const target = readRepository();
  const includeDigestTags = readBoolean('include-digest-tags', false);
  const store = await openNamedTarget(target, actionLog);
  const tags = await listTags(store, includeDigestTags, actionLog);
  setJsonOutput('tags', tags);
  await writeSummary([
    ...factsMarkdown(`Tags of ${code(headingName(store.name))}`, [
      ['Repository', code(store.name)],
      ['Tags', String(tags.length)],
    ]),
    ...namesMarkdown('Tag', tags),
  ]);
}
