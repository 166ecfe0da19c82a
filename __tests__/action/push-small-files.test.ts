// Many small files, counted in requests at the fault proxy (round trips, not time): issue 17's
// "200 small files in at most 1.2 round trips per blob". distribution 2.8 does not store a blob
// sent with the POST that opens its upload (it answers 202 and ignores the bytes), so against
// 2.8 itself two requests per blob is the floor (POST, then PUT); the fault proxy plays a
// registry that does store it, with 2.8 behind, for the one-request path.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SeenRequest } from '../support/fault-proxy.js';
import {
  fetchBlob,
  parseManifest,
  sha256,
  skopeoRaw,
  succeeded,
  useFaultProxy,
  useTestBed,
  type Tree,
} from './push-support.js';

const FILES = 200;
const SIZE = 4096;

/** 200 different files of 4 KiB under many/. */
function manyFiles(): Tree {
  const tree: Tree = {};
  for (let i = 0; i < FILES; i++) {
    const line = `file ${String(i).padStart(3, '0')} `;
    tree[`many/f${String(i).padStart(3, '0')}.bin`] = line.repeat(SIZE).slice(0, SIZE);
  }
  return tree;
}

const SINGLE_POST = /\/blobs\/uploads\/\?digest=/;
const kind = (r: SeenRequest): string => {
  const path = r.path.split('?')[0] ?? '';
  if (SINGLE_POST.test(r.path)) return 'single POST';
  if (/\/blobs\/uploads\/.+/.test(path)) return `${r.method} session`;
  if (/\/blobs\/uploads\/$/.test(path)) return `${r.method} uploads`;
  if (/\/blobs\//.test(path)) return `${r.method} blob`;
  if (/\/manifests\//.test(path)) return `${r.method} manifest`;
  return `${r.method} ${path}`;
};

function tally(requests: SeenRequest[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of requests) counts[kind(r)] = (counts[kind(r)] ?? 0) + 1;
  return counts;
}

describe('many small files', () => {
  const bed = useTestBed({ registry: {}, tree: manyFiles() });
  const proxied = useFaultProxy(bed);

  const push = (reference: string) =>
    bed.run({
      command: 'push',
      registry: proxied.proxy.host,
      'plain-http': 'true',
      reference,
      files: 'many/*.bin',
    });

  it('push in at most 1.2 requests per file where the registry takes a single POST', async () => {
    proxied.proxy.setRules([{ method: 'POST', path: SINGLE_POST, fault: { kind: 'single-post' } }]);
    const mark = proxied.proxy.requests.length;
    const run = succeeded(await push('small/supported:v1'));
    const requests = proxied.proxy.requests.slice(mark);
    proxied.proxy.setRules([]);

    expect(requests.length / FILES).toBeLessThanOrEqual(1.2);
    // One request per blob (200 files and the empty config), and nothing asked first.
    expect(tally(requests)).toEqual({
      'GET /v2/': 1,
      'HEAD manifest': 1,
      'single POST': FILES + 1,
      'PUT manifest': 1,
    });
    expect(requests.filter((r) => kind(r) === 'single POST').map((r) => r.status)).toEqual(
      Array<number>(FILES + 1).fill(201),
    );

    const manifest = parseManifest(await skopeoRaw(`${bed.registry.host}/small/supported:v1`));
    expect(manifest.layers).toHaveLength(FILES);
    expect(run.outputs['digest']).toBe(
      sha256(await skopeoRaw(`${bed.registry.host}/small/supported:v1`)),
    );
    for (const layer of [manifest.layers[0], manifest.layers[FILES - 1]]) {
      const title = layer?.annotations?.['org.opencontainers.image.title'] ?? '';
      const stored = await fetchBlob(bed.registry.url, 'small/supported', layer?.digest ?? '');
      expect(stored.equals(await readFile(join(bed.ws, title)))).toBe(true);
    }
  });

  it('push in two requests per file on distribution 2.8 itself (202 to the single POST), the body wasted once', async () => {
    const mark = proxied.proxy.requests.length;
    const run = succeeded(await push('small/plain:v1'));
    const requests = proxied.proxy.requests.slice(mark);

    // The first blob's single POST learns that 2.8 ignores it; its session takes the PUT.
    expect(tally(requests)).toEqual({
      'GET /v2/': 1,
      'HEAD manifest': 1,
      'single POST': 1,
      'POST uploads': FILES,
      'PUT session': FILES + 1,
      'PUT manifest': 1,
    });
    expect(requests.length / FILES).toBeLessThanOrEqual(2.05);
    expect(run.stdout).toMatch(/^Uploaded many\/f000\.bin sha256:[0-9a-f]{12} \(4\.0 KiB\)$/m);
    const manifest = parseManifest(await skopeoRaw(`${bed.registry.host}/small/plain:v1`));
    expect(manifest.layers).toHaveLength(FILES);
  });

  it('pull one GET per small layer, nothing asked first', async () => {
    const mark = proxied.proxy.requests.length;
    const out = join(bed.dir, 'pulled');
    succeeded(
      await bed.run({
        command: 'pull',
        registry: proxied.proxy.host,
        'plain-http': 'true',
        reference: 'small/plain:v1',
        path: out,
      }),
    );
    const requests = proxied.proxy.requests.slice(mark);
    expect(tally(requests)).toEqual({
      'GET /v2/': 1,
      'HEAD manifest': 1,
      'GET manifest': 1,
      'GET blob': FILES,
    });
    for (const name of ['many/f000.bin', 'many/f199.bin']) {
      expect((await readFile(join(out, name))).equals(await readFile(join(bed.ws, name)))).toBe(
        true,
      );
    }
  });
});
