import { TransferTimeoutError } from '../../../src/oci/remote/timeout-error.js';
import {
  TransferWatchdog,
  type WatchClock,
  type WatchLimits,
} from '../../../src/oci/remote/transfer-watchdog.js';

/** A clock the test moves by hand; each step runs the watchdog's tick. */
class ManualClock implements WatchClock {
  time = 0;
  private readonly ticks = new Set<() => void>();
  now(): number {
    return this.time;
  }
  every(_ms: number, tick: () => void): () => void {
    this.ticks.add(tick);
    return () => this.ticks.delete(tick);
  }
  get ticking(): number {
    return this.ticks.size;
  }
  /** Moves `ms` forward in steps of `step`, running `during` (if any) before each tick. */
  advance(ms: number, step = 100, during?: () => void): void {
    for (let passed = 0; passed < ms; passed += step) {
      this.time += step;
      during?.();
      for (const tick of [...this.ticks]) tick();
    }
  }
}

const limits: WatchLimits = {
  connectMs: 1_000,
  answerMs: 2_000,
  stallMs: 3_000,
  lowSpeedBytesPerSecond: 1_000,
  lowSpeedWindowMs: 5_000,
};

function watch(overrides: Partial<WatchLimits> = {}) {
  const clock = new ManualClock();
  const timeouts: TransferTimeoutError[] = [];
  const dog = new TransferWatchdog(
    { ...limits, ...overrides },
    'registry.test:443',
    (e) => timeouts.push(e),
    clock,
  );
  return { clock, timeouts, dog };
}

describe('TransferWatchdog', () => {
  it('cuts a connection that is not ready within connectMs, and only then', () => {
    const { clock, timeouts, dog } = watch();
    dog.connecting();
    clock.advance(900);
    dog.sending(); // connected: the connect wait is over
    clock.advance(900, 100, () => dog.moved(10_000));
    expect(timeouts).toEqual([]);
    const slow = watch();
    slow.dog.connecting();
    slow.clock.advance(1_000);
    expect(slow.timeouts.map((e) => e.message)).toEqual([
      'could not connect to registry.test:443 within 1 s (TCP and TLS handshake)',
    ]);
  });

  it('cuts an answer that does not come within its wait, counted from the request sent', () => {
    const { clock, timeouts, dog } = watch();
    dog.sending();
    clock.advance(10_000, 100, () => dog.moved(5_000)); // a long upload is not the answer's time
    dog.sent();
    clock.advance(1_900);
    expect(timeouts).toEqual([]);
    clock.advance(200);
    expect(timeouts).toHaveLength(1);
    expect(timeouts[0]).toMatchObject({
      code: 'TRANSFER_TIMEOUT',
      kind: 'answer',
      host: 'registry.test:443',
    });
    expect(timeouts[0]!.message).toBe('registry.test:443 sent no answer within 2 s of the request');
    expect(clock.ticking).toBe(0);
  });

  it('calls a download stalled when no byte came for stallMs, and names the direction', () => {
    const { clock, timeouts, dog } = watch();
    dog.sending();
    dog.sent();
    dog.receiving();
    clock.advance(2_000, 100, () => dog.moved(10_000));
    clock.advance(2_900);
    expect(timeouts).toEqual([]);
    clock.advance(100);
    expect(timeouts.map((e) => e.message)).toEqual([
      'the download from registry.test:443 stalled: no bytes moved for 3 s',
    ]);
  });

  it('calls an upload stalled too', () => {
    const { clock, timeouts, dog } = watch();
    dog.sending();
    dog.moved(64 * 1024);
    clock.advance(3_000);
    expect(timeouts.map((e) => e.kind)).toEqual(['stall']);
    expect(timeouts[0]!.message).toMatch(/^the upload to registry.test:443 stalled/);
  });

  it('cuts a transfer below the minimum rate over a whole window, as curl --speed-limit does', () => {
    const { clock, timeouts, dog } = watch();
    dog.sending();
    dog.sent();
    dog.receiving();
    // 10 bytes every 100 ms: 100 B/s, never a stall, always too slow.
    clock.advance(4_900, 100, () => dog.moved(10));
    expect(timeouts).toEqual([]);
    clock.advance(100, 100, () => dog.moved(10));
    expect(timeouts).toHaveLength(1);
    expect(timeouts[0]!.message).toBe(
      'the download from registry.test:443 was too slow: 500 B in 5 s, below the minimum of 1000 B/s',
    );
  });

  it('lets a transfer at the minimum rate or above run for as long as it takes', () => {
    const { clock, timeouts, dog } = watch();
    dog.sending();
    dog.sent();
    dog.receiving();
    clock.advance(600_000, 100, () => dog.moved(100)); // exactly 1000 B/s for 10 minutes
    expect(timeouts).toEqual([]);
    dog.stop();
    expect(clock.ticking).toBe(0);
  });

  it('stops its clocks while the reader holds the download back', () => {
    const { clock, timeouts, dog } = watch();
    dog.sending();
    dog.sent();
    dog.receiving();
    dog.moved(1_000);
    dog.pause();
    clock.advance(60_000); // the disk is slow: not the registry's fault
    expect(timeouts).toEqual([]);
    dog.resume();
    clock.advance(2_900);
    expect(timeouts).toEqual([]);
    clock.advance(100);
    expect(timeouts.map((e) => e.kind)).toEqual(['stall']);
  });

  it('fires once, and never after it was stopped', () => {
    const { clock, timeouts, dog } = watch();
    dog.sending();
    dog.sent();
    clock.advance(10_000);
    expect(timeouts).toHaveLength(1);
    const done = watch();
    done.dog.sending();
    done.dog.sent();
    done.dog.stop();
    done.dog.sending();
    done.clock.advance(10_000);
    expect(done.timeouts).toEqual([]);
  });
});
