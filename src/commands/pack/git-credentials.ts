// A git config that holds credentials is never pushed, whatever include-hidden-files says:
// actions/checkout keeps the job's token in `.git/config` as `http.<url>.extraheader` unless
// `persist-credentials: false`, and remotes are sometimes written as https://user:token@host.
// (What refuses such a file is credential-files.ts; this reads git's own format.)
import { hostPaths, type PathRules } from './path-rules.js';

export type GitCredential = 'extraheader' | 'url-password' | 'url-token';

/** What each credential is, for a message. */
export const GIT_CREDENTIAL_TEXT: Record<GitCredential, string> = {
  extraheader:
    'an http extraheader (actions/checkout keeps the job token there unless persist-credentials: false)',
  'url-password': 'a URL with a password',
  'url-token': 'a URL with a token as its user name',
};

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
// scheme://token@ — GitHub (and GitLab) take a token as the user name alone:
// `git remote set-url origin https://${TOKEN}@github.com/…` is a common step.
const URL_WITH_TOKEN_USER = /[a-z][a-z0-9+.-]*:\/\/(?:gh[pousr]_|github_pat_|glpat-)[^\s/@:"]*@/i;

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
    if (URL_WITH_TOKEN_USER.test(text)) {
      this.found = 'url-token';
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
