// Collecting dead buffers as bytes move.
import { COLLECT_EVERY, collector, GarbagePacer } from '../../src/oci/young-garbage.js';

describe('young garbage', () => {
  it("reaches V8's collector on this Node", () => {
    const collect = collector();
    expect(typeof collect).toBe('function');
    expect(() => collect?.({ type: 'minor' })).not.toThrow();
  });

  it('collects the young generation each time COLLECT_EVERY bytes have moved', () => {
    const calls: unknown[] = [];
    const pacer = new GarbagePacer(() => (options) => calls.push(options));
    pacer.count(COLLECT_EVERY - 1);
    expect(calls).toEqual([]);
    pacer.count(1);
    expect(calls).toEqual([{ type: 'minor' }]);
    pacer.count(COLLECT_EVERY / 2);
    pacer.count(COLLECT_EVERY / 2);
    expect(calls).toHaveLength(2);
  });

  it('does nothing where the collector cannot be reached', () => {
    const pacer = new GarbagePacer(() => null);
    expect(() => pacer.count(2 * COLLECT_EVERY)).not.toThrow();
  });
});
