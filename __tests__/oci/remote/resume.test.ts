// Blob downloads cut mid-body, resumed with Range against the real registry: identical bytes, a
// budget that starts afresh while connections make progress, and a clear end when they do not;
// from a server that ignores Range, the blob sent again from its start, read past what arrived.
import { RegistryError } from '../../../src/oci/errors.js';
import { RESUME_PROGRESS_BYTES } from '../../../src/oci/remote/blobs.js';
import type { RemoteOptions } from '../../../src/oci/remote/options.js';
import { blob, randomBytes, readAll } from '../content.js';
import { useProxiedRegistry } from './proxied-repositories.js';

describe('resuming cut blob downloads', () => {
  const fx = useProxiedRegistry({ attempts: 2, baseDelayMs: 1, maxDelayMs: 5 });
  const KiB = 1024;
  const MiB = 1024 * KiB;

  async function pushed(name: string, size: number, seed: number, extra: RemoteOptions = {}) {
    const repo = fx.open(name, extra);
    const layer = blob(randomBytes(size, seed));
    await repo.pushBlob(layer.descriptor, layer.source);
    return { repo, layer, path: new RegExp(`/blobs/${layer.descriptor.digest}$`) };
  }

  it('resumes a download cut twice with Range, and yields identical bytes', async () => {
    // Cuts after less than RESUME_PROGRESS_BYTES count against the attempts: give enough.
    const { repo, layer, path } = await pushed('resume/twice', 512 * KiB, 9, {
      retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 5 },
    });
    fx.proxy.setRules([
      { method: 'GET', path, fault: { kind: 'truncate', afterBytes: 256 * KiB }, times: 1 },
      { method: 'GET', path, fault: { kind: 'truncate', afterBytes: 100 * KiB }, times: 1 },
    ]);
    expect((await readAll(await repo.fetch(layer.descriptor))).equals(layer.bytes)).toBe(true);
    const gets = fx.seen('GET', path);
    expect(gets.map((r) => r.headers['range'])).toEqual([
      undefined,
      `bytes=${256 * KiB}-`,
      `bytes=${356 * KiB}-`,
    ]);
    expect(gets.slice(1).every((r) => r.status === 206)).toBe(true);
  });

  it('resumes a cut download from a server that ignores Range: the bytes it sends again are skipped', async () => {
    const { repo, layer, path } = await pushed('resume/no-range', 512 * KiB, 14);
    const cutAfter = 200 * KiB;
    fx.proxy.setRules([
      { method: 'GET', path, fault: { kind: 'truncate', afterBytes: cutAfter }, times: 1 },
      { method: 'GET', path, fault: { kind: 'drop-request-headers', names: ['range'] } },
    ]);
    expect((await readAll(await repo.fetch(layer.descriptor))).equals(layer.bytes)).toBe(true);
    // Asked from the byte reached; answered with the whole blob again (200), read past the start.
    expect(fx.seen('GET', path).map((r) => [r.headers['range'], r.status])).toEqual([
      [undefined, 200],
      [`bytes=${cutAfter}-`, 200],
    ]);
  });

  it('goes on past the retry attempts while every connection makes progress', async () => {
    // Three cuts with two attempts: only a budget that starts afresh after progress gets through.
    const step = RESUME_PROGRESS_BYTES + 256 * KiB;
    const { repo, layer, path } = await pushed('resume/progress', 4 * MiB, 11);
    fx.proxy.setRules([
      { method: 'GET', path, fault: { kind: 'truncate', afterBytes: step }, times: 3 },
    ]);
    expect((await readAll(await repo.fetch(layer.descriptor))).equals(layer.bytes)).toBe(true);
    expect(fx.seen('GET', path).map((r) => r.headers['range'])).toEqual([
      undefined,
      `bytes=${step}-`,
      `bytes=${2 * step}-`,
      `bytes=${3 * step}-`,
    ]);
  });

  it('gives up when connections keep being cut without progress, saying where', async () => {
    const { repo, layer, path } = await pushed('resume/trickle', 64 * KiB, 12);
    fx.proxy.setRules([{ method: 'GET', path, fault: { kind: 'truncate', afterBytes: 1 } }]);
    const error = (await readAll(await repo.fetch(layer.descriptor)).catch(
      (e: unknown) => e,
    )) as RegistryError;
    expect(error).toBeInstanceOf(RegistryError);
    expect(error.code).toBe('NETWORK_ERROR');
    expect(error.message).toContain(
      `fetch blob ${repo.location}@${layer.descriptor.digest} failed`,
    );
    expect(error.message).toContain(`cut at byte 2 of ${64 * KiB}; gave up after 2 attempts`);
    expect(fx.seen('GET', path)).toHaveLength(2);
  });

  it('streams: the first bytes reach the reader before the cut connection is resumed', async () => {
    const { repo, layer, path } = await pushed('resume/stream', 2 * MiB, 13);
    fx.proxy.setRules([
      { method: 'GET', path, fault: { kind: 'truncate', afterBytes: 3 * (MiB / 2) }, times: 1 },
    ]);
    const stream = await repo.fetch(layer.descriptor);
    const reader = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    const first = await reader.next();
    // A client that read the blob whole before handing it on would have resumed already.
    expect(first.value.length).toBeLessThan(layer.bytes.length);
    expect(fx.seen('GET', path).map((r) => r.headers['range'])).toEqual([undefined]);
    const parts = [first.value];
    for (let next = await reader.next(); !next.done; next = await reader.next()) {
      parts.push(next.value);
    }
    expect(Buffer.concat(parts).equals(layer.bytes)).toBe(true);
    expect(fx.seen('GET', path).map((r) => r.headers['range'])).toEqual([
      undefined,
      `bytes=${3 * (MiB / 2)}-`,
    ]);
  });
});
