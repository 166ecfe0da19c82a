import { discoverReferrers } from '../../commands/registry/discover.js';
import { openNamedTarget } from '../../commands/registry/named-target.js';
import { readPlatform } from '../inputs/platform.js';
import { readArtifactTypeFilter, readSelectedTarget } from '../inputs/registry.js';
import { actionLog } from '../log.js';
import { setJsonOutput } from '../outputs.js';
import { code, factsMarkdown, headingName, referrersMarkdown } from '../summary/registry.js';
import { writeSummary } from '../summary/write.js';

/** Reads the inputs of `command: discover`, runs it, and writes its outputs and job summary. */
export async function runDiscover(): Promise<void> {
  const { target, selector, name } = readSelectedTarget();
  const artifactType = readArtifactTypeFilter();
  const platform = readPlatform();
  const store = await openNamedTarget(target, actionLog);
  const result = await discoverReferrers(store, selector, artifactType, actionLog, platform);
  setJsonOutput('referrers', result.referrers);
  const facts: [string, string][] = [
    ['Subject', code(`${name}@${result.subject.digest}`)],
    ['Referrers', String(result.referrers.length)],
  ];
  if (artifactType !== undefined) facts.push(['Artifact type filter', code(artifactType)]);
  await writeSummary([
    ...factsMarkdown(`Referrers of ${code(headingName(name, selector))}`, facts),
    ...referrersMarkdown(name, result.referrers),
  ]);
}
