// Credentials of the CLI against a real registry that speaks TLS with a self-signed certificate
// and wants a login: the Docker config (as docker login leaves it), --password-stdin, and a
// password on the command line that no message shows, not even one about a mistyped flag.
import { join } from 'node:path';
import { basicAuthField, writeDockerConfig } from '../support/docker-config.js';
import { runCli, type CliRun } from '../support/run-cli.js';
import { useTestBed } from '../action/push-support.js';

const USER = 'cli-user';
const PASSWORD = 'Cli Sesame 42!';

describe('the oci-artifact CLI with credentials, over TLS', () => {
  const bed = useTestBed({
    registry: { tls: true, htpasswd: { username: USER, password: PASSWORD } },
    tree: { 'a.txt': 'a\n' },
  });
  const push = (args: readonly string[], options: Parameters<typeof runCli>[1] = {}) =>
    runCli(
      [
        'push',
        '--registry',
        bed.registry.host,
        '--files',
        'a.txt',
        '--ca-file',
        bed.registry.caFile!,
        ...args,
      ],
      { cwd: bed.ws, ...options },
      bed.defer,
    );
  const expectHidden = (run: CliRun, secret: string): void => {
    expect(run.stderr).not.toContain(secret);
    expect(run.stdout).not.toContain(secret);
  };

  it('uses the credentials docker login left in the Docker config', async () => {
    const config = await writeDockerConfig(join(bed.dir, 'docker'), {
      auths: { [bed.registry.host]: { auth: basicAuthField(USER, PASSWORD) } },
    });
    const run = await push(['--reference', 'creds/docker-config:v1', '--debug'], {
      env: { DOCKER_CONFIG: config },
    });
    expect(run.log.filter((line) => line.startsWith('Error'))).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(run.outputs['reference']).toBe(
      `${bed.registry.host}/creds/docker-config@${run.outputs['digest'] as string}`,
    );
    expect(run.log).toContainEqual(
      expect.stringMatching(
        `^Credentials for ${bed.registry.host}: the Docker config ${join(config, 'config.json')}`,
      ),
    );
    expectHidden(run, PASSWORD);
  });

  it('reads the password from standard input with --password-stdin', async () => {
    const run = await push(
      ['--reference', 'creds/stdin:v1', '--username', USER, '--password-stdin', '--debug'],
      { stdin: `${PASSWORD}\n` },
    );
    expect(run.log.filter((line) => line.startsWith('Error'))).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(run.outputs['digest']).toMatch(/^sha256:[0-9a-f]{64}$/);
    expectHidden(run, PASSWORD);
  });

  it('never prints a password given on the command line, whatever the error quotes', async () => {
    const wrong = 'not the password';
    const refused = await push([
      '--reference',
      'creds/app:v2',
      '--username',
      USER,
      '--password',
      wrong,
    ]);
    expect(refused.exitCode).toBe(1);
    expect(refused.log.at(-1)).toMatch(new RegExp(`^Error: .*${bed.registry.host}.*401`));
    expectHidden(refused, wrong);

    // An input error that quotes the password (a tag made of it), and a mistyped flag.
    const quoted = await push([
      '--reference',
      `creds/app:${PASSWORD}`,
      '--username',
      USER,
      `--password=${PASSWORD}`,
    ]);
    expect(quoted.exitCode).toBe(1);
    expect(quoted.log).toEqual([
      expect.stringMatching(/^Error: Input "reference": got "creds\/app:\*\*\*"/),
    ]);
    const mistyped = await push(['--password', PASSWORD, '--pasword', PASSWORD, PASSWORD]);
    expect(mistyped.exitCode).toBe(1);
    expect(mistyped.log).toEqual([
      expect.stringMatching(/^Error: Unknown flag --pasword for push; did you mean --password\?/),
    ]);
    expectHidden(quoted, PASSWORD);
    expectHidden(mistyped, PASSWORD);
  });

  it('refuses --password together with --password-stdin', async () => {
    const run = await push(['--password', PASSWORD, '--password-stdin'], { stdin: PASSWORD });
    expect(run.exitCode).toBe(1);
    expect(run.log).toEqual(['Error: Give --password or --password-stdin, not both']);
  });
});
