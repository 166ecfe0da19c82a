import { openTarget } from '../../commands/open-target.js';
import { listTags } from '../../commands/registry/list-tags.js';
import { readBoolean } from '../inputs/read.js';
import { readRepository } from '../inputs/registry.js';
import { actionLog } from '../log.js';
import { setJsonOutput } from '../outputs.js';
import { code, factsMarkdown, namesMarkdown } from '../summary/registry.js';
import { writeSummary } from '../summary/write.js';

/** Reads the inputs of `command: repo-tags`, runs it, and writes its outputs and job summary. */
export async function runRepoTags(): Promise<void> {
  const { target, name } = readRepository();
  const includeDigestTags = readBoolean('include-digest-tags', false);
  const tags = await listTags(await openTarget(target), { name, includeDigestTags }, actionLog);
  setJsonOutput('tags', tags);
  await writeSummary([
    ...factsMarkdown(`Tags of ${code(name)}`, [['Tags', String(tags.length)]]),
    ...namesMarkdown('Tag', tags),
  ]);
}
