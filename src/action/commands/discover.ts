import { openTarget } from '../../commands/open-target.js';
import { discoverReferrers } from '../../commands/registry/discover.js';
import { describe } from '../../commands/registry/resolve.js';
import { readArtifactTypeFilter, readSelectedTarget } from '../inputs/registry.js';
import { actionLog } from '../log.js';
import { setJsonOutput } from '../outputs.js';
import { code, factsMarkdown, referrersMarkdown } from '../summary/registry.js';
import { writeSummary } from '../summary/write.js';

/** Reads the inputs of `command: discover`, runs it, and writes its outputs and job summary. */
export async function runDiscover(): Promise<void> {
  const { target, selector, name } = readSelectedTarget();
  const artifactType = readArtifactTypeFilter();
  const result = await discoverReferrers(
    await openTarget(target),
    selector,
    artifactType === undefined ? { name } : { name, artifactType },
    actionLog,
  );
  setJsonOutput('referrers', result.referrers);
  const facts: [string, string][] = [
    ['Subject', code(`${name}@${result.subject.digest}`)],
    ['Referrers', String(result.referrers.length)],
  ];
  if (artifactType !== undefined) facts.push(['Artifact type filter', code(artifactType)]);
  await writeSummary([
    ...factsMarkdown(`Referrers of ${code(describe(name, selector))}`, facts),
    ...referrersMarkdown(result.referrers),
  ]);
}
