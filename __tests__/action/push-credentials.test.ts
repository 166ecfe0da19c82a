// Credentials and transport of push, through the bundled action, against a real registry that
// speaks TLS with a self-signed certificate and wants a login: username/password (masked before
// anything is printed), the Docker config docker/login-action writes, ca-file and insecure.
import { join } from 'node:path';
import { basicAuthField, writeDockerConfig } from '../support/docker-config.js';
import type { ActionRun } from '../support/run-action.js';
import { useTestBed } from './push-support.js';

const USER = 'pusher';
const PASSWORD = 'Open Sesame 42!';
const TOKEN = 'ghs_notARealToken0123456789';

/**
 * The secret is announced to the runner (`::add-mask::`) before any other line mentions it, and
 * no other line of stdout or stderr shows it: the runner replaces what it was told to mask.
 */
function expectMaskedFirst(run: ActionRun, secret: string): void {
  const lines = run.stdout.split('\n');
  const maskLine = lines.indexOf(`::add-mask::${secret}`);
  expect(maskLine).toBeGreaterThanOrEqual(0);
  const firstMention = lines.findIndex((line) => line.includes(secret));
  expect(firstMention).toBe(maskLine);
  const others = lines.filter((_, i) => i !== maskLine).join('\n');
  expect(others).not.toContain(secret);
  expect(run.stderr).not.toContain(secret);
}

describe('push with credentials, over TLS', () => {
  const bed = useTestBed({
    registry: { tls: true, htpasswd: { username: USER, password: PASSWORD } },
    tree: { 'a.txt': 'a\n' },
    defaults: (registry) => ({ command: 'push', registry: registry!.host, files: 'a.txt' }),
  });

  const push = (inputs: Record<string, string>, env?: Record<string, string>) =>
    bed.run(inputs, { env: { RUNNER_DEBUG: '1', ...env } });

  it('logs in with username and password, trusts ca-file, and masks the secrets first', async () => {
    const run = await push({
      reference: 'creds/app:v1',
      username: USER,
      password: PASSWORD,
      'github-token': TOKEN,
      'ca-file': bed.registry.caFile!,
    });
    expect(run.errors).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(run.outputs['reference']).toBe(
      `${bed.registry.host}/creds/app@${run.outputs['digest']}`,
    );
    expectMaskedFirst(run, PASSWORD);
    expectMaskedFirst(run, TOKEN);
    // The summary's pull step carries what the transport needed, never a secret.
    expect(run.summary).toContain(`    ca-file: ${bed.registry.caFile}\n`);
    expect(run.summary).not.toContain(PASSWORD);
  });

  it('masks the password even when the first error is about another input that repeats it', async () => {
    const run = await push({
      reference: `creds/app:${PASSWORD}`,
      username: USER,
      password: PASSWORD,
    });
    expect(run.exitCode).toBe(1);
    expect(run.errors[0]).toContain('Input "reference"');
    // The error line quotes the reference, password included: the mask came first.
    expect(
      run.stdout.split('\n').findIndex((line) => line.startsWith('::error::')),
    ).toBeGreaterThan(run.stdout.split('\n').indexOf(`::add-mask::${PASSWORD}`));
    expect(run.stdout.split('\n')[0]).toBe(`::add-mask::${PASSWORD}`);
  });

  it('fails with the registry and HTTP 401 on a wrong password, which it does not print', async () => {
    const wrong = 'not the password';
    const run = await push({
      reference: 'creds/app:v2',
      username: USER,
      password: wrong,
      'ca-file': bed.registry.caFile!,
    });
    expect(run.exitCode).toBe(1);
    expect(run.errors[0]).toContain(bed.registry.host);
    expect(run.errors[0]).toContain('401');
    expectMaskedFirst(run, wrong);
  });

  it('uses the credentials docker/login-action left in the Docker config', async () => {
    const config = await writeDockerConfig(join(bed.dir, 'docker'), {
      auths: { [bed.registry.host]: { auth: basicAuthField(USER, PASSWORD) } },
    });
    const run = await push(
      { reference: 'creds/docker-config:v1', insecure: 'true' },
      { DOCKER_CONFIG: config },
    );
    expect(run.errors).toEqual([]);
    expect(run.exitCode).toBe(0);
    // Found in the Docker config, not given as an input: masked before it is used.
    expectMaskedFirst(run, PASSWORD);
    expect(run.stdout).toContain(
      `Credentials for ${bed.registry.host}: the Docker config ${join(config, 'config.json')}`,
    );
    expect(run.summary).toContain('    insecure: true\n');
  });

  it('refuses the self-signed certificate without ca-file or insecure, and says what to do', async () => {
    const run = await push({
      reference: 'creds/app:v3',
      username: USER,
      password: PASSWORD,
    });
    expect(run.exitCode).toBe(1);
    expect(run.errors[0]).toMatch(/certificate/i);
    expect(run.errors[0]).toMatch(/ca-file|insecure/);
    expectMaskedFirst(run, PASSWORD);
  });

  it('names the missing half of a login', async () => {
    const run = await push({ reference: 'creds/app:v4', username: USER });
    expect(run.exitCode).toBe(1);
    expect(run.errors[0]).toBe(
      'Input "password": nothing was given; expected a password or token, since "username" is set',
    );
  });
});
