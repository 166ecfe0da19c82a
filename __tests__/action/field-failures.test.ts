// Failures in the field, through the bundled action as the runner runs it: a registry behind the
// fault proxy that throttles, refuses or lies, and what the one ::error:: line then tells a CI
// engineer (what was being done, on what, and what to change). The test-only knobs shorten the
// clocks so that each case takes a moment.
import { randomBytes } from 'node:crypto';
import { watch } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileLayer, folderLayer, pushArtifact } from '../commands/pull/fixtures.js';
import { deferred } from '../support/deferred.js';
import { freePort } from '../support/free-port.js';
import { startAction, type StartedAction } from '../support/run-action.js';
import { startRegistry, type Registry } from '../support/registry.js';
import { mountSmallFilesystem } from '../support/small-filesystem.js';
import { makeTempDir } from '../support/temp.js';
import { startTokenServer, type TokenServer } from '../support/token-server.js';
import { failed, pullFixture, repository } from './pull-support.js';

/** Clocks of a few hundred milliseconds, retries without waiting. */
const quick = {
  OCI_ACTION_TEST_CONNECT_MS: '300',
  OCI_ACTION_TEST_ANSWER_MS: '300',
  OCI_ACTION_TEST_STALL_MS: '300',
  OCI_ACTION_TEST_RETRY_BASE_MS: '1',
  OCI_ACTION_TEST_RETRY_MAX_MS: '5',
};

describe('a registry that fails a push', () => {
  const fixture = pullFixture();

  async function push(name: string, inputs: Record<string, string> = {}) {
    const ws = await fixture.tempDir();
    await writeFile(join(ws, 'small.txt'), 'small\n');
    return fixture.run(
      {
        command: 'push',
        registry: fixture.proxy.host,
        'plain-http': 'true',
        reference: `${name}:v1`,
        files: 'small.txt',
        ...inputs,
      },
      { workspace: ws, env: quick },
    );
  }

  it('that drops every upload says each retry once, naming the blob once', async () => {
    fixture.proxy.setRules([
      { method: 'PUT', path: /\/blobs\/uploads\//, fault: { kind: 'drop' } },
    ]);
    const run = await push('field/dropped');
    const blob = '127\\.0\\.0\\.1:\\d+/field/dropped@sha256:\\w+';
    expect(failed(run)).toMatch(
      new RegExp(
        `^push blob ${blob} failed: (other side closed|read ECONNRESET)\\. gave up after 5 attempts$`,
      ),
    );
    const retries = run.stdout.split('\n').filter((line) => /retrying in/.test(line));
    expect(retries.length).toBeGreaterThanOrEqual(4);
    for (const line of retries) {
      expect(line).toMatch(
        new RegExp(
          `^push blob ${blob} failed: [^:]+; retrying in \\d+ ms \\(attempt [2-5] of 5\\)$`,
        ),
      );
    }
  });

  it('that refuses an extra tag fails the step, still naming the digest pushed in outputs', async () => {
    fixture.proxy.setRules([
      {
        method: 'PUT',
        path: /\/manifests\/extra$/,
        fault: {
          kind: 'status',
          status: 403,
          body: '{"errors":[{"code":"DENIED","message":"tag is immutable"}]}',
        },
      },
    ]);
    const run = await push('field/tag-refused', { tags: 'extra' });
    const message = failed(run);
    const digest = run.outputs['digest'] ?? '';
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(message).toContain(
      `field/tag-refused@${digest} is pushed and tagged v1, but tagging it extra failed`,
    );
    expect(message).toContain('tag is immutable');
    expect(JSON.parse(run.outputs['tags'] ?? '[]')).toEqual([
      `${fixture.proxy.host}/field/tag-refused:v1`,
    ]);
    expect(run.summary).toContain(digest);
  });

  it('that answers 503 to every upload never says it gave up before it has', async () => {
    fixture.proxy.setRules([
      { method: 'PUT', path: /\/blobs\/uploads\//, fault: { kind: 'status', status: 503 } },
    ]);
    const run = await push('field/unavailable');
    const blob = '127\\.0\\.0\\.1:\\d+/field/unavailable@sha256:\\w+';
    expect(failed(run)).toMatch(
      new RegExp(`^push blob ${blob} failed \\(HTTP 503\\)\\. gave up after 5 attempts$`),
    );
    const retries = run.stdout.split('\n').filter((line) => /retrying in/.test(line));
    expect(retries.length).toBeGreaterThanOrEqual(4);
    for (const line of retries) {
      expect(line).toMatch(
        new RegExp(
          `^push blob ${blob} failed \\(HTTP 503\\); retrying in \\d+ ms \\(attempt [2-5] of 5\\)$`,
        ),
      );
    }
  });

  it('that says it stored another digest than the one sent fails that blob, not the manifest', async () => {
    const lie = `sha256:${'0'.repeat(64)}`;
    fixture.proxy.setRules([
      {
        method: 'PUT',
        path: /\/blobs\/uploads\//,
        fault: { kind: 'status', status: 201, headers: { 'docker-content-digest': lie } },
      },
    ]);
    const run = await push('field/lying');
    expect(failed(run)).toMatch(
      new RegExp(
        `^push blob 127\\.0\\.0\\.1:\\d+/field/lying@sha256:\\w+ failed \\(HTTP 201\\)\\. the registry answered that it stored "${lie}" instead: it did not store the bytes sent \\(a proxy between that alters them, or a broken registry\\)$`,
      ),
    );
    expect(
      fixture.proxy.requests.some(
        (r) => r.method === 'PUT' && /\/field\/lying\/manifests\//.test(r.path),
      ),
    ).toBe(false);
  });

  it('that throttles every request says so, what it asked for, and what to do', async () => {
    fixture.proxy.setRules([
      {
        method: 'POST',
        fault: { kind: 'status', status: 429, headers: { 'retry-after': '3600' } },
      },
    ]);
    const run = await push('field/throttled');
    expect(failed(run)).toMatch(
      /^push blob 127\.0\.0\.1:\d+\/field\/throttled@sha256:\w+ failed \(HTTP 429\)\. the registry kept answering HTTP 429 \(too many requests\) and asked for a wait of 3600 s \(Retry-After\), longer than the longest wait between attempts \(5 ms\); gave up after 5 attempts\. It is limiting requests from this runner: run the job again later, or lower "concurrency"$/,
    );
  });
});

describe('a pull of what is not there', () => {
  const fixture = pullFixture();
  beforeAll(async () => {
    await pushArtifact(
      repository(fixture.registry.host, 'field/known'),
      [fileLayer('a.txt', 'a')],
      'v1',
    );
  });

  async function pull(reference: string) {
    const ws = await fixture.tempDir();
    const run = await fixture.pull({ reference, path: 'out' }, { workspace: ws });
    return { message: failed(run), host: fixture.registry.host };
  }

  it('whose blob always comes short says how far it came, once', async () => {
    const artifact = await pushArtifact(
      repository(fixture.registry.host, 'field/short'),
      [fileLayer('data.bin', Buffer.alloc(64 * 1024, 7))],
      'v1',
    );
    const digest = artifact.layers[0]!.digest;
    fixture.proxy.setRules([
      {
        method: 'GET',
        path: new RegExp(`/blobs/${digest}$`),
        fault: { kind: 'status', status: 200, body: 'x'.repeat(1000) },
      },
    ]);
    const ws = await fixture.tempDir();
    const run = await fixture.pullViaProxy(
      { reference: 'field/short:v1', path: 'out' },
      { workspace: ws, env: quick },
    );
    expect(failed(run)).toBe(
      `layer "data.bin" (${digest.slice(0, 19)}): fetch blob ${fixture.proxy.host}/field/short@${digest} ` +
        'failed: the answer was shorter than asked. the answer ended at byte 1000 of 65536; gave up after 5 attempts',
    );
  });

  it('with a tag that is not there names the tags there are', async () => {
    const { message, host } = await pull('field/known:v2');
    expect(message).toBe(
      `${host}/field/known:v2 not found: the repository has no tag "v2" (its tags: v1): ` +
        `fetch manifest ${host}/field/known:v2 failed (HTTP 404): MANIFEST_UNKNOWN: manifest unknown`,
    );
  });

  it('of a repository that is not there says so, not that a manifest is unknown', async () => {
    const { message, host } = await pull('field/knwon:v1');
    expect(message).toMatch(
      new RegExp(
        `^${host}/field/knwon:v1 not found: the repository ${host}/field/knwon does not exist:`,
      ),
    );
  });
});

describe('a full disk', () => {
  const fixture = pullFixture();

  it('fails a pull with how much it needed and had, and keeps nothing', async () => {
    const artifact = await pushArtifact(
      repository(fixture.registry.host, 'field/full'),
      [fileLayer('data.bin', Buffer.alloc(3 * 1024 * 1024, 1))],
      'v1',
    );
    const ws = await fixture.tempDir();
    const small = join(ws, 'small');
    const unmount = await mountSmallFilesystem(small, 2 * 1024 * 1024);
    try {
      const run = await fixture.pull(
        { reference: 'field/full:v1', path: 'small/out' },
        { workspace: ws },
      );
      const digest = artifact.layers[0]!.digest;
      expect(failed(run)).toBe(
        `layer "data.bin" (${digest.slice(0, 19)}): no space left on the filesystem of ` +
          `${join(small, 'out')}: the pull's layers take 3.0 MiB as downloaded (a folder layer ` +
          `more once unpacked), and it had 2.0 MiB free when the pull began. Free space on the ` +
          `runner, or pull into a folder on a larger disk (input "path"); nothing was kept: ` +
          `ENOSPC: no space left on device, write`,
      );
      expect(await readdir(small)).toEqual([]);
    } finally {
      await unmount();
    }
  });

  it('fails a push while packing, saying where and how far it came, and keeps nothing', async () => {
    const ws = await fixture.tempDir();
    await mkdir(join(ws, 'site'));
    // Random bytes: gzip cannot make them smaller than the 2 MiB the temporary folder has.
    for (let i = 0; i < 4; i++) await writeFile(join(ws, 'site', `${i}.bin`), randomBytes(1 << 20));
    const temp = await fixture.tempDir();
    const unmount = await mountSmallFilesystem(temp, 2 * 1024 * 1024);
    try {
      const run = await fixture.run(
        {
          command: 'push',
          registry: fixture.registry.host,
          'plain-http': 'true',
          reference: 'field/full-push:v1',
          files: 'site',
        },
        { workspace: ws, env: { RUNNER_TEMP: temp } },
      );
      expect(failed(run)).toMatch(
        new RegExp(
          `^no space left to pack a folder into ${temp}/oci-push-\\w+: its filesystem filled after [\\d.]+ MiB of the gzipped layer \\(from [\\d.]+ MiB of tar\\)\\. Free space in the runner's temporary folder \\(RUNNER_TEMP\\); nothing was kept: ENOSPC: no space left on device, write$`,
        ),
      );
      expect(await readdir(temp)).toEqual([]);
    } finally {
      await unmount();
    }
  });
});

describe('a registry that cannot be reached or refuses the login', () => {
  const fixture = pullFixture();
  let guarded: Registry;
  let tls: Registry;
  let tokens: TokenServer;
  let tokenGuarded: Registry;
  let certificates: Awaited<ReturnType<typeof makeTempDir>>;
  beforeAll(async () => {
    guarded = await startRegistry({ htpasswd: { username: 'ci', password: 'right' } });
    tls = await startRegistry({ tls: true });
    certificates = await makeTempDir('oci-field-token-');
    tokens = await startTokenServer(
      { users: { ci: { password: 'right', access: { app: ['pull'] } } } },
      certificates.path,
    );
    tokenGuarded = await startRegistry({ auth: tokens.registryAuth });
  });
  afterAll(async () => {
    await guarded?.stop();
    await tls?.stop();
    await tokenGuarded?.stop();
    await tokens?.stop();
    await certificates?.remove();
  });

  /** Resolves app:v1 on `registry` with the username ci and a wrong password. */
  const resolveWithWrongPassword = (registry: Registry) =>
    fixture.run(
      {
        command: 'resolve',
        registry: registry.host,
        reference: 'app:v1',
        'plain-http': 'true',
        username: 'ci',
        password: 'wrong',
      },
      { env: quick },
    );

  it('over plain HTTP when it speaks only HTTPS says which input to change', async () => {
    const run = await fixture.run(
      { command: 'resolve', registry: tls.host, reference: 'app:v1', 'plain-http': 'true' },
      { env: quick },
    );
    expect(failed(run)).toBe(
      `connect to ${tls.host} failed (HTTP 400): UNKNOWN: Client sent an HTTP request to an ` +
        `HTTPS server. ${tls.host} refused a plain HTTP request: if it speaks HTTPS, leave out ` +
        `plain-http (or set it to false)`,
    );
  });

  it('over plain HTTP sent over to HTTPS by a proxy says which input to change', async () => {
    fixture.proxy.setRules([
      {
        method: 'GET',
        path: /^\/v2\/$/,
        fault: { kind: 'redirect', status: 301, location: `https://${fixture.proxy.host}/v2/` },
      },
    ]);
    const host = fixture.proxy.host;
    const run = await fixture.run(
      { command: 'resolve', registry: host, reference: 'app:v1', 'plain-http': 'true' },
      { env: quick },
    );
    expect(failed(run)).toBe(
      `connect to ${host} failed (HTTP 301). ${host} refused a plain HTTP request: if it speaks ` +
        `HTTPS, leave out plain-http (or set it to false)`,
    );
  });

  it('when nothing listens says what to check', async () => {
    const host = `127.0.0.1:${await freePort()}`;
    const run = await fixture.run(
      { command: 'resolve', registry: host, reference: 'app:v1', 'plain-http': 'true' },
      { env: quick },
    );
    expect(failed(run)).toBe(
      `connect to ${host} failed: connect ECONNREFUSED ${host}. nothing accepts connections at ` +
        `${host}: check the registry's host and port, and that it is running; gave up after 5 attempts`,
    );
  });

  it('whose token service is down says so, and which service', async () => {
    const certs = await makeTempDir('oci-field-token-down-');
    const service = await startTokenServer({ users: {} }, certs.path);
    const registry = await startRegistry({ auth: service.registryAuth });
    try {
      await service.stop();
      const run = await fixture.run(
        { command: 'resolve', registry: registry.host, reference: 'app:v1', 'plain-http': 'true' },
        { env: quick },
      );
      const realm = new URL(service.realm);
      expect(failed(run)).toBe(
        `get a token for ${registry.host} from ${realm.origin} failed: connect ECONNREFUSED ` +
          `${realm.host}. nothing accepts connections at ${realm.host}, the token service of ` +
          `${registry.host}: it is down, or the registry names a wrong one; gave up after 5 attempts`,
      );
    } finally {
      await registry.stop();
      await certs.remove();
    }
  });

  it('names where the credentials its token service rejected came from', async () => {
    const run = await resolveWithWrongPassword(tokenGuarded);
    expect(failed(run)).toMatch(
      /^get a token for 127\.0\.0\.1:\d+ \(repository:app:pull\) failed \(HTTP 401\).*\. the registry rejected the credentials for 127\.0\.0\.1:\d+ \(from the "username" and "password" inputs\): check the username and password or token, and that it has not expired$/,
    );
  });

  it('names where the rejected credentials came from', async () => {
    const run = await resolveWithWrongPassword(guarded);
    expect(failed(run)).toMatch(
      /\. the registry rejected the credentials for 127\.0\.0\.1:\d+ \(from the "username" and "password" inputs\): check the username and password or token, and that it has not expired$/,
    );
  });
});

describe('a cancelled job', () => {
  const fixture = pullFixture();

  /** Resolves once a file named `name` appears anywhere below `folder`. */
  function appearing(folder: string, name: string): { seen: Promise<void>; stop: () => void } {
    let stop = (): void => undefined;
    const seen = new Promise<void>((resolve) => {
      const watcher = watch(folder, { recursive: true }, (_event, file) => {
        if (file !== null && file.endsWith(name)) resolve();
      });
      stop = () => watcher.close();
    });
    return { seen, stop };
  }

  it('SIGTERM mid-extraction of a folder layer: stops, keeps no file it extracted, says so', async () => {
    const entries = Array.from({ length: 40 }, (_, i) => ({
      name: `site/f${i}.bin`,
      body: randomBytes(16 * 1024),
    }));
    const artifact = await pushArtifact(
      repository(fixture.registry.host, 'field/extract'),
      [folderLayer('site', entries)],
      'v1',
    );
    const digest = artifact.layers[0]!.digest;
    fixture.proxy.setRules([
      {
        method: 'GET',
        path: new RegExp(`/blobs/${digest}$`),
        fault: { kind: 'hold', afterBytes: 256 * 1024, until: new Promise(() => undefined) },
      },
    ]);
    const ws = await fixture.tempDir();
    // The first file is written while the rest of the layer is still held back.
    const first = appearing(ws, 'f0.bin');
    const run = await startAction(
      {
        command: 'pull',
        registry: fixture.proxy.host,
        'plain-http': 'true',
        reference: 'field/extract:v1',
        path: 'out',
      },
      { workspace: ws },
    );
    try {
      await first.seen;
      run.child.kill('SIGTERM');
      const result = await run.finished;
      expect(failed(result)).toBe(
        'Interrupted by SIGTERM while running "pull": transfers aborted, temporary files removed',
      );
      expect(await readdir(ws)).toEqual([]);
      expect(await readdir(run.runnerTemp)).toEqual([]);
      await result.cleanup();
    } finally {
      first.stop();
      run.child.kill('SIGKILL');
    }
  });

  it('a signal while the manifest PUT hangs: the manifest holds it back only so long', async () => {
    const ws = await fixture.tempDir();
    await writeFile(join(ws, 'small.txt'), 'small\n');
    const running = deferred<StartedAction>();
    fixture.proxy.setRules([
      {
        method: 'PUT',
        path: /\/manifests\/v1$/,
        // The first attempt hangs (until the default answer deadline, 20 s, cuts it) and one
        // signal comes, as a timeout does, with no second one; the manifest's next attempt
        // would go through, so a step let through whole ends as an ordinary cancellation.
        times: 1,
        fault: {
          kind: 'hold-answer',
          until: new Promise(() => undefined),
          onHeld: () => void running.promise.then((run) => run.child.kill('SIGTERM')),
        },
      },
    ]);
    const run = await startAction(
      {
        command: 'push',
        registry: fixture.proxy.host,
        'plain-http': 'true',
        reference: 'field/hung-manifest:v1',
        files: 'small.txt',
      },
      { workspace: ws, env: { OCI_ACTION_TEST_HOLD_MS: '300' } },
    );
    running.resolve(run);
    try {
      const result = await run.finished;
      expect(failed(result)).toBe(
        'Interrupted by SIGTERM while running "push"; it did not stop in time, so the action ' +
          'exits at once: temporary files removed',
      );
      expect(await readdir(run.runnerTemp)).toEqual([]);
      await result.cleanup();
    } finally {
      run.child.kill('SIGKILL');
    }
  });
});
