// Secret hygiene through the bundled action: credentials never cross the network readable to a
// token service, a failing credential helper's output is never printed, and a digest from a
// layout's index.json is checked before it is used or output.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { OciLayout } from '../../src/oci/layout/store.js';
import { artifact, pushGraph } from '../oci/content.js';
import { prependPath, writeDockerConfig } from '../support/docker-config.js';
import { startRegistry, type Registry } from '../support/registry.js';
import { startTokenServer, type TokenServer } from '../support/token-server.js';
import { workflowCommands } from '../support/workflow-commands.js';
import { useRegistries } from './registry-support.js';

const USER = 'alice';
const PASSWORD = 'Token-Realm-Pa55-9e1c';
const basic = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;

describe('a token realm over plain HTTP', () => {
  const fx = useRegistries([]);
  let tokens: TokenServer;
  let secure: Registry;
  let plain: Registry;
  beforeAll(async () => {
    tokens = fx.stopAfter(
      await startTokenServer(
        { users: { [USER]: { password: PASSWORD, access: { 'team/app': ['pull', 'push'] } } } },
        fx.temp,
      ),
    );
    // Both trust the same token service, whose realm is http://127.0.0.1:<port>/token.
    secure = fx.stopAfter(await startRegistry({ tls: true, auth: tokens.registryAuth }));
    plain = fx.stopAfter(await startRegistry({ auth: tokens.registryAuth }));
    await mkdir(join(fx.temp, 'ws'), { recursive: true });
    await writeFile(join(fx.temp, 'ws', 'a.txt'), 'a\n');
  });

  const push = (registry: Registry, extra: Record<string, string> = {}) =>
    fx.act(
      {
        command: 'push',
        registry: registry.host,
        reference: 'team/app:v1',
        files: 'a.txt',
        username: USER,
        password: PASSWORD,
        ...extra,
      },
      { workspace: join(fx.temp, 'ws') },
    );

  it('never receives the credentials when the registry is HTTPS: the push asks anonymously and fails', async () => {
    const before = tokens.requests.length;
    const run = await push(secure, { 'ca-file': secure.caFile! });
    const seen = tokens.requests.slice(before);
    expect(seen.length).toBeGreaterThan(0);
    for (const request of seen) {
      expect(request.authorization).toBeUndefined();
      expect(request.user).toBeUndefined();
      expect(request.method).toBe('GET');
    }
    expect(run.exitCode).toBe(1);
    expect(run.errors[0]).toContain(`${secure.host}/team/app`);
    const warnings = workflowCommands(run.stdout).filter((c) => c.name === 'warning');
    expect(warnings.map((w) => w.data)).toEqual([
      `Not sending the credentials for ${secure.host} to its token service ${new URL(tokens.realm).origin}: it is plain HTTP while the registry connection is HTTPS, and the credentials would cross the network readable; asking for an anonymous token instead`,
    ]);
  });

  it('receives them when the registry connection is plain HTTP as well, by the user’s choice', async () => {
    const before = tokens.requests.length;
    const run = await push(plain, { 'plain-http': 'true' });
    expect(run.errors).toEqual([]);
    expect(run.exitCode).toBe(0);
    const seen = tokens.requests.slice(before);
    expect(seen.length).toBeGreaterThan(0);
    for (const request of seen) {
      expect(request.authorization).toBe(basic);
      expect(request.user).toBe(USER);
    }
  });
});

describe('a layout whose index.json holds a path-like digest', () => {
  const fx = useRegistries([]);

  it.each(['resolve', 'pull', 'discover'])(
    'fails %s clearly, outputting no digest',
    async (command) => {
      const dir = join(fx.temp, `layout-${command}`);
      await pushGraph(
        await OciLayout.open(dir, { create: true }),
        artifact({ 'a.txt': 'a' }),
        'v1',
      );
      const index = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')) as {
        manifests: { digest: string }[];
      };
      index.manifests[0]!.digest = 'sha256:../../x';
      await writeFile(join(dir, 'index.json'), JSON.stringify(index));

      const run = await fx.act({ command, layout: dir, reference: 'v1', path: 'out' });
      expect(run.exitCode).toBe(1);
      expect(run.errors).toEqual([
        `OCI layout ${dir}: index.json lists an entry (manifests[0]) whose digest is not valid: invalid digest "sha256:../../x": expected algorithm:hex, for example sha256:<64 lowercase hex digits>`,
      ]);
      expect(run.outputs['digest']).toBeUndefined();
      expect(run.outputs['reference']).toBeUndefined();
    },
  );
});

describe('a failing credential helper', () => {
  const fx = useRegistries([{ htpasswd: { username: USER, password: PASSWORD } }]);
  let restorePath: () => void = () => {};
  let bin: string;
  beforeAll(async () => {
    bin = join(fx.temp, 'bin');
    await mkdir(bin, { recursive: true });
    // What a half-working helper prints: the very credentials it was asked for.
    await writeFile(
      join(bin, 'docker-credential-leaky'),
      `#!/bin/sh\ncat >/dev/null\necho "helper failed for host with ${USER}:${PASSWORD}" >&2\necho '{"Username":"${USER}","Secret":"${PASSWORD}"}'\nexit 4\n`,
      { mode: 0o755 },
    );
    restorePath = prependPath(bin);
  });
  afterAll(() => restorePath());

  it('is named with its exit code, and nothing it printed reaches the log', async () => {
    const config = await writeDockerConfig(join(fx.temp, 'docker'), {
      credHelpers: { [fx.registry.host]: 'leaky' },
    });
    const run = await fx.act(
      { command: 'resolve', registry: fx.registry.host, reference: 'team/app:v1' },
      { env: { DOCKER_CONFIG: config, PATH: process.env['PATH']!, RUNNER_DEBUG: '1' } },
    );
    expect(run.exitCode).toBe(1);
    const log = `${run.stdout}\n${run.stderr}`;
    for (const leaked of [PASSWORD, 'helper failed', `${USER}:`, 'Secret']) {
      expect(log).not.toContain(leaked);
    }
    const warnings = workflowCommands(run.stdout).filter((c) => c.name === 'warning');
    expect(warnings.map((w) => w.data)).toEqual([
      `docker-credential-leaky get failed for ${fx.registry.host}: it exited with code 4 (what it printed is not shown, as it may hold credentials); trying the other sources of credentials`,
    ]);
    expect(run.stdout).toContain(
      `Credentials for ${fx.registry.host}: none given and none found in the Docker config; going on anonymously`,
    );
    expect(run.errors[0]).toContain('401');
  });
});
