// Cancelling the bundled action mid-transfer, as the runner does (SIGINT, SIGTERM; SIGKILL when
// a step ignores them): it stops at once, removes its temporary files, tags nothing new, and says
// in one line what was interrupted; a work folder left by a killed pull is removed by the next.
// Signals are sent when a request reaches the fault proxy, never after a sleep.
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { WORK_MARKER } from '../../src/commands/pull/work-folders.js';
import { fileLayer, pushArtifact } from '../commands/pull/fixtures.js';
import { randomBytes } from '../oci/content.js';
import { deferred } from '../support/deferred.js';
import type { FaultProxy, SeenRequest } from '../support/fault-proxy.js';
import { startAction, type ActionRun, type StartedAction } from '../support/run-action.js';
import { failed, pullFixture, repository, succeeded } from './pull-support.js';

const never = new Promise<never>(() => undefined);

/** Resolves when a request matching `method` and `path` reaches the proxy. */
function reaching(proxy: FaultProxy, method: string, path: RegExp): Promise<SeenRequest> {
  return new Promise((resolve) => {
    const stop = proxy.onRequest((request) => {
      if (request.method !== method || !path.test(request.path)) return;
      stop();
      resolve(request);
    });
  });
}

/** Resolves when the `count`th request matching `method` and `path` reaches the proxy. */
function reachingTimes(
  proxy: FaultProxy,
  method: string,
  path: RegExp,
  count: number,
): Promise<void> {
  let seen = 0;
  return new Promise((resolve) => {
    const stop = proxy.onRequest((request) => {
      if (request.method !== method || !path.test(request.path) || ++seen < count) return;
      stop();
      resolve();
    });
  });
}

/** Sends SIGTERM to a pull, which must fail saying so and leave its workspace `ws` empty. */
async function interruptPull(run: StartedAction, ws: string): Promise<ActionRun> {
  run.child.kill('SIGTERM');
  const result = await run.finished;
  expect(failed(result)).toBe(
    'Interrupted by SIGTERM while running "pull": transfers aborted, temporary files removed',
  );
  expect(await readdir(ws)).toEqual([]);
  return result;
}

/** Tags of a repository as the registry lists them; [] when it holds none (or no repository). */
async function registryTags(registryUrl: string, name: string): Promise<string[]> {
  const response = await fetch(`${registryUrl}/v2/${name}/tags/list`);
  if (response.status === 404) return [];
  return ((await response.json()) as { tags: string[] | null }).tags ?? [];
}

describe('interrupting the action', () => {
  const fixture = pullFixture();
  const { tempDir } = fixture;
  const started: StartedAction[] = [];
  afterEach(async () => {
    for (const run of started.splice(0)) {
      run.child.kill('SIGKILL');
      await (await run.finished).cleanup();
    }
  });

  async function start(inputs: Record<string, string>, workspace: string, env = {}) {
    const run = await startAction(
      { registry: fixture.proxy.host, 'plain-http': 'true', ...inputs },
      { workspace, env },
    );
    started.push(run);
    return run;
  }

  async function pushedBlob(name: string) {
    const artifact = await pushArtifact(
      repository(fixture.registry.host, name),
      [fileLayer('data.bin', randomBytes(256 * 1024, 7))],
      'v1',
    );
    return new RegExp(`/blobs/${artifact.layers[0]!.digest}$`);
  }

  it('SIGTERM mid-pull: stops, removes its work folder and the folder it made, says so', async () => {
    const path = await pushedBlob('sigterm/pull');
    fixture.proxy.setRules([
      { method: 'GET', path, fault: { kind: 'hold', afterBytes: 64 * 1024, until: never } },
    ]);
    const ws = await tempDir();
    const download = reaching(fixture.proxy, 'GET', path);
    const run = await start({ command: 'pull', reference: 'sigterm/pull:v1', path: 'out' }, ws);
    await download;
    const result = await interruptPull(run, ws);
    expect(result.errors).toHaveLength(1);
  });

  it('SIGTERM mid-pull of a blob in parts: every part stops, the file and the work folder go', async () => {
    const artifact = await pushArtifact(
      repository(fixture.registry.host, 'sigterm/parts'),
      [fileLayer('data.bin', randomBytes(4 * 1024 * 1024, 8))],
      'v1',
    );
    const path = new RegExp(`/blobs/${artifact.layers[0]!.digest}$`);
    fixture.proxy.setRules([
      { method: 'GET', path, fault: { kind: 'hold', afterBytes: 64 * 1024, until: never } },
    ]);
    const ws = await tempDir();
    const parts = reachingTimes(fixture.proxy, 'GET', path, 4);
    const run = await start(
      { command: 'pull', reference: 'sigterm/parts:v1', path: 'out', 'download-parts': '4' },
      ws,
    );
    await parts;
    const result = await interruptPull(run, ws);
    expect(result.errors).toHaveLength(1);
  });

  it('SIGTERM mid-pull of several references: removes its work folder and every folder it made', async () => {
    await pushedBlob('sigterm/several-a');
    const held = await pushedBlob('sigterm/several-b');
    fixture.proxy.setRules([
      { method: 'GET', path: held, fault: { kind: 'hold', afterBytes: 64 * 1024, until: never } },
    ]);
    const ws = await tempDir();
    const download = reaching(fixture.proxy, 'GET', held);
    const run = await start(
      {
        command: 'pull',
        reference: 'sigterm/several-a:v1 into=a\nsigterm/several-b:v1 into=b/deeper',
        path: 'out',
      },
      ws,
    );
    await download;
    await interruptPull(run, ws);
  });

  it('SIGTERM while index reads its entries: tags nothing', async () => {
    const name = 'sigterm/index';
    for (const tag of ['linux', 'windows']) {
      await pushArtifact(repository(fixture.registry.host, name), [fileLayer('a.txt', tag)], tag);
    }
    const entry = /\/manifests\/windows$/;
    fixture.proxy.setRules([
      { method: 'HEAD', path: entry, fault: { kind: 'hold-answer', until: never } },
    ]);
    const resolving = reaching(fixture.proxy, 'HEAD', entry);
    const run = await start(
      {
        command: 'index',
        reference: `${name}:v1`,
        manifests: 'linux platform=linux/amd64\nwindows platform=windows/amd64',
        tags: 'latest',
      },
      await tempDir(),
    );
    await resolving;
    run.child.kill('SIGTERM');
    const result = await run.finished;
    expect(failed(result)).toBe(
      'Interrupted by SIGTERM while running "index": transfers aborted, temporary files removed',
    );
    expect((await registryTags(fixture.registry.url, name)).sort()).toEqual(['linux', 'windows']);
  });

  it.each(['SIGTERM', 'SIGINT'] as const)(
    '%s mid-push: stops the upload, tags nothing, leaves no temporary files',
    async (signal) => {
      const ws = await tempDir();
      await writeFile(join(ws, 'big.bin'), randomBytes(4 * 1024 * 1024, 8));
      const name = `${signal.toLowerCase()}/push`;
      fixture.proxy.setRules([
        {
          method: 'PUT',
          path: /\/blobs\/uploads\//,
          fault: { kind: 'stall-upload', afterBytes: 64 * 1024 },
        },
      ]);
      const upload = reaching(fixture.proxy, 'PUT', /\/blobs\/uploads\//);
      const run = await start(
        { command: 'push', reference: `${name}:v1`, files: 'big.bin', tags: 'latest' },
        ws,
      );
      await upload;
      run.child.kill(signal);
      const result = await run.finished;
      expect(failed(result)).toBe(
        `Interrupted by ${signal} while running "push": transfers aborted, temporary files removed`,
      );
      expect(await registryTags(fixture.registry.url, name)).toEqual([]);
      expect(await readdir(run.runnerTemp)).toEqual([]);
      expect(
        fixture.proxy.requests.some((r) => r.method === 'PUT' && /manifests/.test(r.path)),
      ).toBe(false);
    },
  );

  it('a signal while the manifest is being written lets it finish, then skips the extra tags', async () => {
    const ws = await tempDir();
    await writeFile(join(ws, 'small.txt'), 'small\n');
    const released = deferred();
    const running = deferred<StartedAction>();
    fixture.proxy.setRules([
      {
        method: 'PUT',
        path: /\/manifests\/v1$/,
        times: 1,
        fault: {
          kind: 'hold-answer',
          until: released.promise,
          // The registry has stored the manifest: only its answer is late. Interrupt now, and
          // answer once the action has taken the signal in.
          onHeld: () => {
            void running.promise.then(async (run) => {
              run.child.kill('SIGTERM');
              await run.waitForLine(/^::debug::Interrupted by SIGTERM/).finally(released.resolve);
            });
          },
        },
      },
    ]);
    const run = await start(
      { command: 'push', reference: 'commit/point:v1', files: 'small.txt', tags: 'extra' },
      ws,
    );
    running.resolve(run);
    const result = await run.finished;
    expect(failed(result)).toBe(
      'Interrupted by SIGTERM while running "push": transfers aborted, temporary files removed',
    );
    expect(result.stdout).toMatch(/\nPushed manifest sha256:\w+ \(\d+ B\) as v1\n/);
    expect(await registryTags(fixture.registry.url, 'commit/point')).toEqual(['v1']);
    expect(await readdir(run.runnerTemp)).toEqual([]);
  });

  it('a work folder left by a killed pull is removed by the next pull into that folder, and only it', async () => {
    const path = await pushedBlob('sigkill/pull');
    fixture.proxy.setRules([
      { method: 'GET', path, fault: { kind: 'hold', afterBytes: 64 * 1024, until: never } },
    ]);
    const ws = await tempDir();
    const out = join(ws, 'out');
    const download = reaching(fixture.proxy, 'GET', path);
    const killed = await start({ command: 'pull', reference: 'sigkill/pull:v1', path: 'out' }, ws);
    await download;
    killed.child.kill('SIGKILL');
    await killed.finished;
    const [stale, ...others] = await readdir(out);
    expect(others).toEqual([]);
    expect(stale).toMatch(/^\.oci-pull-[0-9a-f-]{36}$/);
    expect(JSON.parse(await readFile(join(out, stale!, WORK_MARKER), 'utf8'))).toMatchObject({
      tool: 'oci-artifact-action',
      pid: killed.child.pid,
    });

    // Look-alikes that are not abandoned work folders: a user's folder of that name (no
    // marker), the work folder of a pull still running here (this process), and a link.
    const usersFolder = `.oci-pull-${randomUUID()}`;
    await mkdir(join(out, usersFolder));
    await writeFile(join(out, usersFolder, 'keep.txt'), 'mine\n');
    const running = `.oci-pull-${randomUUID()}`;
    await mkdir(join(out, running));
    const marker = {
      tool: 'oci-artifact-action',
      kind: 'pull-work-folder',
      pid: process.pid,
      host: hostname(),
      started: new Date().toISOString(),
    };
    await writeFile(join(out, running, WORK_MARKER), JSON.stringify(marker));
    const link = `.oci-pull-${randomUUID()}`;
    await symlink(join(out, stale!), join(out, link));

    fixture.proxy.setRules([]);
    const next = succeeded(
      await fixture.pullViaProxy({ reference: 'sigkill/pull:v1', path: 'out' }, { workspace: ws }),
    );
    expect(next.stdout).toContain(
      `Removed ${stale}, the work folder of an interrupted pull (process ${killed.child.pid} on ${hostname()}, started `,
    );
    expect((await readdir(out)).sort()).toEqual([link, running, usersFolder, 'data.bin'].sort());
    expect(await readFile(join(out, usersFolder, 'keep.txt'), 'utf8')).toBe('mine\n');
  });
});
