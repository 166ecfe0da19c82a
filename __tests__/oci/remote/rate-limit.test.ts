// 429: the whole client backs off, not each request on its own. The gate's arithmetic runs on a
// clock the test moves by hand; the client's use of it runs against the real registry behind the
// fault proxy.
import { BackoffGate, type GateClock } from '../../../src/oci/remote/backoff-gate.js';
import { retryPolicy } from '../../../src/oci/remote/retry.js';
import { blob, randomBytes, readAll } from '../content.js';
import { useProxiedRegistry } from './proxied-repositories.js';
import { nextTurn } from '../../support/deferred.js';

/** Time that moves only when the test says. */
function handClock(): GateClock & { advance(ms: number): void } {
  let now = 0;
  const sleepers: { until: number; wake: () => void }[] = [];
  return {
    now: () => now,
    sleep: (ms, signal) =>
      new Promise<void>((resolve, reject) => {
        signal?.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
        sleepers.push({ until: now + ms, wake: resolve });
      }),
    advance(ms) {
      now += ms;
      for (const sleeper of sleepers.splice(0)) {
        if (sleeper.until <= now) sleeper.wake();
        else sleepers.push(sleeper);
      }
    },
  };
}

describe('BackoffGate', () => {
  const policy = retryPolicy({ attempts: 5, baseDelayMs: 100, maxDelayMs: 10_000 });

  it('lets requests through at once while open', async () => {
    const gate = new BackoffGate(policy, handClock());
    expect(await gate.pass()).toBe(0);
  });

  it('holds every request after a 429 until the wait is over', async () => {
    const clock = handClock();
    const gate = new BackoffGate(policy, clock);
    const first = await gate.pass();
    expect(gate.refused(first, 1000)).toBe(1000);
    let passed: number | undefined;
    void gate.pass().then((pass) => (passed = pass));
    await nextTurn();
    clock.advance(999);
    await nextTurn();
    expect(passed).toBeUndefined();
    clock.advance(1);
    await nextTurn();
    expect(passed).toBe(1);
  });

  it('adds no step for answers to requests already on their way, but honours a longer Retry-After', async () => {
    const gate = new BackoffGate(policy, handClock());
    const pass = await gate.pass();
    const wait = gate.refused(pass, undefined);
    expect(wait).toBeGreaterThanOrEqual(50);
    expect(wait).toBeLessThanOrEqual(100);
    expect(gate.refused(pass, undefined)).toBeUndefined();
    expect(gate.refused(pass, 10)).toBeUndefined();
    expect(gate.refused(pass, 5000)).toBe(5000);
  });

  it('waits longer for each 429 in a row, and starts over after an accepted request', async () => {
    const clock = handClock();
    const gate = new BackoffGate(policy, clock);
    const steps: number[] = [];
    for (let i = 0; i < 3; i++) {
      const waiting = gate.pass();
      clock.advance(60_000);
      steps.push(gate.refused(await waiting, undefined) ?? NaN);
    }
    // Exponential with jitter: step n lies within [base·2^(n-1)/2, base·2^(n-1)].
    expect(steps[0]).toBeLessThanOrEqual(100);
    expect(steps[1]).toBeGreaterThanOrEqual(100);
    expect(steps[1]).toBeLessThanOrEqual(200);
    expect(steps[2]).toBeGreaterThanOrEqual(200);
    const waiting = gate.pass();
    clock.advance(60_000);
    const pass = await waiting;
    gate.accepted(pass);
    expect(gate.refused(pass, undefined)).toBeLessThanOrEqual(100);
  });

  it('caps a Retry-After at the policy maximum', () => {
    const gate = new BackoffGate(policy, handClock());
    expect(gate.refused(0, 3_600_000)).toBe(10_000);
  });

  it('stops waiting when the signal aborts', async () => {
    const gate = new BackoffGate(policy, handClock());
    gate.refused(0, 1000);
    const controller = new AbortController();
    const waiting = gate.pass(controller.signal);
    controller.abort(new Error('cancelled'));
    await expect(waiting).rejects.toThrow('cancelled');
  });
});

describe('429 from the registry', () => {
  const fx = useProxiedRegistry();
  const { open, seen } = fx;

  it('closes the gate once for requests refused together: one line in the log, each retried once', async () => {
    const infos: string[] = [];
    const repo = open('limited/many', {
      logger: { debug: () => {}, info: (m) => infos.push(m), warning: () => {} },
    });
    const blobs = Array.from({ length: 8 }, (_, i) => blob(randomBytes(SMALL, 100 + i)));
    let arrived = 0;
    let allArrived!: () => void;
    const together = new Promise<void>((resolve) => (allArrived = resolve));
    const stop = fx.proxy.onRequest((r) => {
      if (r.method === 'HEAD' && /limited\/many\/blobs\//.test(r.path) && ++arrived === 8) {
        allArrived();
      }
    });
    fx.proxy.setRules([
      {
        method: 'HEAD',
        path: /limited\/many\/blobs\//,
        // Every one answered only once all eight are on their way.
        fault: { kind: 'status', status: 429, after: together },
        times: 8,
      },
    ]);
    try {
      const found = await Promise.all(blobs.map((b) => repo.exists(b.descriptor)));
      expect(found).toEqual(blobs.map(() => false));
    } finally {
      stop();
    }
    expect(seen('HEAD', /limited\/many\/blobs\//).map((r) => r.status)).toEqual([
      ...blobs.map(() => 429),
      ...blobs.map(() => 404),
    ]);
    expect(infos.filter((line) => /HTTP 429/.test(line))).toEqual([
      expect.stringMatching(
        /^127\.0\.0\.1:\d+ answered HTTP 429 \(too many requests\) to check blob .*: every request to it waits \d+ ms$/,
      ),
    ]);
  });

  it('starts an upload over when its PUT is refused with 429, after the back-off', async () => {
    const infos: string[] = [];
    const repo = open('limited/put', {
      logger: { debug: () => {}, info: (m) => infos.push(m), warning: () => {} },
    });
    const layer = blob(randomBytes(SMALL, 200));
    fx.proxy.setRules([
      {
        method: 'PUT',
        path: /limited\/put\/blobs\/uploads\//,
        fault: { kind: 'status', status: 429, headers: { 'retry-after': '0' } },
        times: 1,
      },
    ]);
    expect(await repo.pushBlob(layer.descriptor, layer.source)).toBe('uploaded');
    expect(seen('PUT', /limited\/put\/blobs\/uploads\//).map((r) => r.status)).toEqual([429, 201]);
    expect(infos).toContainEqual(
      expect.stringMatching(
        /HTTP 429 .* to push blob .*: every request to it waits \d+ ms \(its Retry-After asked for 0 ms; our own back-off is longer\)$/,
      ),
    );
    // Not also a per-request "retrying in" line: the gate's line says it.
    expect(infos.filter((line) => /retrying in/.test(line))).toEqual([]);
    expect((await readAll(await repo.fetch(layer.descriptor))).equals(layer.bytes)).toBe(true);
  });
});

const SMALL = 4096;
