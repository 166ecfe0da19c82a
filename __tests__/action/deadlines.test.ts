// The action's deadlines, through the bundled dist/index.js: a host that accepts and never
// answers, a registry that stalls mid-blob or trickles (behind the fault proxy), retries in the
// log as they happen, and the `timeout` input. The test-only OCI_ACTION_TEST_* knobs shorten the
// clocks so that each case takes seconds; the `timeout` cases run with the defaults.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from '../oci/content.js';
import { fileLayer, pushArtifact } from '../commands/pull/fixtures.js';
import { startSilentServer, type SilentServer } from '../support/silent-server.js';
import { startAction } from '../support/run-action.js';
import { failed, pullFixture, repository, succeeded } from './pull-support.js';

/** Clocks of a few hundred milliseconds, retries without waiting. */
const quick = {
  OCI_ACTION_TEST_CONNECT_MS: '300',
  OCI_ACTION_TEST_ANSWER_MS: '300',
  OCI_ACTION_TEST_STALL_MS: '300',
  OCI_ACTION_TEST_LOW_SPEED_BYTES_PER_SECOND: String(64 * 1024),
  OCI_ACTION_TEST_LOW_SPEED_WINDOW_MS: '400',
  OCI_ACTION_TEST_RETRY_BASE_MS: '1',
  OCI_ACTION_TEST_RETRY_MAX_MS: '5',
};

describe('a registry host that accepts connections and never answers', () => {
  const fixture = pullFixture();
  let silent: SilentServer;
  beforeAll(async () => {
    silent = await startSilentServer();
  });
  afterAll(async () => silent?.stop());

  it('fails the step after 5 attempts, naming the host, what timed out and after how long', async () => {
    const ws = await fixture.tempDir();
    const run = await fixture.run(
      { command: 'pull', registry: silent.host, reference: 'app:v1', path: 'out' },
      { workspace: ws, env: quick },
    );
    expect(failed(run)).toBe(
      `connect to ${silent.host} failed: could not connect to ${silent.host} within 300 ms (TCP and TLS handshake). gave up after 5 attempts`,
    );
    const retries = run.stdout.split('\n').filter((line) => /retrying in/.test(line));
    expect(retries).toHaveLength(4);
    expect(retries[0]).toMatch(
      new RegExp(
        `^ping https://${silent.host.replace(/\./g, '\\.')}: could not connect to .* within 300 ms .*; retrying in \\d+ ms \\(attempt 2 of 5\\)$`,
      ),
    );
    expect(await readdir(ws)).toEqual([]);
  });

  it('over plain HTTP, fails when no answer comes, saying so', async () => {
    const run = await fixture.run(
      { command: 'resolve', registry: silent.host, reference: 'app:v1', 'plain-http': 'true' },
      { env: quick },
    );
    expect(failed(run)).toBe(
      `connect to ${silent.host} failed: ${silent.host} sent no answer within 300 ms of the request. gave up after 5 attempts`,
    );
  });
});

describe('a registry that misbehaves mid-transfer', () => {
  const fixture = pullFixture();
  const { pullViaProxy, tempDir } = fixture;

  async function pushed(name: string, size: number, seed: number) {
    const bytes = randomBytes(size, seed);
    const artifact = await pushArtifact(
      repository(fixture.registry.host, name),
      [fileLayer('data.bin', bytes)],
      'v1',
    );
    const digest = artifact.layers[0]!.digest;
    return { bytes, path: new RegExp(`/blobs/${digest}$`) };
  }

  it('logs each retry as it happens: the retried request waits until its line is out', async () => {
    await pushed('retry/log', 1024, 1);
    let lineSeen!: () => void;
    const seen = new Promise<void>((resolve) => (lineSeen = resolve));
    fixture.proxy.setRules([
      {
        method: 'HEAD',
        path: /\/manifests\/v1$/,
        fault: { kind: 'status', status: 503 },
        times: 1,
      },
      // The second attempt gets its answer only once the test has read the retry line: were the
      // line written at the end of the step, the step would never end.
      { method: 'HEAD', path: /\/manifests\/v1$/, fault: { kind: 'hold-answer', until: seen } },
    ]);
    const ws = await tempDir();
    const started = await startAction(
      {
        command: 'pull',
        registry: fixture.proxy.host,
        'plain-http': 'true',
        reference: 'retry/log:v1',
      },
      { workspace: ws, env: quick },
    );
    const line = await started.waitForLine(/retrying in/);
    lineSeen();
    const run = succeeded(await started.finished);
    await run.cleanup();
    expect(line).toMatch(
      /^resolve 127\.0\.0\.1:\d+\/retry\/log:v1: HTTP 503; retrying in \d+ ms \(attempt 2 of 5\)$/,
    );
  });

  it('cuts a blob that stalls, resumes it with Range, and the pull succeeds', async () => {
    const { bytes, path } = await pushed('stall/once', 256 * 1024, 2);
    fixture.proxy.setRules([
      { method: 'GET', path, fault: { kind: 'stall', afterBytes: 100 * 1024 }, times: 1 },
    ]);
    const ws = await tempDir();
    const run = succeeded(
      await pullViaProxy({ reference: 'stall/once:v1' }, { workspace: ws, env: quick }),
    );
    expect(run.stdout).toMatch(
      /cut at byte 102400 of 262144: the download from 127\.0\.0\.1:\d+ stalled: no bytes moved for 300 ms; retrying in \d+ ms \(attempt 2 of 5\)/,
    );
    const ranges = fixture.proxy.requests
      .filter((r) => path.test(r.path))
      .map((r) => r.headers['range']);
    expect(ranges).toEqual([undefined, 'bytes=102400-']);
    expect(await readdir(ws)).toEqual(['data.bin']);
    expect((await readFile(join(ws, 'data.bin'))).equals(bytes)).toBe(true);
  });

  it('fails a blob that stalls every time, and leaves nothing behind', async () => {
    const { path } = await pushed('stall/always', 256 * 1024, 3);
    fixture.proxy.setRules([{ method: 'GET', path, fault: { kind: 'stall', afterBytes: 1024 } }]);
    const ws = await tempDir();
    const run = await pullViaProxy(
      { reference: 'stall/always:v1', path: 'out' },
      { workspace: ws, env: quick },
    );
    expect(failed(run)).toMatch(
      /^layer "data\.bin" \(sha256:\w+\): fetch blob 127\.0\.0\.1:\d+\/stall\/always@sha256:\w+ failed: the download from 127\.0\.0\.1:\d+ stalled: no bytes moved for 300 ms\. the connection was cut at byte 5120 of 262144; gave up after 5 attempts/,
    );
    expect(await readdir(ws)).toEqual([]);
  });

  it('cuts a blob that trickles below the minimum rate', async () => {
    const { path } = await pushed('trickle/always', 128 * 1024, 4);
    fixture.proxy.setRules([
      { method: 'GET', path, fault: { kind: 'trickle', bytes: 100, everyMs: 10 } },
    ]);
    const ws = await tempDir();
    const run = await pullViaProxy(
      { reference: 'trickle/always:v1' },
      { workspace: ws, env: quick },
    );
    expect(failed(run)).toMatch(
      /the download from 127\.0\.0\.1:\d+ was too slow: [\d.]+ KiB in 400 ms, below the minimum of 64 KiB\/s\. the connection was cut at byte \d+ of 131072; gave up after 5 attempts/,
    );
    expect(await readdir(ws)).toEqual([]);
  });
});

describe('the timeout input', () => {
  const fixture = pullFixture();
  const { pullViaProxy, tempDir } = fixture;

  it('ends a pull stuck on a stalled blob, with the defaults in force, and cleans up', async () => {
    const artifact = await pushArtifact(
      repository(fixture.registry.host, 'timeout/pull'),
      [fileLayer('data.bin', randomBytes(256 * 1024, 5))],
      'v1',
    );
    const path = new RegExp(`/blobs/${artifact.layers[0]!.digest}$`);
    fixture.proxy.setRules([{ method: 'GET', path, fault: { kind: 'stall', afterBytes: 1024 } }]);
    const ws = await tempDir();
    // No knobs: the stall deadline is the default 30 s, so only the timeout can end this.
    const run = await pullViaProxy(
      { reference: 'timeout/pull:v1', path: 'out', timeout: '2' },
      { workspace: ws },
    );
    expect(failed(run)).toBe(
      'Timed out after 2 s (input "timeout") while running "pull": transfers aborted, temporary files removed',
    );
    expect(run.stdout).not.toMatch(/retrying in/);
    expect(await readdir(ws)).toEqual([]);
  });

  it('refuses what is not a whole number of seconds', async () => {
    for (const timeout of ['0', '1.5', 'ten', '-3']) {
      const run = await fixture.run({ command: 'resolve', layout: 'nowhere', timeout });
      expect(failed(run)).toBe(
        `Input "timeout": got ${JSON.stringify(timeout)}; expected a whole number of seconds from 1 to 2147483, or nothing for no timeout`,
      );
    }
  });
});
