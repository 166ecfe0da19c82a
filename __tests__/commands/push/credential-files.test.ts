// Credential stores a push refuses while they hold a credential: known by the real path's name,
// judged by content, so the same name without a credential is pushed.
import { mkdir, realpath, writeFile } from 'node:fs/promises';
import { join, posix, win32 } from 'node:path';
import { checkOwnFile } from '../../../src/commands/pack/checked-file.js';
import {
  credentialStoreOf,
  findCredential,
  refuseCredentials,
} from '../../../src/commands/pack/credential-files.js';
import { makeTempDir } from '../../support/temp.js';

const GHP = 'ghp_0123456789abcdefghijABCDEFGHIJ012345';

describe('credential files', () => {
  it.each<[string, string, string | undefined]>([
    [
      '/ws/.git/config',
      `[remote "origin"]\n\turl = https://${GHP}@github.com/o/r.git\n`,
      'a URL with a token as its user name',
    ],
    [
      '/ws/.git/config',
      '[remote "origin"]\n\turl = https://octocat@github.com/o/r.git\n',
      undefined,
    ],
    ['/ws/.git-credentials', `https://x-access-token:${GHP}@github.com\n`, 'a URL with a password'],
    ['/ws/.netrc', 'machine github.com login x\n  password s3cret\n', 'a password'],
    ['/ws/_netrc', 'machine github.com login x\n', undefined],
    ['/ws/app/.npmrc', `//npm.example.com/:_authToken=${GHP}\n`, 'an auth token'],
    ['/ws/app/.npmrc', `_auth = dXNlcjpwYXNz\n`, 'an auth token'],
    ['/ws/app/.npmrc', '//npm.example.com/:_authToken=${NODE_AUTH_TOKEN}\n', undefined],
    ['/ws/app/.npmrc', '@org:registry=https://npm.example.com\n', undefined],
    ['/ws/.yarnrc.yml', `npmAuthToken: ${GHP}\n`, 'an auth token'],
    ['/ws/.yarnrc.yml', 'npmAuthToken: "${NODE_AUTH_TOKEN}"\n', undefined],
    ['/ws/.yarnrc.yml', 'npmAuthToken: "${NPM_TOKEN:-}"\n', undefined],
    ['/ws/.yarnrc.yml', 'npmAuthToken: ${NPM_TOKEN-none}\n', undefined],
    ['/ws/app/.npmrc', '//r/:_authToken=${NPM_TOKEN?}\n', undefined],
    [
      '/ws/.docker/config.json',
      '{"auths":{"ghcr.io":{"auth":"dXNlcjpwYXNz"}}}',
      'registry credentials',
    ],
    ['/ws/.docker/config.json', '{\n  "credsStore": "desktop"\n}\n', undefined],
    [
      '/ws/.aws/credentials',
      '[default]\naws_access_key_id = AKIA\naws_secret_access_key = abc\n',
      'a key',
    ],
    [
      '/ws/gha-creds-0a1b2c3d4e5f.json',
      '{"type":"service_account","private_key":"-----BEGIN"}',
      'a private key',
    ],
    [
      '/ws/gha-creds-0a1b2c3d4e5f.json',
      '{"type":"external_account","credential_source":{"url":"https://x","headers":{"Authorization":"Bearer y"}}}',
      "a token source (the job's OIDC request token)",
    ],
    ['/ws/keys/id_ed25519', '-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn\n', 'a private key'],
    [
      '/ws/.pypirc',
      '[pypi]\nusername = __token__\npassword = pypi-AgEIcHlwaS5vcmc\n',
      'a password',
    ],
    ['/ws/.pypirc', '[distutils]\nindex-servers = pypi\n', undefined],
    ['/ws/.kube/config', 'users:\n- name: ci\n  user:\n    token: eyJhbGciOi\n', 'a token'],
    ['/ws/.kube/config', 'clusters:\n- cluster:\n    server: https://k8s\n', undefined],
    ['/ws/.cargo/credentials.toml', '[registry]\ntoken = "cio_abc"\n', 'a registry token'],
  ])('%s holding %j: %s', (path, text, found) => {
    const store = credentialStoreOf(path, posix);
    expect(store).toBeDefined();
    const result = findCredential(store!, text);
    if (found === undefined) expect(result).toBeUndefined();
    else expect(result).toContain(found);
  });

  it.each<[string, boolean]>([
    ['/ws/config.json', false],
    ['/ws/credentials', false],
    ['/ws/npmrc', false],
    ['/ws/gha-creds.txt', false],
    ['/ws/keys/id_ed25519.pub', false],
    ['C:\\ws\\.DOCKER\\Config.json', true],
    ['C:\\ws\\.aws\\credentials', true],
    ['C:\\ws\\_netrc', true],
  ])('%s is a credential store: %s', (path, expected) => {
    const rules = path.startsWith('C:') ? win32 : posix;
    expect(credentialStoreOf(path, rules) !== undefined).toBe(expected);
  });

  it('refuses a store holding one, naming the file, never its content, and saying what to do', async () => {
    const dir = await makeTempDir('oci-creds-');
    try {
      const root = await realpath(dir.path);
      await mkdir(join(root, 'app'));
      await writeFile(join(root, 'app', '.npmrc'), `registry=x\n//r/:_authToken=${GHP}\n`);
      await writeFile(join(root, 'gha-creds-42.json'), '{"private_key": "k"}');
      const blame = { input: 'files', given: 'app' };
      const npmrc = refuseCredentials(
        await checkOwnFile(join(root, 'app', '.npmrc')),
        'app/.npmrc',
        blame,
      );
      await expect(npmrc).rejects.toThrow(
        'files: got "app"; expected no credentials, but "app/.npmrc" holds an auth token (write it as ${NODE_AUTH_TOKEN}, as actions/setup-node does); an .npmrc with credentials is never pushed: leave it out (!**/.npmrc)',
      );
      await expect(npmrc).rejects.not.toThrow(GHP);
      await expect(
        refuseCredentials(
          await checkOwnFile(join(root, 'gha-creds-42.json')),
          'gha-creds-42.json',
          blame,
        ),
      ).rejects.toThrow(
        'set create_credentials_file: false on google-github-actions/auth, or leave it out (!**/gha-creds-*.json)',
      );
    } finally {
      await dir.remove();
    }
  });
});
