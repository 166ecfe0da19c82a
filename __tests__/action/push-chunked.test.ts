// Uploads through a proxy that caps request bodies (the fault proxy's body-limit, in front of a
// real registry): `chunk-size` uploads in chunks from the start, and a monolithic upload
// answered 413 is sent again in chunks on its own, with a notice.
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SeenRequest } from '../support/fault-proxy.js';
import { fetchBlob, sha256, succeeded, useFaultProxy, useTestBed } from './push-support.js';

const MiB = 1024 * 1024;

/** Upload requests that carried a body, by method: PATCH chunks and monolithic PUTs. */
const uploads = (requests: readonly SeenRequest[], repo: string) =>
  requests
    .filter((r) => r.path.startsWith(`/v2/${repo}/blobs/uploads/`))
    .filter(
      (r) => r.method === 'PATCH' || (r.method === 'PUT' && r.headers['content-length'] !== '0'),
    )
    .map((r) => `${r.method} ${r.headers['content-length']} ${r.status}`);

describe('uploads through a proxy that caps request bodies', () => {
  const bed = useTestBed({ registry: {}, tree: { 'small.txt': 'small\n' } });
  const proxied = useFaultProxy(bed);
  const files: Record<string, Buffer> = {};
  beforeAll(async () => {
    for (const [name, size] of [
      ['big.bin', 12 * MiB],
      ['bigger.bin', 16 * MiB],
      ['mid.bin', 2.5 * MiB],
    ] as const) {
      files[name] = randomBytes(size);
      await writeFile(join(bed.ws, name), files[name]);
    }
  });
  afterEach(() => proxied.proxy.setRules([]));

  const push = (inputs: Record<string, string>) =>
    bed.run({
      command: 'push',
      registry: proxied.proxy.host,
      'plain-http': 'true',
      concurrency: '1',
      ...inputs,
    });

  it('uploads in chunks of chunk-size, never in one request', async () => {
    const run = succeeded(
      await push({ reference: 'chunked/asked:v1', files: 'mid.bin', 'chunk-size': '1MiB' }),
    );
    // The config `{}` first: two bytes in one chunk.
    expect(uploads(proxied.proxy.requests, 'chunked/asked')).toEqual([
      'PATCH 2 202',
      `PATCH ${MiB} 202`,
      `PATCH ${MiB} 202`,
      `PATCH ${MiB / 2} 202`,
    ]);
    const pushed = JSON.parse(run.outputs['files']!) as { digest: string }[];
    expect(pushed[0]!.digest).toBe(sha256(files['mid.bin']!));
    const stored = await fetchBlob(bed.registry.url, 'chunked/asked', pushed[0]!.digest);
    expect(stored.equals(files['mid.bin']!)).toBe(true);
  });

  it.each([false, true])(
    'sends a blob refused whole with 413 again in 8 MiB chunks, with a notice (proxy answers early: %s)',
    async (early) => {
      const repo = `chunked/fallback-${early}`;
      proxied.proxy.setRules([
        { method: 'PUT', fault: { kind: 'body-limit', maxBytes: 10_000_000, early } },
      ]);
      const run = succeeded(
        await push({ reference: `${repo}:v1`, files: 'big.bin\nbigger.bin\nsmall.txt' }),
      );
      const notices = run.stdout.split('\n').filter((line) => line.startsWith('::notice::'));
      expect(notices).toEqual([
        expect.stringMatching(
          new RegExp(
            `^::notice::127\\.0\\.0\\.1:\\d+ refused the upload of 127\\.0\\.0\\.1:\\d+/${repo}@${sha256(files['big.bin']!)} in one request \\(HTTP 413: the body is too large for the registry, or a proxy before it\\); uploading it in chunks of 8 MiB instead`,
          ),
        ),
      ]);
      // big.bin refused, then chunked; bigger.bin (larger still) chunked at once; the small file
      // and the config whole. A proxy that answers before reading the body can reach the client
      // as a reset connection instead, which is retried like any: only then a second 413.
      const sent = uploads(proxied.proxy.requests, repo);
      const refused = sent.filter((u) => u === `PUT ${12 * MiB} 413`).length;
      expect(early ? refused >= 1 : refused === 1).toBe(true);
      expect(sent.filter((u) => u !== `PUT ${12 * MiB} 413`)).toEqual([
        'PUT 2 201',
        `PATCH ${8 * MiB} 202`,
        `PATCH ${4 * MiB} 202`,
        `PATCH ${8 * MiB} 202`,
        `PATCH ${8 * MiB} 202`,
        'PUT 6 201',
      ]);
      for (const name of ['big.bin', 'bigger.bin']) {
        const stored = await fetchBlob(bed.registry.url, repo, sha256(files[name]!));
        expect(stored.equals(files[name]!)).toBe(true);
      }
    },
  );

  it('says to lower chunk-size when a chunk is refused too', async () => {
    proxied.proxy.setRules([
      { method: 'PATCH', fault: { kind: 'body-limit', maxBytes: 512 * 1024 } },
    ]);
    const run = await push({
      reference: 'chunked/small-cap:v1',
      files: 'mid.bin',
      'chunk-size': '1MiB',
    });
    expect(run.exitCode).toBe(1);
    expect(run.errors[0]).toMatch(
      /failed \(HTTP 413\).*the registry \(or a proxy before it\) refuses request bodies of 1048576 bytes: set chunk-size below its limit$/,
    );
  });

  it('copies in chunks too', async () => {
    succeeded(
      await bed.run({
        command: 'push',
        registry: bed.registry.host,
        'plain-http': 'true',
        reference: 'chunked/source:v1',
        files: 'mid.bin',
      }),
    );
    const run = succeeded(
      await bed.run({
        command: 'copy',
        source: `${bed.registry.host}/chunked/source:v1`,
        registry: proxied.proxy.host,
        reference: 'chunked/copied:v1',
        'plain-http': 'true',
        'chunk-size': '1MiB',
      }),
    );
    expect(run.outputs['digest']).toMatch(/^sha256:/);
    expect(uploads(proxied.proxy.requests, 'chunked/copied').sort()).toEqual([
      'PATCH 1048576 202',
      'PATCH 1048576 202',
      'PATCH 2 202',
      'PATCH 524288 202',
    ]);
  });

  it.each(['5', '2GiB', 'lots', '1 M'])(
    'refuses chunk-size %j, naming the input',
    async (value) => {
      const run = await push({
        reference: 'chunked/bad:v1',
        files: 'small.txt',
        'chunk-size': value,
      });
      expect(run.exitCode).toBe(1);
      expect(run.errors).toEqual([
        `Input "chunk-size": got ${JSON.stringify(value)}; expected a size in bytes, such as 500MiB, 2GiB or 1000000 (units B, kB, MB, GB, TB, KiB, MiB, GiB, TiB), from 1KiB to 1GiB; empty to upload each blob in one request`,
      ]);
    },
  );
});
