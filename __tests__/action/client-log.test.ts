// The OCI client speaks through the action's log (bundled action, real registry): which source
// the credentials came from (never their value), fallbacks it takes, and the registry's
// Warning headers.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { artifact, pushGraph } from '../oci/content.js';
import { basicAuthField, writeDockerConfig } from '../support/docker-config.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { runnerLines, workflowCommands } from '../support/workflow-commands.js';
import { attachTo, repository, seed, useRegistries } from './registry-support.js';

const USER = 'writer';
const PASSWORD = 'Client-Log-Pa55-3f7a';

describe('the client speaks in the action log', () => {
  const fx = useRegistries([{ htpasswd: { username: USER, password: PASSWORD } }, {}]);
  const login = { username: USER, password: PASSWORD };
  let ws: string;
  let proxy: FaultProxy;
  beforeAll(async () => {
    ws = join(fx.temp, 'ws');
    await mkdir(ws, { recursive: true });
    await writeFile(join(ws, 'a.txt'), 'a\n');
    proxy = fx.stopAfter(await startFaultProxy(fx.registries[1]!.url));
  });
  afterEach(() => proxy.setRules([]));

  const info = (stdout: string): string[] =>
    runnerLines(stdout).filter((line) => line !== '' && !line.startsWith('::'));

  it('names the inputs as the source of the credentials, and the plain-HTTP fallback', async () => {
    const host = fx.registry.host;
    const run = await fx.act(
      {
        command: 'push',
        registry: host,
        reference: 'logged/app:v1',
        files: 'a.txt',
        username: USER,
        password: PASSWORD,
      },
      { workspace: ws },
    );
    expect(run.errors).toEqual([]);
    const lines = info(run.stdout);
    expect(lines).toContain(`Credentials for ${host}: the "username" and "password" inputs`);
    expect(lines.filter((l) => l.startsWith('Credentials for'))).toHaveLength(1);
    expect(lines).toContain(
      `${host} does not speak TLS; using plain HTTP, as for any loopback registry that does not (plain-http: true says so up front)`,
    );
    // The value never appears but in the mask command.
    expect(run.stdout.split('\n').filter((l) => l.includes(PASSWORD))).toEqual([
      `::add-mask::${PASSWORD}`,
    ]);
  });

  it('names the Docker config entry, and masks the password it found there', async () => {
    const host = fx.registry.host;
    await pushGraph(repository(host, 'logged/config', login), artifact({ 'c.txt': 'c' }), 'v1');
    const config = await writeDockerConfig(join(fx.temp, 'docker'), {
      auths: { [host]: { auth: basicAuthField(USER, PASSWORD) } },
    });
    const run = await fx.act(
      { command: 'resolve', registry: host, reference: 'logged/config:v1', 'plain-http': 'true' },
      { env: { DOCKER_CONFIG: config } },
    );
    expect(run.errors).toEqual([]);
    expect(info(run.stdout)).toContain(
      `Credentials for ${host}: the Docker config ${join(config, 'config.json')} (auths "${host}")`,
    );
    const lines = run.stdout.split('\n');
    expect(lines.filter((l) => l.includes(PASSWORD))).toEqual([`::add-mask::${PASSWORD}`]);
    // Masked before any request could fail and quote it.
    expect(lines.indexOf(`::add-mask::${PASSWORD}`)).toBeLessThan(
      lines.findIndex((l) => l.startsWith('Credentials for')),
    );
  });

  it('says that it reads the referrers tag schema when the registry has no referrers API', async () => {
    const open = fx.registries[1]!;
    const subject = await seed(open, 'logged/subject', artifact({ 's.txt': 's' }), 'v1');
    await attachTo(open, 'logged/subject', subject, 'application/vnd.example.sig');
    const run = await fx.act({
      command: 'discover',
      registry: open.host,
      reference: 'logged/subject:v1',
      'plain-http': 'true',
    });
    expect(run.exitCode).toBe(0);
    const tag = subject.root.descriptor.digest.replace(':', '-');
    expect(info(run.stdout)).toContain(
      `${open.host}/logged/subject has no referrers API (its referrers endpoint answered HTTP 404); reading the referrers tag ${tag} instead`,
    );
  });

  it('shows a registry Warning header once, as a warning', async () => {
    const open = fx.registries[1]!;
    await seed(open, 'logged/old', artifact({ 'o.txt': 'o' }), 'v1');
    proxy.setRules([
      {
        path: /\/v2\//,
        fault: {
          kind: 'headers',
          headers: { warning: '299 - "logged/old is deprecated: use logged/new"' },
        },
      },
    ]);
    const run = await fx.act(
      { command: 'pull', registry: proxy.host, reference: 'logged/old:v1', path: 'out' },
      { workspace: join(fx.temp, 'pull-ws') },
    );
    expect(run.errors).toEqual([]);
    // Every answer carried it; the log says it once.
    expect(proxy.requests.length).toBeGreaterThan(2);
    expect(workflowCommands(run.stdout).filter((c) => c.name === 'warning')).toEqual([
      expect.objectContaining({
        data: `${proxy.host} warns: logged/old is deprecated: use logged/new`,
      }),
    ]);
  });
});
