// `download-parts` through the bundled action, seen by a fault proxy in front of the real
// registry: a blob in ranged parts, a server that ignores Range, a part cut and resumed, the
// automatic choice for a small blob, the parts within the pull's connections, and the input's
// checks.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { splitParts } from '../../src/oci/remote/blob-file.js';
import { randomBytes } from '../oci/content.js';
import { fileLayer, pushArtifact } from '../commands/pull/fixtures.js';
import { failed, listing, pullFixture, repository, succeeded } from './pull-support.js';

const MiB = 1024 * 1024;
/** Short waits between attempts (test-only knobs; see src/action/test-knobs.ts). */
const quick = { OCI_ACTION_TEST_RETRY_BASE_MS: '1', OCI_ACTION_TEST_RETRY_MAX_MS: '5' };

describe('pull in parts', () => {
  const fixture = pullFixture();
  const { pullViaProxy, tempDir } = fixture;
  let count = 0;

  /** An artifact of one file; the proxy's requests start empty. */
  async function pushed(size: number) {
    const name = `parts/app${++count}`;
    const bytes = randomBytes(size, count);
    const artifact = await pushArtifact(
      repository(fixture.registry.host, name),
      [fileLayer('data.bin', bytes)],
      'v1',
    );
    fixture.proxy.requests.length = 0;
    const digest = artifact.layers[0]!.digest;
    const gets = () =>
      fixture.proxy.requests.filter((r) => r.method === 'GET' && r.path.endsWith(digest));
    return { reference: `${name}:v1`, bytes, gets, path: new RegExp(`/blobs/${digest}$`) };
  }

  it('downloads a blob in the parts asked for, each a ranged GET answered 206', async () => {
    const { reference, bytes, gets } = await pushed(4 * MiB);
    const ws = await tempDir();
    succeeded(await pullViaProxy({ reference, 'download-parts': '4' }, { workspace: ws }));
    expect((await readFile(join(ws, 'data.bin'))).equals(bytes)).toBe(true);
    expect(
      gets()
        .map((r) => r.headers['range'] as string)
        .sort(),
    ).toEqual(
      splitParts(4 * MiB, 4)
        .map((p) => `bytes=${p.start}-${p.end - 1}`)
        .sort(),
    );
    expect(gets().every((r) => r.status === 206)).toBe(true);
  });

  it('takes the blob in one stream from a server that ignores Range: one GET', async () => {
    const { reference, bytes, gets, path } = await pushed(4 * MiB);
    fixture.proxy.setRules([
      { method: 'GET', path, fault: { kind: 'drop-request-headers', names: ['range'] } },
    ]);
    const ws = await tempDir();
    succeeded(await pullViaProxy({ reference, 'download-parts': '4' }, { workspace: ws }));
    expect((await readFile(join(ws, 'data.bin'))).equals(bytes)).toBe(true);
    expect(gets().map((r) => r.status)).toEqual([200]);
  });

  it('resumes a part cut mid-body from where it was cut, and the file is exact', async () => {
    const { reference, bytes, gets, path } = await pushed(4 * MiB);
    const cutAfter = 200 * 1024;
    fixture.proxy.setRules([
      {
        method: 'GET',
        path,
        fault: { kind: 'truncate', afterBytes: cutAfter },
        skip: 2,
        times: 1,
      },
    ]);
    const ws = await tempDir();
    const run = succeeded(
      await pullViaProxy({ reference, 'download-parts': '4' }, { workspace: ws, env: quick }),
    );
    expect((await readFile(join(ws, 'data.bin'))).equals(bytes)).toBe(true);
    const ranges = gets().map((r) => r.headers['range'] as string);
    expect(ranges).toHaveLength(5);
    const [, start, end] = /^bytes=(\d+)-(\d+)$/.exec(ranges[2]!)!.map(Number);
    expect(ranges.slice(3)).toContain(`bytes=${start! + cutAfter}-${end}`);
    expect(run.stdout).toMatch(new RegExp(`cut at byte ${start! + cutAfter} of ${4 * MiB}`));
  });

  it('fails, naming the layer, when a part is cut every time, and writes nothing', async () => {
    const { reference, path } = await pushed(4 * MiB);
    fixture.proxy.setRules([
      { method: 'GET', path, fault: { kind: 'truncate', afterBytes: 100 }, skip: 1 },
    ]);
    const ws = await tempDir();
    const error = failed(
      await pullViaProxy({ reference, 'download-parts': '4' }, { workspace: ws, env: quick }),
    );
    expect(error).toMatch(/^layer "data\.bin" \(sha256:\w{12}\): fetch blob .* failed/);
    expect(error).toMatch(
      /cut at byte \d+ of \d+ \(in the part of bytes \d+-\d+\); gave up after 5 attempts$/,
    );
    expect(await listing(ws)).toEqual([]);
  });

  it('downloads a blob below the automatic threshold in one stream: one GET, no Range', async () => {
    const { reference, bytes, gets } = await pushed(4 * MiB);
    const ws = await tempDir();
    succeeded(await pullViaProxy({ reference }, { workspace: ws }));
    expect((await readFile(join(ws, 'data.bin'))).equals(bytes)).toBe(true);
    expect(gets().map((r) => [r.headers['range'], r.status])).toEqual([[undefined, 200]]);
  });

  it('runs the parts on the connections other layers leave free: never past concurrency, nor the large share', async () => {
    const name = `parts/shared${++count}`;
    const big = randomBytes(8 * MiB, 99);
    const small = Array.from({ length: 12 }, (_, i) => fileLayer(`s${i}.txt`, `small ${i}\n`));
    const artifact = await pushArtifact(
      repository(fixture.registry.host, name),
      [fileLayer('big.bin', big), ...small],
      'v1',
    );
    const bigPath = new RegExp(`/blobs/${artifact.layers[0]!.digest}$`);
    const blobs = fixture.proxy.trackInFlight(
      (r) => r.method === 'GET' && /\/blobs\//.test(r.path),
    );
    const parts = fixture.proxy.trackInFlight((r) => r.method === 'GET' && bigPath.test(r.path));
    // Every part is held after its first KiB (headers go out with the first bytes) until five of
    // them are in flight: the pull reaches that only once the small layers are done (while they
    // wait, a part takes no slot), and a pull that never opens five would hang here.
    // concurrency 8 leaves large transfers 5 (largeTransferLimit).
    let fifth!: () => void;
    const five = new Promise<void>((resolve) => (fifth = resolve));
    let seen = 0;
    const stop = fixture.proxy.onRequest((r) => {
      if (r.method === 'GET' && bigPath.test(r.path) && ++seen === 5) fifth();
    });
    fixture.proxy.setRules([
      { method: 'GET', path: bigPath, fault: { kind: 'hold', afterBytes: 1024, until: five } },
    ]);
    const ws = await tempDir();
    try {
      succeeded(
        await pullViaProxy(
          { reference: `${name}:v1`, concurrency: '8', 'download-parts': '8' },
          { workspace: ws },
        ),
      );
    } finally {
      stop();
    }
    expect((await readFile(join(ws, 'big.bin'))).equals(big)).toBe(true);
    expect(seen).toBe(8);
    expect(parts()).toBe(5);
    expect(blobs()).toBeLessThanOrEqual(8);
  });

  it.each([['0'], ['65'], ['two'], ['1.5']])('refuses download-parts: %s', async (value) => {
    const ws = await tempDir();
    const error = failed(
      await pullViaProxy({ reference: 'any/app:v1', 'download-parts': value }, { workspace: ws }),
    );
    expect(error).toBe(
      `Input "download-parts": got "${value}"; expected auto, or a whole number from 1 to 64 (1: every blob in one stream)`,
    );
  });
});
