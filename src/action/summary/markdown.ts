// Markdown building blocks shared by the job summaries: escaped cells, inline code, a table of
// facts under a heading, and list tables that stay under the summary's size limit.
// https://docs.github.com/en/actions/reference/workflow-commands-for-github-actions#adding-a-job-summary
import { markdownText } from '../../oci/untrusted-text.js';

/**
 * Text shown as typed inside a Markdown table cell (also inside `<code>`): names, titles, media
 * types and annotations come from artifacts and registries, so no character of theirs may end
 * the cell or the row, or be read as Markdown or HTML.
 */
export const cell = (text: string): string => markdownText(text);

/** Inline code inside a table cell: `<code>`, since backticks cannot hold an escaped `|`. */
export const code = (text: string): string => `<code>${cell(text)}</code>`;

/** `### title`, then a two-column table of facts (names and values are Markdown already). */
export function factsMarkdown(
  title: string,
  facts: readonly (readonly [string, string])[],
): string[] {
  return [
    `### ${title}`,
    '',
    '| | |',
    '| --- | --- |',
    ...facts.map(([name, value]) => `| ${name} | ${value} |`),
    '',
  ];
}

/**
 * Rows beyond this are left out of a list table: a step's summary may hold 1 MiB, and thousands
 * of rows would reach it (the step outputs keep every item).
 */
export const MAX_TABLE_ROWS = 200;

export interface TableOptions {
  /** Default MAX_TABLE_ROWS. */
  maxRows?: number;
  /** The last row's text when rows were left out; default "… and N more". */
  more?: (leftOut: number) => string;
}

/** A table with a header row and cells that are Markdown already; nothing for no rows. */
export function tableMarkdown(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  options: TableOptions = {},
): string[] {
  if (rows.length === 0) return [];
  const shown = rows.slice(0, options.maxRows ?? MAX_TABLE_ROWS);
  const lines = [
    `| ${headers.join(' | ')} |`,
    `|${' --- |'.repeat(headers.length)}`,
    ...shown.map((row) => `| ${row.join(' | ')} |`),
  ];
  const leftOut = rows.length - shown.length;
  if (leftOut > 0) {
    const text = options.more?.(leftOut) ?? `… and ${leftOut} more`;
    lines.push(`| ${text} |${' |'.repeat(headers.length - 1)}`);
  }
  return [...lines, ''];
}
