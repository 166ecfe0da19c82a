import { Cancellation } from '../../src/commands/cancellation.js';

describe('Cancellation', () => {
  it('aborts its signal with the reason given, once', () => {
    const cancellation = new Cancellation();
    const reason = new Error('first');
    cancellation.cancel(reason);
    cancellation.cancel(new Error('second'));
    expect(cancellation.signal.aborted).toBe(true);
    expect(cancellation.signal.reason).toBe(reason);
    expect(() => cancellation.throwIfRequested()).toThrow(reason);
  });

  it('holds the abort back while an uninterruptible step runs, then aborts', async () => {
    const cancellation = new Cancellation();
    const reason = new Error('stop');
    const seen: string[] = [];
    cancellation.signal.addEventListener('abort', () => seen.push('aborted'));
    const result = await cancellation.uninterruptible(async () => {
      cancellation.cancel(reason);
      expect(cancellation.signal.aborted).toBe(false);
      expect(cancellation.requested).toBe(true);
      expect(() => cancellation.throwIfRequested()).toThrow(reason);
      await cancellation.uninterruptible(async () => seen.push('nested step'));
      seen.push('step done');
      return 42;
    });
    expect(result).toBe(42);
    expect(seen).toEqual(['nested step', 'step done', 'aborted']);
    expect(cancellation.signal.reason).toBe(reason);
  });

  it('aborts after a step that failed, too', async () => {
    const cancellation = new Cancellation();
    await expect(
      cancellation.uninterruptible(async () => {
        cancellation.cancel('why');
        throw new Error('step failed');
      }),
    ).rejects.toThrow('step failed');
    expect(cancellation.signal.reason).toBe('why');
  });
});
