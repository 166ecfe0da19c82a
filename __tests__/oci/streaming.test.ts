// Blobs move as streams, never whole in memory: each test hands over a blob in pieces and checks
// that its start has reached the other side before its end was even produced.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { digestHex } from '../../src/oci/digest.js';
import { OciLayout } from '../../src/oci/layout/store.js';
import type { BlobSource } from '../../src/oci/target.js';
import { makeTempDir } from '../support/temp.js';
import { blob, randomBytes, readAll } from './content.js';
import { useProxiedRegistry } from './remote/proxied-repositories.js';

const KiB = 1024;
const MiB = 1024 * KiB;

/** Yields `bytes` in 64 KiB pieces; before the piece at `at`, waits for `until()`. */
function gatedSource(bytes: Buffer, at: number, until: () => Promise<void>): BlobSource {
  return {
    open: () =>
      Readable.from(
        (async function* () {
          for (let i = 0; i < bytes.length; i += 64 * KiB) {
            if (i === at) await until();
            yield bytes.subarray(i, i + 64 * KiB);
          }
        })(),
        { objectMode: false, highWaterMark: 64 * KiB },
      ),
  };
}

describe('monolithic upload to a registry', () => {
  const fx = useProxiedRegistry();

  it('streams the source in the PUT, with an explicit Content-Length', async () => {
    const repo = fx.open('streaming/put');
    const layer = blob(randomBytes(2 * MiB, 21));
    // The second half is produced only once the PUT has reached the registry: a client that
    // read the source whole before sending would wait forever.
    const putArrived = new Promise<void>((resolve) => {
      const stop = fx.proxy.onRequest((r) => {
        if (r.method === 'PUT' && r.path.includes('/blobs/uploads/')) {
          stop();
          resolve();
        }
      });
    });
    const source = gatedSource(layer.bytes, MiB, () => putArrived);
    expect(await repo.pushBlob(layer.descriptor, source)).toBe('uploaded');
    const [put] = fx.seen('PUT', /streaming\/put\/blobs\/uploads\//);
    expect(put?.headers['content-length']).toBe(String(2 * MiB));
    expect(put?.headers['transfer-encoding']).toBeUndefined();
    expect((await readAll(await repo.fetch(layer.descriptor))).equals(layer.bytes)).toBe(true);
  }, 15_000);
});

describe('OCI layout', () => {
  let temp: { path: string; remove: () => Promise<void> };
  beforeEach(async () => (temp = await makeTempDir('oci-streaming-')));
  afterEach(async () => temp.remove());

  it('writes a blob to disk as it reads it', async () => {
    const layout = await OciLayout.open(temp.path, { create: true });
    const layer = blob(randomBytes(4 * MiB, 22));
    const folder = join(temp.path, 'blobs', 'sha256');
    let written = 0;
    // Before the last piece is produced, see how much of the blob is already in its temp file.
    const source = gatedSource(layer.bytes, 4 * MiB - 64 * KiB, async () => {
      const hex = digestHex(layer.descriptor.digest);
      const temp = (await readdir(folder)).find((n) => n.startsWith(`.${hex}.`));
      written = temp ? (await stat(join(folder, temp))).size : 0;
    });
    expect(await layout.pushBlob(layer.descriptor, source)).toBe('uploaded');
    expect(written).toBeGreaterThanOrEqual(2 * MiB);
    expect(written).toBeLessThan(4 * MiB);
  });

  it('reads a blob back in pieces', async () => {
    const layout = await OciLayout.open(temp.path, { create: true });
    const layer = blob(randomBytes(MiB, 23));
    await layout.pushBlob(layer.descriptor, layer.source);
    const sizes: number[] = [];
    for await (const chunk of await layout.fetch(layer.descriptor)) sizes.push(chunk.length);
    expect(sizes.length).toBeGreaterThan(1);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(64 * KiB);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(MiB);
  });
});
