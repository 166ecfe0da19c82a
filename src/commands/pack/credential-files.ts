// Files that tools write credentials into are never pushed while they hold one, whatever
// include-hidden-files says and however they were named: a git config (actions/checkout's token),
// git's credential store, .netrc, .npmrc and .yarnrc.yml, .pypirc, a Docker config, a
// kubeconfig, AWS and Cargo credentials, the Google Cloud key google-github-actions/auth writes
// into the workspace (gha-creds-*.json), and SSH private keys. Such a file is known by its real path's name and judged by its content, so a
// file of the same name without a credential (an .npmrc that reads ${NODE_AUTH_TOKEN}) is pushed.
import { StringDecoder } from 'node:string_decoder';
import { readChecked, type CheckedFile } from './checked-file.js';
import { GIT_CREDENTIAL_TEXT, GitConfigScanner, isGitConfigPath } from './git-credentials.js';
import { hostPaths, type PathRules } from './path-rules.js';
import { SpecError } from './spec-error.js';
import type { Blame } from './workspace.js';

/** Reads a file's lines one at a time; `found` says what credential it holds, once it does. */
export interface CredentialScanner {
  line(text: string): void;
  readonly found: string | undefined;
}

export interface CredentialStore {
  /** What the file is, for the message: "a git config". */
  what: string;
  scanner(): CredentialScanner;
  /** What to do instead, given the file's own name. */
  advice(name: string): string;
}

/** A scanner that finds what the first of `patterns` to match a line names. */
function patternScanner(patterns: readonly [RegExp, string][]): () => CredentialScanner {
  return () => {
    let found: string | undefined;
    return {
      line(text) {
        found ??= patterns.find(([pattern]) => pattern.test(text))?.[1];
      },
      get found() {
        return found;
      },
    };
  };
}

// A value that is only a reference to an environment variable holds no secret of its own:
// `${NPM_TOKEN}`, npm's `${NPM_TOKEN?}`, Yarn's `${NPM_TOKEN:-}` or `${NPM_TOKEN-default}`.
const NOT_A_VARIABLE = String.raw`(?!["']?\$\{[A-Za-z_][A-Za-z0-9_]*(?::?[-?][^}]*)?\}["']?\s*$)\S`;
const leaveOut = (name: string): string => `leave it out (!**/${name})`;

/** Git's own format (a config, or the credential store's URLs), read by GitConfigScanner. */
function gitScanner(): CredentialScanner {
  const git = new GitConfigScanner();
  return {
    line: (text) => git.line(text),
    get found() {
      return git.found === undefined ? undefined : GIT_CREDENTIAL_TEXT[git.found];
    },
  };
}

const GIT_CONFIG: CredentialStore = {
  what: 'a git config',
  scanner: gitScanner,
  advice: () => 'check out with persist-credentials: false, or leave .git out (!.git)',
};

const GIT_CREDENTIALS: CredentialStore = {
  what: "git's credential store",
  scanner: gitScanner,
  advice: leaveOut,
};

const NETRC: CredentialStore = {
  what: 'a .netrc',
  scanner: patternScanner([[/(?:^|\s)password\s+\S/, 'a password']]),
  advice: leaveOut,
};

const NPMRC: CredentialStore = {
  what: 'an .npmrc',
  scanner: patternScanner([
    [
      new RegExp(String.raw`(?:^|:)\s*(?:_authToken|_auth|_password)\s*=\s*${NOT_A_VARIABLE}`),
      'an auth token (write it as ${NODE_AUTH_TOKEN}, as actions/setup-node does)',
    ],
  ]),
  advice: leaveOut,
};

const YARNRC: CredentialStore = {
  what: 'a .yarnrc.yml',
  scanner: patternScanner([
    [
      new RegExp(String.raw`^\s*npmAuth(?:Token|Ident)\s*:\s*${NOT_A_VARIABLE}`),
      'an auth token (write it as ${NODE_AUTH_TOKEN})',
    ],
  ]),
  advice: leaveOut,
};

const DOCKER_CONFIG: CredentialStore = {
  what: 'a Docker config',
  scanner: patternScanner([
    [/"(?:auth|identitytoken|registrytoken)"\s*:\s*"[^"]/i, 'registry credentials'],
  ]),
  advice: () =>
    'set DOCKER_CONFIG to a folder outside the workspace, or leave it out (!**/.docker)',
};

const AWS_CREDENTIALS: CredentialStore = {
  what: 'an AWS credentials file',
  scanner: patternScanner([[/^\s*aws_(?:secret_access_key|session_token)\s*=\s*\S/i, 'a key']]),
  advice: () => 'leave it out (!**/.aws)',
};

const GOOGLE_CREDENTIALS: CredentialStore = {
  what: 'a Google Cloud credentials file (google-github-actions/auth writes one into the workspace)',
  scanner: patternScanner([
    [/"private_key"\s*:\s*"[^"]/, 'a private key'],
    [/"credential_source"\s*:/, "a token source (the job's OIDC request token)"],
    [/"refresh_token"\s*:\s*"[^"]/, 'a refresh token'],
  ]),
  advice: (name) =>
    `set create_credentials_file: false on google-github-actions/auth, or leave it out (!**/${name.replace(/^gha-creds-.*\.json$/, 'gha-creds-*.json')})`,
};

const PYPIRC: CredentialStore = {
  what: 'a .pypirc',
  scanner: patternScanner([[/^\s*password\s*[=:]\s*\S/, 'a password']]),
  advice: leaveOut,
};

const KUBECONFIG: CredentialStore = {
  what: 'a kubeconfig',
  scanner: patternScanner([
    [/^\s*(?:token|client-key-data|password)\s*:\s*\S/, 'a token or client key'],
  ]),
  advice: () => 'leave it out (!**/.kube)',
};

const CARGO_CREDENTIALS: CredentialStore = {
  what: "Cargo's credentials",
  scanner: patternScanner([[/^\s*token\s*=\s*\S/, 'a registry token']]),
  advice: () => 'leave it out (!**/.cargo)',
};

const SSH_KEY: CredentialStore = {
  what: 'an SSH key file',
  scanner: patternScanner([[/-----BEGIN [A-Z ]*PRIVATE KEY-----/, 'a private key']]),
  advice: leaveOut,
};

const SSH_KEY_NAMES = new Set([
  'id_rsa',
  'id_dsa',
  'id_ecdsa',
  'id_ed25519',
  'id_ecdsa_sk',
  'id_ed25519_sk',
]);

/**
 * The credential store a real path is, by its names (compared without case, as on macOS and
 * Windows); undefined for every other file, which is then not read for this.
 */
export function credentialStoreOf(
  realPath: string,
  rules: PathRules = hostPaths,
): CredentialStore | undefined {
  if (isGitConfigPath(realPath, rules)) return GIT_CONFIG;
  const names = realPath.split(rules.sep);
  const name = (names.at(-1) ?? '').toLowerCase();
  const folder = (names.at(-2) ?? '').toLowerCase();
  if (name === '.git-credentials') return GIT_CREDENTIALS;
  if (name === '.netrc' || name === '_netrc') return NETRC;
  if (name === '.npmrc') return NPMRC;
  if (name === '.yarnrc.yml') return YARNRC;
  if (name === 'config.json' && folder === '.docker') return DOCKER_CONFIG;
  if (name === 'credentials' && folder === '.aws') return AWS_CREDENTIALS;
  if (/^gha-creds-.*\.json$/.test(name)) return GOOGLE_CREDENTIALS;
  if (name === '.pypirc') return PYPIRC;
  if (name === 'config' && folder === '.kube') return KUBECONFIG;
  if ((name === 'credentials' || name === 'credentials.toml') && folder === '.cargo')
    return CARGO_CREDENTIALS;
  if (SSH_KEY_NAMES.has(name)) return SSH_KEY;
  return undefined;
}

/** What credential `text` holds for `store`, if any. */
export function findCredential(store: CredentialStore, text: string): string | undefined {
  const scanner = store.scanner();
  for (const line of text.split(/\r?\n/)) scanner.line(line);
  return scanner.found;
}

/**
 * Fails when `file` is a credential store holding a credential; other files pass without a read.
 * `shown` is how the file is named in the message (never its content).
 */
export async function refuseCredentials(
  file: CheckedFile,
  shown: string,
  blame: Blame,
  rules: PathRules = hostPaths,
): Promise<void> {
  const store = credentialStoreOf(file.path, rules);
  if (store === undefined) return;
  const scanner = store.scanner();
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
  const name = file.path.split(rules.sep).at(-1) ?? shown;
  throw new SpecError(
    blame.input,
    blame.given,
    `no credentials, but ${JSON.stringify(shown)} holds ${scanner.found}; ${store.what} with credentials is never pushed: ${store.advice(name)}`,
  );
}
