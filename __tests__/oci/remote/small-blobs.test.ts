// Small blobs cost round trips, not bytes: no existence check before them, and one request each
// where the registry stores a blob sent with the POST that opens its upload. distribution 2.8
// does not (it answers 202 and ignores the body), so it is the registry "that ignores the
// digest" here; the fault proxy plays one that supports it, with 2.8 storing behind it.
import type { RemoteRepository } from '../../../src/oci/remote/repository.js';
import { SMALL_BLOB_BYTES } from '../../../src/oci/transfer-policy.js';
import { blob, randomBytes, readAll, type Blob } from '../content.js';
import { useProxiedRegistry } from './proxied-repositories.js';

const SINGLE_POST = /\/blobs\/uploads\/\?digest=sha256%3A[0-9a-f]{64}$/;

describe('small blob uploads', () => {
  const fx = useProxiedRegistry();
  const { open, seen } = fx;

  const smallBlobs = (count: number, seed: number): Blob[] =>
    Array.from({ length: count }, (_, i) => blob(randomBytes(4096, seed * 1000 + i)));

  async function expectStored(repo: RemoteRepository, blobs: Blob[]): Promise<void> {
    for (const b of blobs) {
      expect((await readAll(await repo.fetch(b.descriptor))).equals(b.bytes)).toBe(true);
    }
  }

  it('on distribution 2.8 (202 to the single POST) sends the body once, then POST and PUT, and no HEAD', async () => {
    const repo = open('small/ignored');
    const blobs = smallBlobs(12, 1);
    const outcomes = await Promise.all(blobs.map((b) => repo.pushBlob(b.descriptor, b.source)));
    expect(outcomes).toEqual(blobs.map(() => 'uploaded'));

    const singlePosts = seen('POST', /small\/ignored\/blobs\/uploads\/\?digest=/);
    // However many uploads were in flight, one learnt for all: one wasted body.
    expect(singlePosts).toHaveLength(1);
    expect(singlePosts[0]?.path).toMatch(SINGLE_POST);
    expect(singlePosts[0]?.headers['content-length']).toBe('4096');
    expect(singlePosts[0]?.status).toBe(202);
    // The session that POST opened is used: one POST per blob in all, one PUT each.
    expect(seen('POST', /small\/ignored\/blobs\/uploads\//)).toHaveLength(12);
    expect(seen('PUT', /small\/ignored\/blobs\/uploads\//)).toHaveLength(12);
    expect(seen('HEAD', /small\/ignored\/blobs\//)).toHaveLength(0);
    await expectStored(repo, blobs);
    expect(fx.debug).toContainEqual(
      expect.stringMatching(/ignores a blob sent with the POST that opens its upload \(HTTP 202\)/),
    );
  });

  it('on a registry that stores a single POST, uploads each small blob in one request', async () => {
    fx.proxy.setRules([{ method: 'POST', path: SINGLE_POST, fault: { kind: 'single-post' } }]);
    const repo = open('small/supported');
    const blobs = smallBlobs(12, 2);
    const outcomes = await Promise.all(blobs.map((b) => repo.pushBlob(b.descriptor, b.source)));
    expect(outcomes).toEqual(blobs.map(() => 'uploaded'));

    const requests = fx.proxy.requests.filter((r) => r.path.includes('/small/supported/'));
    expect(requests.map((r) => `${r.method} ${r.status}`)).toEqual(blobs.map(() => 'POST 201'));
    expect(requests.every((r) => SINGLE_POST.test(r.path))).toBe(true);
    fx.proxy.setRules([]);
    await expectStored(repo, blobs);
  });

  it('falls back to POST and PUT for good when the registry refuses a body on the POST', async () => {
    fx.proxy.setRules([
      {
        method: 'POST',
        path: SINGLE_POST,
        fault: { kind: 'status', status: 415, body: 'no body here' },
        times: 1,
      },
    ]);
    const repo = open('small/refused');
    const blobs = smallBlobs(3, 3);
    for (const b of blobs) expect(await repo.pushBlob(b.descriptor, b.source)).toBe('uploaded');
    expect(seen('POST', /small\/refused\/blobs\/uploads\/\?digest=/)).toHaveLength(1);
    expect(seen('POST', /small\/refused\/blobs\/uploads\/$/)).toHaveLength(3);
    await expectStored(repo, blobs);
  });

  it('sends a single POST whose connection dropped again, from the source', async () => {
    fx.proxy.setRules([
      { method: 'POST', path: SINGLE_POST, fault: { kind: 'drop' }, times: 1 },
      { method: 'POST', path: SINGLE_POST, fault: { kind: 'single-post' } },
    ]);
    const repo = open('small/dropped');
    const [layer] = smallBlobs(1, 4) as [Blob];
    let opened = 0;
    const source = { open: () => (opened++, layer.source.open()) };
    expect(await repo.pushBlob(layer.descriptor, source)).toBe('uploaded');
    expect(opened).toBe(2);
    expect(seen('POST', /small\/dropped\/blobs\/uploads\//).map((r) => r.status)).toEqual([0, 201]);
    fx.proxy.setRules([]);
    await expectStored(repo, [layer]);
  });

  it('checks a blob above the small size first, and never sends it in the POST', async () => {
    const repo = open('small/large');
    const layer = blob(randomBytes(SMALL_BLOB_BYTES + 1, 5));
    expect(await repo.pushBlob(layer.descriptor, layer.source)).toBe('uploaded');
    expect(await repo.pushBlob(layer.descriptor, layer.source)).toBe('exists');
    expect(seen('HEAD', /small\/large\/blobs\//)).toHaveLength(2);
    expect(seen('POST', /small\/large\/blobs\/uploads\/$/)).toHaveLength(1);
    expect(seen('POST', /small\/large\/blobs\/uploads\/\?/)).toHaveLength(0);
  });

  it('draws the line at 256 KiB: one byte less goes unasked in the POST, 256 KiB is asked about', async () => {
    const repo = open('small/boundary');
    const under = blob(randomBytes(SMALL_BLOB_BYTES - 1, 9));
    const at = blob(randomBytes(SMALL_BLOB_BYTES, 10));
    expect(await repo.pushBlob(under.descriptor, under.source)).toBe('uploaded');
    expect(await repo.pushBlob(at.descriptor, at.source)).toBe('uploaded');
    expect(seen('POST', /small\/boundary\/blobs\/uploads\/\?digest=/).map((r) => r.path)).toEqual([
      expect.stringContaining(under.descriptor.digest.slice(7)),
    ]);
    expect(seen('HEAD', /small\/boundary\/blobs\//).map((r) => r.path)).toEqual([
      expect.stringContaining(at.descriptor.digest),
    ]);
    await expectStored(repo, [under, at]);
  });

  it('skips the check when the caller has just made it, even for a large blob', async () => {
    const repo = open('small/checked');
    const layer = blob(randomBytes(SMALL_BLOB_BYTES + 1, 6));
    const outcome = await repo.pushBlob(layer.descriptor, layer.source, {
      skipExistenceCheck: true,
    });
    expect(outcome).toBe('uploaded');
    expect(seen('HEAD', /small\/checked\//)).toHaveLength(0);
  });

  it('uploads a small blob that exists again rather than asking (the registry keeps one copy)', async () => {
    const repo = open('small/again');
    const [layer] = smallBlobs(1, 7) as [Blob];
    expect(await repo.pushBlob(layer.descriptor, layer.source)).toBe('uploaded');
    expect(await repo.pushBlob(layer.descriptor, layer.source)).toBe('uploaded');
    expect(seen('HEAD', /small\/again\//)).toHaveLength(0);
    await expectStored(repo, [layer]);
  });

  it('does not send a blob larger than chunk-size in one POST', async () => {
    const repo = open('small/chunked', { chunkSize: 1024 });
    const [layer] = smallBlobs(1, 8) as [Blob];
    expect(await repo.pushBlob(layer.descriptor, layer.source)).toBe('uploaded');
    expect(seen('POST', /small\/chunked\/blobs\/uploads\/\?/)).toHaveLength(0);
    expect(seen('PATCH', /small\/chunked\/blobs\/uploads\//)).toHaveLength(4);
    await expectStored(repo, [layer]);
  });
});
