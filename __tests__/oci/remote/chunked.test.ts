// Chunked (PATCH) uploads against the real registry: chunk boundaries, the registry's minimum
// chunk length, resync after a lost chunk, and one chunk held at a time.
import { Readable } from 'node:stream';
import { blob, randomBytes, readAll } from '../content.js';
import { useProxiedRegistry } from './proxied-repositories.js';

describe('chunked uploads', () => {
  const fx = useProxiedRegistry();
  const { open, seen } = fx;
  const KiB = 1024;

  const ranges = (name: string): unknown[] =>
    seen('PATCH', new RegExp(`${name}/blobs/uploads/`)).map((p) => p.headers['content-range']);

  it('uploads in chunks against the registry with no faults at all', async () => {
    const repo = open('chunked/clean', { chunkSize: 10_000 });
    const layer = blob(randomBytes(35_000, 8));
    const done: number[] = [];
    expect(
      await repo.pushBlob(layer.descriptor, layer.source, { onProgress: (e) => done.push(e.done) }),
    ).toBe('uploaded');
    expect(ranges('chunked/clean')).toEqual([
      '0-9999',
      '10000-19999',
      '20000-29999',
      '30000-34999',
    ]);
    expect(done.at(-1)).toBe(35_000);
    expect((await readAll(await repo.fetch(layer.descriptor))).equals(layer.bytes)).toBe(true);
  });

  it('sends chunks of at least the OCI-Chunk-Min-Length the registry asks for', async () => {
    const repo = open('chunked/min-length', { chunkSize: 10_000 });
    const layer = blob(randomBytes(150 * KiB, 4));
    fx.proxy.setRules([
      {
        method: 'POST',
        path: /chunked\/min-length\/blobs\/uploads\/$/,
        fault: { kind: 'headers', headers: { 'OCI-Chunk-Min-Length': String(64 * KiB) } },
      },
    ]);
    expect(await repo.pushBlob(layer.descriptor, layer.source)).toBe('uploaded');
    expect(seen('POST', /chunked\/min-length\/blobs\/uploads\/$/)[0]?.status).toBe(202);
    expect(ranges('chunked/min-length')).toEqual(['0-65535', '65536-131071', '131072-153599']);
    expect((await readAll(await repo.fetch(layer.descriptor))).equals(layer.bytes)).toBe(true);
  });

  it('after a dropped chunk, resyncs (GET status) before resending it', async () => {
    const repo = open('chunked/dropped', { chunkSize: 64 * KiB });
    const layer = blob(randomBytes(200 * KiB, 5));
    fx.proxy.setRules([{ method: 'PATCH', skip: 1, fault: { kind: 'drop' }, times: 1 }]);
    expect(await repo.pushBlob(layer.descriptor, layer.source)).toBe('uploaded');
    expect(ranges('chunked/dropped')).toEqual([
      '0-65535',
      '65536-131071',
      '65536-131071',
      '131072-196607',
      '196608-204799',
    ]);
    expect(seen('GET', /chunked\/dropped\/blobs\/uploads\//)).toHaveLength(1);
    expect(seen('POST', /chunked\/dropped\/blobs\/uploads\/$/)).toHaveLength(1);
    expect((await readAll(await repo.fetch(layer.descriptor))).equals(layer.bytes)).toBe(true);
  });

  it('starts over from the source when the session is lost after an unanswered chunk', async () => {
    // The chunk lands but its answer is lost; distribution 2.8 then refuses (and cancels) the
    // session when asked with the outdated state, so the upload must start again from the source.
    const repo = open('chunked/lost', { chunkSize: 64 * KiB });
    const layer = blob(randomBytes(150 * KiB, 6));
    fx.proxy.setRules([
      { method: 'PATCH', skip: 1, fault: { kind: 'truncate', afterBytes: 0 }, times: 1 },
    ]);
    expect(await repo.pushBlob(layer.descriptor, layer.source)).toBe('uploaded');
    expect(seen('POST', /chunked\/lost\/blobs\/uploads\/$/)).toHaveLength(2);
    expect((await readAll(await repo.fetch(layer.descriptor))).equals(layer.bytes)).toBe(true);
  });

  it('reads the source one chunk at a time, never the whole blob ahead', async () => {
    const chunkSize = 128 * KiB;
    const repo = open('chunked/lazy', { chunkSize });
    const layer = blob(randomBytes(2048 * KiB, 7));
    // Bytes taken from the source so far, noted as each PATCH reaches the registry.
    let pulled = 0;
    const pulledAtPatch: number[] = [];
    const stop = fx.proxy.onRequest((r) => {
      if (r.method === 'PATCH') pulledAtPatch.push(pulled);
    });
    const source = {
      open: () =>
        Readable.from(
          (function* () {
            for (let i = 0; i < layer.bytes.length; i += 16 * KiB) {
              const piece = layer.bytes.subarray(i, i + 16 * KiB);
              pulled += piece.length;
              yield piece;
            }
          })(),
        ),
    };
    try {
      expect(await repo.pushBlob(layer.descriptor, source)).toBe('uploaded');
    } finally {
      stop();
    }
    expect(pulledAtPatch).toHaveLength(16);
    // What the streams between source and socket may buffer; far less than the blob.
    const readAhead = 512 * KiB;
    pulledAtPatch.forEach((bytes, i) =>
      expect(bytes).toBeLessThanOrEqual((i + 1) * chunkSize + readAhead),
    );
    expect((await readAll(await repo.fetch(layer.descriptor))).equals(layer.bytes)).toBe(true);
  });
});
