// Job summaries of the registry commands: a heading with a table of facts, and a list table where
// the command has one (tags, repositories, referrers).
import { formatBytes } from '../../commands/format.js';
import type { Referrer } from '../../commands/registry/discover.js';
import { code, tableMarkdown } from './markdown.js';

export { code, factsMarkdown } from './markdown.js';

/** The step output keeps every name; the summary may leave some out. */
const more = (leftOut: number): string => `… and ${leftOut} more (see the step output)`;

export function namesMarkdown(heading: string, names: readonly string[]): string[] {
  return tableMarkdown(
    [heading],
    names.map((name) => [code(name)]),
    { more },
  );
}

export function referrersMarkdown(referrers: readonly Referrer[]): string[] {
  return tableMarkdown(
    ['Artifact type', 'Digest', 'Size', 'Annotations'],
    referrers.map((r) => [
      code(r.artifactType || '(none)'),
      code(r.digest),
      formatBytes(r.size),
      Object.entries(r.annotations)
        .map(([key, value]) => code(`${key}=${value}`))
        .join('<br>'),
    ]),
    { more },
  );
}
