// Job summaries of the registry commands: a heading with a list of facts, and a list table where
// the command has one (tags, repositories, referrers).
import type { Referrer } from '../../commands/registry/discover.js';
import { isDigest } from '../../oci/digest.js';
import {
  code,
  copyBlock,
  MAX_TABLE_ROWS,
  shortDigestCode,
  sizeCell,
  tableMarkdown,
  wrappingCode,
} from './markdown.js';

export { code, factsMarkdown, headingName } from './markdown.js';

/** The step output keeps every name; the summary may leave some out. */
const more = (leftOut: number): string => `… and ${leftOut} more (see the step output)`;

export function namesMarkdown(heading: string, names: readonly string[]): string[] {
  return tableMarkdown(
    [heading],
    names.map((name) => [code(name)]),
    { more },
  );
}

/**
 * The referrers of `name`: a table with short digests, then their full references in a block to
 * copy from (the `referrers` output holds them all).
 */
export function referrersMarkdown(name: string, referrers: readonly Referrer[]): string[] {
  const table = tableMarkdown(
    ['Artifact type', 'Digest', 'Size', 'Annotations'],
    referrers.map((r) => [
      wrappingCode(r.artifactType || '(none)'),
      shortDigestCode(r.digest),
      sizeCell(r.size),
      Object.entries(r.annotations)
        .map(([key, value]) => wrappingCode(`${key}=${value}`))
        .join('<br>'),
    ]),
    { more },
  );
  if (table.length === 0) return [];
  const references = referrers
    .slice(0, MAX_TABLE_ROWS)
    .map((r) => r.digest)
    .filter(isDigest)
    .map((digest) => `${name}@${digest}`);
  return [...table, 'Full references:', '', ...copyBlock(references)];
}
