import { posix, win32 } from 'node:path';
import { findGitCredential, isGitConfigPath } from '../../../src/commands/pack/git-credentials.js';

/** What actions/checkout writes with persist-credentials left at true. */
const CHECKOUT_CONFIG = `[core]
\trepositoryformatversion = 0
\tfilemode = true
[remote "origin"]
\turl = https://github.com/owner/repo
\tfetch = +refs/heads/*:refs/remotes/origin/*
[http "https://github.com/"]
\textraheader = AUTHORIZATION: basic eC1hY2Nlc3MtdG9rZW46Z2hzX3NlY3JldA==
`;

describe('git config credentials', () => {
  it.each<[string, string, ReturnType<typeof findGitCredential>]>([
    ['what actions/checkout writes', CHECKOUT_CONFIG, 'extraheader'],
    ['a plain http section', '[http]\n  extraHeader = Authorization: bearer x\n', 'extraheader'],
    ['the old dotted section form', '[http.https://github.com/]\nextraheader=x\n', 'extraheader'],
    ['a key on the header line', '[HTTP "https://x/"] ExtraHeader = x', 'extraheader'],
    [
      'a remote URL with a token',
      '[remote "origin"]\n\turl = https://x-access-token:ghs_abc@github.com/o/r\n',
      'url-password',
    ],
    [
      'a URL rewrite',
      '[url "https://user:pw@example.com/"]\n\tinsteadOf = https://example.com/\n',
      'url-password',
    ],
    [
      'no credentials',
      '[core]\n\tbare = false\n[remote "origin"]\n\turl = https://github.com/o/r\n',
      undefined,
    ],
    ['a user without password', '[remote "o"]\n\turl = ssh://git@github.com/o/r\n', undefined],
    ['an emptied extraheader', '[http "https://github.com/"]\n\textraheader =\n', undefined],
    ['an extraheader outside http', '[alias]\n\textraheader = log\n', undefined],
  ])('finds in %s: %s', (_what, text, found) => {
    expect(findGitCredential(text)).toBe(found);
  });

  it.each<[string, typeof posix, boolean]>([
    ['/ws/.git/config', posix, true],
    ['/ws/.git/modules/sub/config', posix, true],
    ['/ws/app/config', posix, false],
    ['/ws/.git/config.bak', posix, false],
    ['/ws/.github/config', posix, false],
    ['C:\\ws\\.GIT\\CONFIG', win32, true],
    ['C:\\ws\\src\\config', win32, false],
  ])('%s is a git config: %s', (path, rules, expected) => {
    expect(isGitConfigPath(path, rules)).toBe(expected);
  });
});
