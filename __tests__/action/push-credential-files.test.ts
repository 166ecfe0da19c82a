// Files that tools write credentials into, through the bundled action and a real registry: the
// Google Cloud key google-github-actions/auth leaves in the workspace (not a hidden name, so a
// glob takes it), and an .npmrc with a token inside a folder pushed with include-hidden-files.
// Refused without a byte of the secret in the log; the same names without a secret are pushed.
// And the values of the push's own credentials (github-token, password), in any file.
import type { ActionRun } from '../support/run-action.js';
import { catalog, succeeded, useTestBed } from './push-support.js';

const TOKEN = 'ghp_0123456789abcdefghijCREDFILES0123';
/** What the runner gives github-token by default: the job's token. */
const JOB_TOKEN = 'ghs_0123456789abcdefghijJOBTOKEN00123';
const PASSWORD = 'registry-password-0123456789';

describe('credential files on push', () => {
  const bed = useTestBed({
    registry: {},
    tree: {
      'report.json': '{}\n',
      'gha-creds-3f2a9c1d0e7b4a56.json': `{"type":"service_account","private_key":"${TOKEN}"}\n`,
      'app/index.js': 'x\n',
      'app/.npmrc': `//npm.example.com/:_authToken=${TOKEN}\n`,
      'web/index.js': 'y\n',
      'web/.npmrc': '//npm.example.com/:_authToken=${NODE_AUTH_TOKEN}\n',
      'web/.docker/config.json': '{"credsStore": "desktop"}\n',
      'site/index.html': '<p>hi</p>\n',
      'site/debug/env.txt': `HOME=/home/runner\nGITHUB_TOKEN=${JOB_TOKEN}\n`,
      'logs/build.log': `login with ${PASSWORD}\n`,
      'ci/auth.json': `{"auths":{"r":{"auth":"${Buffer.from(`ci:${PASSWORD}`).toString('base64')}"}}}\n`,
    },
    defaults: (registry) => ({ command: 'push', registry: registry!.host, 'plain-http': 'true' }),
  });

  const refused = async (inputs: Record<string, string>): Promise<ActionRun> => {
    const run = await bed.run({ reference: 'creds/x:v1', ...inputs });
    expect(run.exitCode).toBe(1);
    expect(run.errors).toHaveLength(1);
    // The one line that may name a secret is the runner's mask for it.
    const unmasked = run.stdout.replace(/^::add-mask::.*$/gm, '');
    for (const text of [unmasked, run.stderr, run.summary]) {
      for (const secret of [TOKEN, JOB_TOKEN, PASSWORD]) expect(text).not.toContain(secret);
    }
    expect(await catalog(bed.registry.url)).not.toContain('creds/x');
    return run;
  };

  it('refuses the key google-github-actions/auth wrote, when a glob takes it', async () => {
    const run = await refused({ files: '*.json' });
    expect(run.errors[0]).toContain(
      'Input "files": got "*.json"; expected no credentials, but "gha-creds-3f2a9c1d0e7b4a56.json" holds a private key; a Google Cloud credentials file',
    );
    expect(run.errors[0]).toContain(
      'set create_credentials_file: false on google-github-actions/auth, or leave it out (!**/gha-creds-*.json)',
    );
  });

  it('refuses an .npmrc with a token in a folder layer with include-hidden-files', async () => {
    const run = await refused({ files: 'app', 'include-hidden-files': 'true' });
    expect(run.errors[0]).toContain('but "app/.npmrc" holds an auth token');
  });

  it('refuses a file holding the value of github-token, in a folder layer', async () => {
    const run = await refused({ files: 'site', 'github-token': JOB_TOKEN });
    expect(run.errors[0]).toContain(
      'Input "files": got "site"; expected no credentials, but "site/debug/env.txt" holds the value of the input "github-token", which is never pushed',
    );
  });

  it('refuses a file holding the value of password, matched by a glob', async () => {
    const run = await refused({ files: 'logs/*.log', username: 'ci', password: PASSWORD });
    expect(run.errors[0]).toContain('but "logs/build.log" holds the value of the input "password"');
  });

  it('refuses a small file holding the value of password in base64, as a Docker config has it', async () => {
    const run = await refused({ files: 'ci/*.json', username: 'ci', password: PASSWORD });
    expect(run.errors[0]).toContain('but "ci/auth.json" holds the value of the input "password"');
  });

  it('pushes the same names when they hold no credential', async () => {
    const run = succeeded(
      await bed.run({
        reference: 'creds/clean:v1',
        files: 'web\nreport.json\nsite\nlogs/*.log',
        'include-hidden-files': 'true',
        'github-token': 'ghs_another0123456789abcdefghijklmnop',
      }),
    );
    expect(JSON.parse(run.outputs['files']!)).toHaveLength(4);
  });
});
