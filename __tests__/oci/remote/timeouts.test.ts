// Our own deadlines against misbehaving servers: a host that accepts and never answers, a
// registry (behind the fault proxy) that stalls mid-blob, trickles, stops reading an upload, or
// takes long to answer a large upload. Clocks are shortened through the client's options, so
// each case takes a fraction of a second; the defaults are checked in deadlines.test.ts.
import { RegistryError } from '../../../src/oci/errors.js';
import { parseReference } from '../../../src/oci/reference.js';
import type { DeadlineOptions, RemoteOptions } from '../../../src/oci/remote/options.js';
import { RemoteRepository } from '../../../src/oci/remote/repository.js';
import { startSilentServer, type SilentServer } from '../../support/silent-server.js';
import { blob, manifest, randomBytes, readAll } from '../content.js';
import { useProxiedRegistry } from './proxied-repositories.js';

const KiB = 1024;
const MiB = 1024 * KiB;

const quick: DeadlineOptions = {
  connectMs: 300,
  answerMs: 300,
  stallMs: 300,
  lowSpeedBytesPerSecond: 64 * KiB,
  lowSpeedWindowMs: 400,
};
const retry = { attempts: 3, baseDelayMs: 1, maxDelayMs: 5 };

describe('a host that accepts connections and never answers', () => {
  let silent: SilentServer;
  beforeAll(async () => {
    silent = await startSilentServer();
  });
  afterAll(async () => silent?.stop());

  const open = (extra: RemoteOptions = {}) =>
    new RemoteRepository(parseReference(`${silent.host}/never/answers`), {
      dockerConfigDir: '/nonexistent',
      retry,
      deadlines: quick,
      ...extra,
    });

  it('fails the TLS handshake after connectMs, each attempt, without trying plain HTTP too', async () => {
    const before = silent.greetings.length;
    const error = (await open()
      .resolve('v1')
      .catch((e: unknown) => e)) as RegistryError;
    expect(error).toBeInstanceOf(RegistryError);
    expect(error.code).toBe('NETWORK_ERROR');
    expect(error.message).toBe(
      `connect to ${silent.host} failed: could not connect to ${silent.host} within 300 ms (TCP and TLS handshake). gave up after 3 attempts`,
    );
    // Three attempts, each a TLS handshake (undici may open a spare connection after an abort,
    // so connections are not counted one to one); plain HTTP was never tried.
    const greetings = silent.greetings.slice(before);
    expect(greetings.length).toBeGreaterThanOrEqual(3);
    expect(new Set(greetings)).toEqual(new Set(['tls']));
  });

  it('over plain HTTP, fails when no answer comes within answerMs of the request', async () => {
    const error = (await open({ plainHttp: true })
      .resolve('v1')
      .catch((e: unknown) => e)) as RegistryError;
    expect(error.message).toBe(
      `connect to ${silent.host} failed: ${silent.host} sent no answer within 300 ms of the request. gave up after 3 attempts`,
    );
    expect(error.cause).toMatchObject({ code: 'TRANSFER_TIMEOUT', kind: 'answer' });
  });

  it('says each retry at info level, before the next attempt is made', async () => {
    const lines: string[] = [];
    const atConnection: number[] = [];
    const stop = silent.onConnection(() => atConnection.push(lines.length));
    try {
      await open({
        plainHttp: true,
        logger: { debug: () => {}, info: (m) => lines.push(m), warning: () => {} },
      })
        .resolve('v1')
        .catch(() => undefined);
    } finally {
      stop();
    }
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      new RegExp(
        `^ping http://${silent.host}: ${silent.host} sent no answer within 300 ms of the request; retrying in \\d+ ms \\(attempt 2 of 3\\)$`,
      ),
    );
    expect(lines[1]).toMatch(/\(attempt 3 of 3\)$/);
    // Each retry's line was written before that attempt connected (undici may open a spare
    // connection after an abort, so connections are not counted one to one).
    expect(atConnection[0]).toBe(0);
    expect(atConnection).toContain(1);
    expect(atConnection).toContain(2);
  });
});

describe('a registry that misbehaves mid-transfer', () => {
  const fx = useProxiedRegistry(retry);
  const open = (name: string, extra: RemoteOptions = {}) =>
    fx.open(name, { deadlines: quick, ...extra });

  async function pushed(name: string, size: number, seed: number) {
    const repo = open(name);
    const layer = blob(randomBytes(size, seed));
    await repo.pushBlob(layer.descriptor, layer.source);
    return { repo, layer, path: new RegExp(`/blobs/${layer.descriptor.digest}$`) };
  }

  it('cuts a download that stalls mid-blob and resumes it with Range', async () => {
    const { repo, layer, path } = await pushed('stall/once', 256 * KiB, 21);
    fx.proxy.setRules([
      { method: 'GET', path, fault: { kind: 'stall', afterBytes: 100 * KiB }, times: 1 },
    ]);
    expect((await readAll(await repo.fetch(layer.descriptor))).equals(layer.bytes)).toBe(true);
    expect(fx.seen('GET', path).map((r) => r.headers['range'])).toEqual([
      undefined,
      `bytes=${100 * KiB}-`,
    ]);
    expect(fx.debug.join('\n')).toMatch(
      /cut at byte 102400 of 262144: the download from 127\.0\.0\.1:\d+ stalled: no bytes moved for 300 ms; retrying in/,
    );
  });

  it('gives up on a blob that stalls every time, naming the operation, the host and the wait', async () => {
    // Each connection stalls after 10 KiB of its own: three attempts reach 30 KiB.
    const { repo, layer, path } = await pushed('stall/always', 256 * KiB, 22);
    fx.proxy.setRules([{ method: 'GET', path, fault: { kind: 'stall', afterBytes: 10 * KiB } }]);
    const error = (await readAll(await repo.fetch(layer.descriptor)).catch(
      (e: unknown) => e,
    )) as RegistryError;
    expect(error).toBeInstanceOf(RegistryError);
    expect(error.message).toBe(
      `fetch blob ${fx.proxy.host}/stall/always@${layer.descriptor.digest} failed: the download from ${fx.proxy.host} stalled: no bytes moved for 300 ms. the connection was cut at byte ${30 * KiB} of ${256 * KiB}; gave up after 3 attempts`,
    );
  });

  it('cuts a download that trickles below the minimum rate, and resumes it', async () => {
    const { repo, layer, path } = await pushed('trickle/once', 128 * KiB, 23);
    // 100 bytes every 10 ms: about 10 KB/s, never a stall, far below 64 KiB/s.
    fx.proxy.setRules([
      { method: 'GET', path, fault: { kind: 'trickle', bytes: 100, everyMs: 10 }, times: 1 },
    ]);
    expect((await readAll(await repo.fetch(layer.descriptor))).equals(layer.bytes)).toBe(true);
    const [first, second] = fx.seen('GET', path);
    expect(first?.headers['range']).toBeUndefined();
    expect(second?.headers['range']).toMatch(/^bytes=\d+-$/);
    expect(fx.debug.join('\n')).toMatch(
      /the download from 127\.0\.0\.1:\d+ was too slow: [\d.]+ KiB in 400 ms, below the minimum of 64 KiB\/s/,
    );
  });

  it('cuts an upload the registry stops reading, and starts it over from the source', async () => {
    const repo = open('stall/upload');
    // More than loopback socket buffers hold, so the client's writes really block.
    const layer = blob(randomBytes(32 * MiB, 24));
    fx.proxy.setRules([
      {
        method: 'PUT',
        path: /\/blobs\/uploads\//,
        fault: { kind: 'stall-upload', afterBytes: 64 * KiB },
        times: 1,
      },
    ]);
    expect(await repo.pushBlob(layer.descriptor, layer.source)).toBe('uploaded');
    expect(fx.seen('PUT', /stall\/upload\/blobs\/uploads\//)).toHaveLength(2);
    expect(fx.debug.join('\n')).toMatch(
      /push blob 127\.0\.0\.1:\d+\/stall\/upload@sha256:[0-9a-f]{64} failed: the upload to 127\.0\.0\.1:\d+ stalled: no bytes moved for 300 ms; retrying in/,
    );
    expect((await readAll(await repo.fetch(layer.descriptor))).equals(layer.bytes)).toBe(true);
  });

  it('waits longer for the answer to a large upload than to a small request', async () => {
    // 300 ms for any answer, plus 1 s per MiB processed: 4.3 s for the 4 MiB blob's PUT.
    const repo = open('answer/by-size', {
      deadlines: { ...quick, answerBytesPerSecond: MiB },
      retry: { ...retry, attempts: 1 },
    });
    const layer = blob(randomBytes(4 * MiB, 25));
    const small = manifest([layer.descriptor]);
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let smallFailed!: Promise<unknown>;
    fx.proxy.setRules([
      {
        method: 'PUT',
        path: /\/blobs\/uploads\//,
        times: 1,
        fault: {
          kind: 'hold-answer',
          until: released,
          // The whole blob reached the registry, which answered: from now on only the answer
          // is late. Meanwhile a small request, held the same way, runs out of its wait.
          onHeld: () => {
            smallFailed = repo.pushManifest(small.descriptor, small.bytes, 'v1').then(
              () => new Error('the manifest PUT should have timed out'),
              (e: unknown) => e,
            );
            void smallFailed.then(release);
          },
        },
      },
      { method: 'PUT', path: /\/manifests\//, fault: { kind: 'hold-answer', until: released } },
    ]);
    expect(await repo.pushBlob(layer.descriptor, layer.source)).toBe('uploaded');
    const error = (await smallFailed) as RegistryError;
    expect(error).toBeInstanceOf(RegistryError);
    expect(error.message).toMatch(/sent no answer within 300 ms of the request/);
  });
});

describe('cancellation through the signal in the options', () => {
  const fx = useProxiedRegistry(retry);

  it('stops a download mid-blob at once, with the reason given, and retries nothing', async () => {
    const controller = new AbortController();
    const repo = fx.open('cancel/fetch', { signal: controller.signal });
    const layer = blob(randomBytes(256 * KiB, 31));
    await repo.pushBlob(layer.descriptor, layer.source);
    const path = new RegExp(`/blobs/${layer.descriptor.digest}$`);
    fx.proxy.setRules([
      {
        method: 'GET',
        path,
        fault: { kind: 'hold', afterBytes: 64 * KiB, until: new Promise(() => undefined) },
      },
    ]);
    const reason = new Error('interrupted by the test');
    const stream = await repo.fetch(layer.descriptor);
    stream.once('data', () => controller.abort(reason));
    await expect(readAll(stream)).rejects.toBe(reason);
    expect(fx.seen('GET', path)).toHaveLength(1);
    await expect(repo.resolve('v1')).rejects.toBe(reason);
  });

  it('stops the wait between two attempts', async () => {
    const controller = new AbortController();
    const repo = fx.open('cancel/backoff', {
      signal: controller.signal,
      retry: { attempts: 5, baseDelayMs: 3_600_000, maxDelayMs: 3_600_000 },
      logger: {
        debug: () => {},
        // The first retry is announced: cancel during the hour-long wait that follows.
        info: () => controller.abort(new Error('stopped while waiting')),
        warning: () => {},
      },
    });
    fx.proxy.setRules([{ method: 'HEAD', fault: { kind: 'status', status: 503 } }]);
    await expect(repo.resolve('v1')).rejects.toThrow('stopped while waiting');
  });
});
