// A git config that holds credentials is never pushed, whatever include-hidden-files says:
// actions/checkout keeps the job's token in `.git/config` as `http.<url>.extraheader` unless
// `persist-credentials: false`, and remotes are sometimes written as https://user:token@host.
import { StringDecoder } from 'node:string_decoder';
import { readChecked, type CheckedFile } from './checked-file.js';
import { hostPaths, type PathRules } from './path-rules.js';
import { SpecError } from './spec-error.js';
import type { Blame } from './workspace.js';

export type GitCredential = 'extraheader' | 'url-password';

/**
 * Whether a real path is a git config: `config` in a `.git` folder or below one (submodules keep
 * theirs in `.git/modules/<name>/config`). Names compare without case, as on macOS and Windows.
 */
export function isGitConfigPath(realPath: string, rules: PathRules = hostPaths): boolean {
  const names = realPath.split(rules.sep).map((name) => name.toLowerCase());
  return names.at(-1) === 'config' && names.slice(0, -1).includes('.git');
}

// scheme://user:password@ — in a value or in a section's subsection ([url "…"]).
const URL_WITH_PASSWORD = /[a-z][a-z0-9+.-]*:\/\/[^\s/@:"]*:[^\s/@"]+@/i;

/** Reads git config lines one at a time and remembers the first credential found. */
export class GitConfigScanner {
  private section = '';
  found: GitCredential | undefined;

  line(text: string): void {
    if (this.found !== undefined) return;
    if (URL_WITH_PASSWORD.test(text)) {
      this.found = 'url-password';
      return;
    }
    let rest = text.trim();
    const header = /^\[\s*([^\]\s".]+)[^\]]*\](.*)$/.exec(rest);
    if (header) {
      this.section = (header[1] ?? '').toLowerCase();
      rest = (header[2] ?? '').trim();
    }
    const entry = /^([A-Za-z][A-Za-z0-9-]*)\s*(?:=\s*(.*))?$/.exec(rest);
    if (!entry) return;
    const key = (entry[1] ?? '').toLowerCase();
    const value = (entry[2] ?? '').replace(/^"|"$/g, '').trim();
    if (this.section === 'http' && key === 'extraheader' && value !== '') {
      this.found = 'extraheader';
    }
  }
}

/** The credential a git config text holds, if any. */
export function findGitCredential(text: string): GitCredential | undefined {
  const scanner = new GitConfigScanner();
  for (const line of text.split(/\r?\n/)) scanner.line(line);
  return scanner.found;
}

/**
 * Fails when `file` is a git config holding credentials; other files pass without a read.
 * `shown` is how the file is named in the message (never its content).
 */
export async function refuseGitCredentials(
  file: CheckedFile,
  shown: string,
  blame: Blame,
): Promise<void> {
  if (!isGitConfigPath(file.path)) return;
  const scanner = new GitConfigScanner();
  const decoder = new StringDecoder('utf8');
  let partial = '';
  for await (const chunk of readChecked(file)) {
    const lines = (partial + decoder.write(chunk)).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) scanner.line(line);
    if (scanner.found !== undefined) break;
  }
  scanner.line(partial + decoder.end());
  if (scanner.found === undefined) return;
  const what =
    scanner.found === 'extraheader'
      ? 'an http extraheader (actions/checkout keeps the job token there unless persist-credentials: false)'
      : 'a URL with a password';
  throw new SpecError(
    blame.input,
    blame.given,
    `no credentials, but ${JSON.stringify(shown)} holds ${what}; a git config with credentials is never pushed: check out with persist-credentials: false, or leave .git out (!.git)`,
  );
}
