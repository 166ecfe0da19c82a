// Tasks that fail together: the first failure aborts the others' signal and starts nothing more,
// and is thrown only once every task has settled; a key runs once; back-pressure by count.
import { TaskGroup } from '../../src/oci/task-group.js';
import { deferred, nextTurn, settlesNow } from '../support/deferred.js';

describe('TaskGroup', () => {
  it('aborts the running tasks at the first failure, starts nothing after it, and throws it once they settle', async () => {
    const group = new TaskGroup();
    const gates = [deferred(), deferred()];
    const signals: AbortSignal[] = [];
    let secondSettled = false;
    const failure = new Error('first failed');
    void group.start((signal) => {
      signals.push(signal);
      return gates[0]!.promise;
    });
    void group.start(async (signal) => {
      signals.push(signal);
      try {
        await gates[1]!.promise;
      } finally {
        secondSettled = true;
      }
    });
    gates[0]!.reject(failure);
    await nextTurn();
    expect(group.failed).toBe(true);
    // The second is still running: told to stop, and awaited before the failure is thrown.
    expect(signals[1]!.aborted).toBe(true);
    expect(signals[1]!.reason).toBe(failure);
    let ran = false;
    const late = group.start(async () => {
      ran = true;
    });
    await expect(late).rejects.toBe(failure);
    expect(ran).toBe(false);
    const settled = group.settle();
    expect(await settlesNow(settled)).toBe(false);
    gates[1]!.resolve();
    await expect(settled).rejects.toBe(failure);
    expect(secondSettled).toBe(true);
  });

  it('keeps the first failure when the others fail after it, from their abort', async () => {
    const group = new TaskGroup();
    const first = new Error('first');
    void group.start(
      (signal) =>
        new Promise<void>((_, reject) =>
          signal.addEventListener('abort', () => reject(new Error('aborted too'))),
        ),
    );
    void group.start(() => Promise.reject(first));
    await expect(group.settle()).rejects.toBe(first);
  });

  it('fails with a task that throws before it returns a promise', async () => {
    const group = new TaskGroup();
    const failure = new Error('thrown at once');
    const task = group.start(() => {
      throw failure;
    });
    await expect(task).rejects.toBe(failure);
    await expect(group.settle()).rejects.toBe(failure);
  });

  it('runs a key once, for the life of the group', async () => {
    const group = new TaskGroup();
    let runs = 0;
    const work = async () => ++runs;
    const first = group.start(work, 'k');
    expect(group.start(work, 'k')).toBe(first);
    await group.settle();
    expect(await group.start(work, 'k')).toBe(1);
    expect(await group.start(work, 'other')).toBe(2);
  });

  it('can be failed from outside its tasks, and then starts nothing', async () => {
    const group = new TaskGroup();
    const failure = new Error('verify failed');
    group.fail(failure);
    group.fail(new Error('later'));
    expect(group.signal.reason).toBe(failure);
    expect(() => group.throwIfFailed()).toThrow(failure);
    await expect(group.start(async () => 'never')).rejects.toBe(failure);
  });

  it('waits with below() until fewer than the count run, and with idle() until none do', async () => {
    const group = new TaskGroup();
    const gates = [deferred(), deferred()];
    for (const gate of gates) void group.start(() => gate.promise);
    expect(group.size).toBe(2);
    const room = group.below(2);
    expect(await settlesNow(room)).toBe(false);
    gates[1]!.reject(new Error('failed, but it ended'));
    expect(await settlesNow(room)).toBe(true);
    const idle = group.idle();
    expect(await settlesNow(idle)).toBe(false);
    gates[0]!.resolve();
    await idle;
    expect(group.size).toBe(0);
  });
});
