// Blobs downloaded straight into files, in one stream or in parts over Range requests, against
// the real registry behind the fault proxy: which requests go out, what a server that ignores
// Range gets, a part cut and resumed, and that a failure leaves no file.
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OciError } from '../../../src/oci/errors.js';
import { MIN_PART_SIZE, splitParts } from '../../../src/oci/remote/blob-file.js';
import type { ConnectionBudget } from '../../../src/oci/target.js';
import { blob, randomBytes } from '../content.js';
import { useProxiedRegistry } from './proxied-repositories.js';

const MiB = 1024 * 1024;

describe('splitParts', () => {
  it('cuts a blob into nearly equal ranges that cover it once, none below the minimum', () => {
    expect(splitParts(10 * MiB, 4)).toEqual([
      { start: 0, end: 2621440 },
      { start: 2621440, end: 5242880 },
      { start: 5242880, end: 7864320 },
      { start: 7864320, end: 10485760 },
    ]);
    expect(splitParts(3 * MIN_PART_SIZE + 5, 8)).toHaveLength(3);
    expect(splitParts(MIN_PART_SIZE - 1, 8)).toEqual([{ start: 0, end: MIN_PART_SIZE - 1 }]);
    expect(splitParts(0, 4)).toEqual([{ start: 0, end: 0 }]);
    expect(splitParts(10 * MiB, 1)).toEqual([{ start: 0, end: 10 * MiB }]);
  });
});

describe('fetchToFile', () => {
  const fx = useProxiedRegistry({ attempts: 3, baseDelayMs: 1, maxDelayMs: 5 });
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'oci-blob-file-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  let count = 0;
  async function pushed(size: number, seed: number) {
    const name = `parts/blob${++count}`;
    const repo = fx.open(name);
    const layer = blob(randomBytes(size, seed));
    await repo.pushBlob(layer.descriptor, layer.source);
    const path = new RegExp(`/blobs/${layer.descriptor.digest}$`);
    return { repo, layer, path, file: join(dir, `${name.replace('/', '-')}.bin`) };
  }

  it('downloads in one stream by default: one GET without Range', async () => {
    const { repo, layer, path, file } = await pushed(3 * MiB, 1);
    await repo.fetchToFile(layer.descriptor, file);
    expect((await readFile(file)).equals(layer.bytes)).toBe(true);
    expect(fx.seen('GET', path).map((r) => [r.headers['range'], r.status])).toEqual([
      [undefined, 200],
    ]);
  });

  it('downloads in parts: one ranged GET per part, each answered 206, the bytes exact', async () => {
    const { repo, layer, path, file } = await pushed(4 * MiB + 3, 2);
    await repo.fetchToFile(layer.descriptor, file, { parts: 4 });
    expect((await readFile(file)).equals(layer.bytes)).toBe(true);
    const gets = fx.seen('GET', path);
    // The first part goes first (it tells whether Range is honoured), the others after it.
    expect(gets[0]?.headers['range']).toBe(`bytes=0-${splitParts(4 * MiB + 3, 4)[0]!.end - 1}`);
    expect(gets.map((r) => r.headers['range']).sort()).toEqual(
      splitParts(4 * MiB + 3, 4)
        .map((p) => `bytes=${p.start}-${p.end - 1}`)
        .sort(),
    );
    expect(gets.every((r) => r.status === 206)).toBe(true);
  });

  it('takes the whole blob in one stream from a server that ignores Range', async () => {
    const { repo, layer, path, file } = await pushed(4 * MiB, 3);
    fx.proxy.setRules([
      { method: 'GET', path, fault: { kind: 'drop-request-headers', names: ['range'] } },
    ]);
    await repo.fetchToFile(layer.descriptor, file, { parts: 4 });
    expect((await readFile(file)).equals(layer.bytes)).toBe(true);
    // One request: its answer (200, the whole blob) is read, not thrown away for another.
    expect(fx.seen('GET', path).map((r) => [r.headers['range'], r.status])).toEqual([
      [`bytes=0-${MiB - 1}`, 200],
    ]);
  });

  it('resumes a cut single-stream download from a server that ignores Range, the file exact', async () => {
    const { repo, layer, path, file } = await pushed(3 * MiB, 6);
    const cutAfter = 1536 * 1024;
    fx.proxy.setRules([
      { method: 'GET', path, fault: { kind: 'truncate', afterBytes: cutAfter }, times: 1 },
      { method: 'GET', path, fault: { kind: 'drop-request-headers', names: ['range'] } },
    ]);
    await repo.fetchToFile(layer.descriptor, file);
    expect((await readFile(file)).equals(layer.bytes)).toBe(true);
    // The whole blob again (200) for `bytes=<reached>-`: its first bytes skipped, not written twice.
    expect(fx.seen('GET', path).map((r) => [r.headers['range'], r.status])).toEqual([
      [undefined, 200],
      [`bytes=${cutAfter}-`, 200],
    ]);
  });

  it('resumes a part whose connection is cut from the byte it reached, asking for its rest only', async () => {
    const { repo, layer, path, file } = await pushed(4 * MiB, 4);
    const cutAfter = 300 * 1024;
    // The second request to arrive is one of the parts after the first: cut it.
    fx.proxy.setRules([
      { method: 'GET', path, fault: { kind: 'truncate', afterBytes: cutAfter }, skip: 1, times: 1 },
    ]);
    await repo.fetchToFile(layer.descriptor, file, { parts: 4 });
    expect((await readFile(file)).equals(layer.bytes)).toBe(true);
    const gets = fx.seen('GET', path);
    expect(gets).toHaveLength(5);
    const cut = gets[1]!;
    const [, start, end] = /^bytes=(\d+)-(\d+)$/.exec(String(cut.headers['range']))!.map(Number);
    expect(start).toBeGreaterThan(0);
    const resumed = gets.slice(2).map((r) => r.headers['range']);
    expect(resumed).toContain(`bytes=${start! + cutAfter}-${end}`);
    expect(gets.every((r) => r.status === 206)).toBe(true);
  });

  it('runs parts one after another when the budget has no connection to spare', async () => {
    const { repo, layer, path, file } = await pushed(3 * MiB, 5);
    const budget = countingBudget(0);
    await repo.fetchToFile(layer.descriptor, file, { parts: 3, connections: budget });
    expect((await readFile(file)).equals(layer.bytes)).toBe(true);
    // One connection: the parts go in order.
    expect(fx.seen('GET', path).map((r) => r.headers['range'])).toEqual(
      splitParts(3 * MiB, 3).map((p) => `bytes=${p.start}-${p.end - 1}`),
    );
    expect(budget.taken).toBe(0);
  });

  it('takes extra connections from the budget, never more than it has, and gives them back', async () => {
    const { repo, layer, path, file } = await pushed(6 * MiB, 6);
    const budget = countingBudget(2);
    await repo.fetchToFile(layer.descriptor, file, { parts: 6, connections: budget });
    expect((await readFile(file)).equals(layer.bytes)).toBe(true);
    expect(fx.seen('GET', path)).toHaveLength(6);
    expect(budget.mostHeld).toBeLessThanOrEqual(2);
    expect(budget.taken).toBeGreaterThan(0);
    expect(budget.held).toBe(0);
  });

  it('fails when the bytes differ from the digest, and leaves no file', async () => {
    const { repo, layer, file } = await pushed(2 * MiB, 7);
    const stored = fx.registry.blobPath(layer.descriptor.digest);
    const altered = Buffer.from(layer.bytes);
    altered[MiB + 10] = (altered[MiB + 10]! + 1) % 256;
    await writeFile(stored, altered);
    const error = await repo
      .fetchToFile(layer.descriptor, file, { parts: 2 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OciError);
    expect((error as OciError).code).toBe('DIGEST_MISMATCH');
    expect(await readdir(dir)).not.toContain(file.slice(dir.length + 1));
  });

  it('fails when a part is cut every time, stops the other parts, and leaves no file', async () => {
    const { repo, layer, path, file } = await pushed(4 * MiB, 8);
    fx.proxy.setRules([
      { method: 'GET', path, fault: { kind: 'truncate', afterBytes: 10 }, skip: 1 },
    ]);
    const error = await repo
      .fetchToFile(layer.descriptor, file, { parts: 4 })
      .catch((e: unknown) => e);
    expect((error as OciError).code).toBe('NETWORK_ERROR');
    expect((error as Error).message).toMatch(
      /in the part of bytes \d+-\d+.*gave up after 3 attempts/,
    );
    expect(await readdir(dir)).not.toContain(file.slice(dir.length + 1));
  });

  it('refuses a file that exists already, and leaves it as it was', async () => {
    const { repo, layer, file } = await pushed(MiB, 9);
    await writeFile(file, 'mine');
    const error = await repo.fetchToFile(layer.descriptor, file).catch((e: unknown) => e);
    expect((error as NodeJS.ErrnoException).code).toBe('EEXIST');
    expect(await readFile(file, 'utf8')).toBe('mine');
  });

  it('stops at once when cancelled, with the reason given, and leaves no file', async () => {
    const { repo, layer, path, file } = await pushed(4 * MiB, 10);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const controller = new AbortController();
    fx.proxy.setRules([
      { method: 'GET', path, fault: { kind: 'hold', afterBytes: 100 * 1024, until: held } },
    ]);
    const reached = new Promise<void>((resolve) => {
      const stopListening = fx.proxy.onRequest((r) => {
        if (r.method === 'GET' && path.test(r.path)) {
          stopListening();
          resolve();
        }
      });
    });
    const download = repo
      .fetchToFile(layer.descriptor, file, { parts: 4, signal: controller.signal })
      .catch((e: unknown) => e);
    await reached;
    controller.abort(new Error('cancelled by the test'));
    expect(((await download) as Error).message).toBe('cancelled by the test');
    release();
    expect(await readdir(dir)).not.toContain(file.slice(dir.length + 1));
  });
});

/** A budget of `free` connections that records what was taken. */
function countingBudget(free: number): ConnectionBudget & {
  taken: number;
  held: number;
  mostHeld: number;
} {
  const budget = {
    taken: 0,
    held: 0,
    mostHeld: 0,
    contended: false,
    tryTake() {
      if (budget.held >= free) return undefined;
      budget.taken++;
      budget.held++;
      budget.mostHeld = Math.max(budget.mostHeld, budget.held);
      let given = false;
      return () => {
        if (given) return;
        given = true;
        budget.held--;
      };
    },
    onFree: () => () => undefined,
  };
  return budget;
}
