// Credentials and transport of pull, through the bundled action, against a real registry that
// speaks TLS with a self-signed certificate and wants a login. Pull reads them as push does
// (push-credentials.test.ts covers every way in); this proves pull passes them on.
import { join } from 'node:path';
import { parseReference } from '../../src/oci/reference.js';
import { RemoteRepository } from '../../src/oci/remote/repository.js';
import { startRegistry, type Registry } from '../support/registry.js';
import { runAction, type ActionRun } from '../support/run-action.js';
import { fileLayer, pushArtifact } from '../commands/pull/fixtures.js';
import { listing, pullTempDir, tree, useUmask } from '../commands/pull/helpers.js';

const USER = 'puller';
const PASSWORD = 'Open Sesame 43!';

describe('pull with credentials, over TLS', () => {
  useUmask();
  let registry: Registry;
  const cleanups: (() => Promise<void>)[] = [];
  beforeAll(async () => {
    registry = await startRegistry({ tls: true, htpasswd: { username: USER, password: PASSWORD } });
    const repository = new RemoteRepository(parseReference(`${registry.host}/creds/app`), {
      caFile: registry.caFile!,
      credentials: { kind: 'basic', username: USER, password: PASSWORD },
    });
    await pushArtifact(repository, [fileLayer('secret-plans.txt', 'plans')], 'v1');
  });
  afterAll(async () => {
    await Promise.all(cleanups.map((cleanup) => cleanup()));
    await registry?.stop();
  });

  async function pull(inputs: Record<string, string>): Promise<{ run: ActionRun; ws: string }> {
    const dir = await pullTempDir('oci-pull-creds-');
    cleanups.push(dir.remove);
    const run = await runAction(
      {
        command: 'pull',
        registry: registry.host,
        reference: 'creds/app:v1',
        path: 'out',
        ...inputs,
      },
      { workspace: dir.path },
    );
    cleanups.push(run.cleanup);
    return { run, ws: dir.path };
  }

  it('logs in with username and password, trusts ca-file, and never prints the password', async () => {
    const { run, ws } = await pull({
      username: USER,
      password: PASSWORD,
      'ca-file': registry.caFile!,
    });
    expect(run.errors).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(await tree(join(ws, 'out'))).toEqual({ 'secret-plans.txt': 'file 644 plans' });
    expect(run.stdout).toContain(`::add-mask::${PASSWORD}`);
    expect(run.stdout.replace(`::add-mask::${PASSWORD}`, '')).not.toContain(PASSWORD);
    expect(run.stderr).not.toContain(PASSWORD);
    expect(run.summary).not.toContain(PASSWORD);
  });

  it('fails without credentials, naming the registry and its answer, and writes nothing', async () => {
    const { run, ws } = await pull({ 'ca-file': registry.caFile! });
    expect(run.exitCode).toBe(1);
    expect(run.errors[0]).toContain(registry.host);
    expect(run.errors[0]).toContain('401');
    expect(await listing(ws)).toEqual([]);
  });
});
