// Job summaries of the registry commands: a heading, a two-column table of facts, and a list
// table where the command has one (tags, repositories, referrers).
import { formatBytes } from '../../commands/format.js';
import type { Referrer } from '../../commands/registry/discover.js';

/** Text safe inside a Markdown table cell or inline code. */
const cell = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\|/g, '\\|');
export const code = (text: string): string => `<code>${cell(text)}</code>`;

/** Lists longer than this are cut in the summary (the output holds them all). */
const MAX_ROWS = 200;

export function factsMarkdown(title: string, facts: [string, string][]): string[] {
  return [
    `### ${title}`,
    '',
    '| | |',
    '| --- | --- |',
    ...facts.map(([name, value]) => `| ${name} | ${value} |`),
    '',
  ];
}

export function namesMarkdown(heading: string, names: readonly string[]): string[] {
  if (names.length === 0) return [];
  const shown = names.slice(0, MAX_ROWS);
  const lines = [`| ${heading} |`, '| --- |', ...shown.map((n) => `| ${code(n)} |`)];
  if (names.length > shown.length) {
    lines.push(`| … and ${names.length - shown.length} more (see the step output) |`);
  }
  return [...lines, ''];
}

export function referrersMarkdown(referrers: readonly Referrer[]): string[] {
  if (referrers.length === 0) return [];
  return [
    '| Artifact type | Digest | Size | Annotations |',
    '| --- | --- | --- | --- |',
    ...referrers.slice(0, MAX_ROWS).map((r) => {
      const annotations = Object.entries(r.annotations)
        .map(([k, v]) => code(`${k}=${v}`))
        .join('<br>');
      return `| ${code(r.artifactType || '(none)')} | ${code(r.digest)} | ${formatBytes(r.size)} | ${annotations} |`;
    }),
    '',
  ];
}
