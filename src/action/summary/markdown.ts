// Markdown building blocks shared by the job summaries: escaped cells, inline code, a short
// heading over a list of facts, and list tables that stay under the summary's size limit and
// within the width of the page (about 1000 pixels on github.com).
// https://docs.github.com/en/actions/reference/workflow-commands-for-github-actions#adding-a-job-summary
import { formatBytes } from '../../commands/format.js';
import { markdownText } from '../../oci/untrusted-text.js';

/**
 * Text shown as typed inside a Markdown table cell (also inside `<code>`): names, titles, media
 * types and annotations come from artifacts and registries, so no character of theirs may end
 * the cell or the row, or be read as Markdown or HTML.
 */
export const cell = (text: string): string => markdownText(text);

/** Inline code inside a table cell: `<code>`, since backticks cannot hold an escaped `|`. */
export const code = (text: string): string => `<code>${cell(text)}</code>`;

/**
 * Inline code that may wrap after each `/` or `=` (`<wbr>`): a long title, media type or
 * annotation in a table column wraps at a place that reads well (`application/` `spdx+json`)
 * instead of pushing the table wider than the page.
 */
export const wrappingCode = (text: string): string =>
  `<code>${cell(text).replace(/([/=])(?=.)/g, '$1<wbr>')}</code>`;

/** A size in a table column, kept on one line (`1.5 KiB`). */
export const sizeCell = (bytes: number): string => formatBytes(bytes).replace(' ', '&nbsp;');

/** `sha256:0123456789ab…`: a digest in a table column; the full one is where it is copied from. */
export const shortDigestCode = (digest: string): string => {
  const colon = digest.indexOf(':');
  return digest.length > colon + 13 ? code(`${digest.slice(0, colon + 13)}…`) : code(digest);
};

/**
 * How a heading names a repository or layout folder: its last path segment, with the tag or a
 * short digest (`app:v1`, `app@sha256:0123456789ab…`). The full name is in the facts below.
 */
export function headingName(name: string, selector?: string): string {
  const last =
    name
      .replace(/[/\\]+$/, '')
      .split(/[/\\]/)
      .pop() || name;
  if (selector === undefined) return last;
  if (!selector.includes(':')) return `${last}:${selector}`;
  const colon = selector.indexOf(':');
  return `${last}@${selector.length > colon + 13 ? `${selector.slice(0, colon + 13)}…` : selector}`;
}

/**
 * `### title`, then the facts as a list of `**name:** value` lines: a definition list, which
 * needs no header row (a two-column table would need an empty one), and whose long values wrap
 * at the page's width.
 */
export function factsMarkdown(
  title: string,
  facts: readonly (readonly [string, string])[],
): string[] {
  return [`### ${title}`, '', ...facts.map(([name, value]) => `- **${name}:** ${value}`), ''];
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

/**
 * A fenced code block of lines to copy whole (full references, digests). Only for text that is
 * checked already (digests, reference names), never for text from an artifact: a line of
 * backticks would end the block.
 */
export function copyBlock(lines: readonly string[], language = ''): string[] {
  if (lines.length === 0) return [];
  return [`\`\`\`${language}`, ...lines, '```', ''];
}
