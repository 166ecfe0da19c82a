// Text from outside (titles, media types, annotations, tags, file names, registry answers) made
// harmless before it is printed: in a log line it can neither start a workflow command nor hide
// or forge lines, and in a job summary cell it is shown as typed, never as Markdown or HTML.
// Pure functions with no dependency, so every layer can use them.
//
// How the runner finds commands (actions/runner, src/Runner.Common/ActionCommand.cs): each output
// line is split at \n, \r or \r\n; a line is a command when, after .NET's TrimStart() (Unicode
// white space), it starts with `::name` and holds a second `::`; the legacy form `##[name]` counts
// wherever it appears in the line.
// https://docs.github.com/en/actions/reference/workflow-commands-for-github-actions

/**
 * Characters that break lines, move the cursor or colour text (C0/C1 controls, ANSI escapes),
 * hide text (zero-width and other format characters) or reorder it (bidirectional overrides),
 * and lone surrogates.
 */
const CONTROL = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;

const SHORT_ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** `\uXXXX` (or `\u{XXXXX}` beyond the basic plane) for one character. */
function unicodeEscape(char: string): string {
  const code = char.codePointAt(0) ?? 0;
  return code > 0xffff ? `\\u{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** Control and invisible characters as visible escapes (`\n`, `\u001b`); the rest unchanged. */
export function escapeControls(text: string): string {
  return text.replace(CONTROL, (char) => SHORT_ESCAPES[char] ?? unicodeEscape(char));
}

/**
 * White space the runner trims before looking for `::` (what .NET counts as white space, and a
 * few invisible characters more: trimming too much here only neutralises more).
 */
const LEADING_SPACE = /^[\s\u0085\u180e\u200b\ufeff]*/u;

/**
 * Text that is safe anywhere in a log line, also at its start: control characters escaped (so it
 * stays one line), a leading `::` and every `##[` broken by escaping one character. Applying it
 * twice changes nothing more.
 */
export function logText(text: string): string {
  const escaped = escapeControls(text).replace(/##\[/g, '#\\u0023[');
  const lead = LEADING_SPACE.exec(escaped)?.[0].length ?? 0;
  return escaped.startsWith('::', lead)
    ? `${escaped.slice(0, lead)}\\u003a${escaped.slice(lead + 1)}`
    : escaped;
}

/** `"text"` for a message: quoted, so where untrusted text starts and ends is plain to see. */
export const quoted = (text: string): string => `"${logText(text)}"`;

/**
 * Characters with a meaning in GitHub Markdown or HTML: tags and entities, table cells (`|`),
 * escapes, code spans, emphasis, links and images, strikethrough, math, issue references.
 */
const MARKDOWN_SPECIAL = /[&<>"'|\\`*_[\]~!#$]/g;

/**
 * What GitHub's Markdown turns into a link even inside `<code>` (cmark-gfm's autolink extension):
 * `scheme://` and `www.`. Neither is linked once its `:` or `.` is a character reference.
 */
const AUTOLINK = /:(?=\/\/)|(?<=www)\./gi;

/**
 * Text shown literally in a Markdown table cell (also inside `<code>`): control characters
 * escaped visibly first (a line break would end the table row), then every character Markdown or
 * HTML could read as syntax written as a numeric character reference, and the start of every
 * link GitHub would make of bare text (so an artifact cannot put a link in a summary).
 */
export function markdownText(text: string): string {
  return escapeControls(text)
    .replace(MARKDOWN_SPECIAL, (char) => `&#${char.codePointAt(0) ?? 0};`)
    .replace(AUTOLINK, (char) => `&#${char.codePointAt(0) ?? 0};`);
}
