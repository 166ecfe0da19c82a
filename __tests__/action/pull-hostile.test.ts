// `command: pull` refusing hostile artifacts, through the bundled action against a real
// registry: each case fails with a clear message, writes nothing outside `path` and leaves
// nothing unverified inside it (the workspace holds exactly what it held before).
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { digestBytes } from '../../src/oci/digest.js';
import { OCI_MANIFEST } from '../../src/oci/media-types.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { startRegistry, type Registry } from '../support/registry.js';
import { makeTempDir } from '../support/temp.js';
import {
  EMPTY_CONFIG,
  fileLayer,
  folderLayer,
  pushArtifact,
  type LayerSpec,
} from '../commands/pull/fixtures.js';
import type { TarEntry } from '../commands/pull/tar-builder.js';
import { tree } from '../commands/pull/helpers.js';
import { failed, listing, pullRunner, repository } from './pull-support.js';

describe('pull refuses hostile content', () => {
  // Modes below assume the usual umask; the action (a child process) inherits it.
  let umask: number;
  beforeAll(() => {
    umask = process.umask(0o022);
  });
  afterAll(() => {
    process.umask(umask);
  });
  let registry: Registry;
  let proxy: FaultProxy;
  const cleanups: (() => Promise<void>)[] = [];
  const pull = pullRunner(() => registry.host);
  const pullViaProxy = pullRunner(() => proxy.host);
  let count = 0;
  beforeAll(async () => {
    registry = await startRegistry();
    proxy = await startFaultProxy(registry.url);
  });
  afterEach(() => proxy.setRules([]));
  afterAll(async () => {
    await Promise.all(cleanups.map((c) => c()));
    await pull.cleanup();
    await pullViaProxy.cleanup();
    await proxy?.stop();
    await registry?.stop();
  });

  /** A fresh workspace: `out` is the pull's path, `outside` a folder next to it. */
  async function workspace(): Promise<{ ws: string; out: string }> {
    const dir = await makeTempDir('oci-pull-hostile-');
    cleanups.push(dir.remove);
    return { ws: dir.path, out: join(dir.path, 'out') };
  }

  async function pushed(layers: LayerSpec[]): Promise<string> {
    const name = `hostile/case${++count}`;
    await pushArtifact(repository(registry.host, name), layers, 'v1');
    return `${name}:v1`;
  }

  it.each<[string, (ws: string) => string]>([
    ['a title with ..', () => '../escaped.txt'],
    ['a deeper title with ..', () => 'a/../../escaped.txt'],
    ['an absolute title', (ws) => join(ws, 'escaped.txt')],
  ])('refuses %s', async (_what, title) => {
    const { ws } = await workspace();
    const reference = await pushed([fileLayer(title(ws), 'evil')]);
    const message = failed(await pull({ reference, path: 'out' }, { workspace: ws }));
    expect(message).toMatch(/layer title ".*" (leaves the output folder|is an absolute path)/);
    expect(message).toContain('refused unless allow-path-traversal is true');
    expect(await listing(ws)).toEqual([]);
  });

  it('refuses a path through a symlink in the output folder that leads out', async () => {
    const { ws } = await workspace();
    const { symlink, mkdir } = await import('node:fs/promises');
    await mkdir(join(ws, 'out'));
    await mkdir(join(ws, 'elsewhere'));
    await symlink('../elsewhere', join(ws, 'out/docs'));
    const reference = await pushed([fileLayer('docs/evil.txt', 'evil')]);
    const message = failed(await pull({ reference, path: 'out' }, { workspace: ws }));
    expect(message).toContain('which leads outside the output folder');
    expect(await tree(ws)).toEqual({
      elsewhere: 'dir 755',
      out: 'dir 755',
      'out/docs': 'link -> ../elsewhere',
    });
  });

  it.each<[string, TarEntry[], RegExp]>([
    [
      'a tar entry with ..',
      [{ name: 'd/../../escaped.txt', body: 'evil' }],
      /tar entry "d\/\.\.\/\.\.\/escaped\.txt" leaves the layer folder/,
    ],
    [
      'an absolute tar entry',
      [{ name: '/tmp/oci-pull-escaped.txt', body: 'evil' }],
      /tar entry "\/tmp\/oci-pull-escaped\.txt" leaves the layer folder/,
    ],
    ['an entry outside the title', [{ name: 'other/x', body: 'evil' }], /is not inside "d\/"/],
    [
      'a symlink out, then a file through it',
      [
        { name: 'd/', type: '5' },
        { name: 'd/up', type: '2', linkname: '../..' },
        { name: 'd/up/escaped.txt', body: 'evil' },
      ],
      /tar entry "d\/up" is a symbolic link to "\.\.\/\.\.", which leaves the layer folder/,
    ],
    [
      'a file through a symlink that stays inside',
      [
        { name: 'd/sub/', type: '5' },
        { name: 'd/alias', type: '2', linkname: 'sub' },
        { name: 'd/alias/x', body: 'x' },
      ],
      /would be written through the symbolic link "d\/alias"/,
    ],
    [
      'an absolute symlink',
      [{ name: 'd/etc', type: '2', linkname: '/etc' }],
      /symbolic link to the absolute path "\/etc"/,
    ],
    [
      'a hard link out',
      [{ name: 'd/passwd', type: '1', linkname: '../../../../../../etc/passwd' }],
      /tar entry "d\/passwd" is a hard link to ".*etc\/passwd", which is outside the layer folder/,
    ],
  ])('refuses %s in a folder layer', async (_what, entries, message) => {
    const { ws } = await workspace();
    const reference = await pushed([fileLayer('first.txt', 'fine'), folderLayer('d', entries)]);
    expect(failed(await pull({ reference, path: 'out' }, { workspace: ws }))).toMatch(message);
    expect(await listing(ws)).toEqual([]);
    await expect(readFile('/tmp/oci-pull-escaped.txt')).rejects.toThrow();
  });

  it.each([
    [
      'bytes were',
      (b: Buffer) => Buffer.from(b.toString('utf8').toUpperCase()),
      /content digest is sha256:\w+, expected sha256:/,
    ],
    [
      'size was',
      (b: Buffer) => Buffer.concat([b, Buffer.from('more')]),
      /the registry offers 16 bytes, the descriptor says 12/,
    ],
  ])('fails on a blob whose %s altered at rest, writing nothing', async (_what, alter, message) => {
    const { ws } = await workspace();
    const name = `hostile/altered-${_what.split(' ')[0]}`;
    const artifact = await pushArtifact(
      repository(registry.host, name),
      [fileLayer('a.txt', 'first'), fileLayer('b.txt', 'second layer')],
      'v1',
    );
    const file = registry.blobPath(artifact.layers[1]!.digest);
    await writeFile(file, alter(await readFile(file)));
    expect(failed(await pull({ reference: `${name}:v1`, path: 'out' }, { workspace: ws }))).toMatch(
      message,
    );
    expect(await listing(ws)).toEqual([]);
  });

  it('fails on a download cut every time it resumes, writing nothing', async () => {
    const { ws } = await workspace();
    const reference = await pushed([fileLayer('big.bin', Buffer.alloc(256 * 1024, 'x'))]);
    proxy.setRules([
      { method: 'GET', path: /\/blobs\/sha256:/, fault: { kind: 'truncate', afterBytes: 4096 } },
    ]);
    const message = failed(await pullViaProxy({ reference, path: 'out' }, { workspace: ws }));
    expect(message).toMatch(/fetch blob .*sha256:\w+ failed/);
    const gets = proxy.requests.filter((r) => r.method === 'GET' && /\/blobs\//.test(r.path));
    expect(gets.length).toBeGreaterThan(1);
    expect(gets.slice(1).every((r) => /^bytes=\d+-$/.test(String(r.headers['range'])))).toBe(true);
    expect(await listing(ws)).toEqual([]);
  });

  it('fails on a manifest over 4 MiB (served through the proxy: the registry refuses to store one)', async () => {
    const { ws } = await workspace();
    const big = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        config: EMPTY_CONFIG,
        layers: [],
        annotations: { padding: 'x'.repeat(5 * 1024 * 1024) },
      }),
    );
    proxy.setRules([
      {
        path: /\/manifests\/v1$/,
        fault: {
          kind: 'status',
          status: 200,
          headers: { 'content-type': OCI_MANIFEST, 'docker-content-digest': digestBytes(big) },
          body: big.toString('utf8'),
        },
      },
    ]);
    const message = failed(
      await pullViaProxy({ reference: 'hostile/big:v1', path: 'out' }, { workspace: ws }),
    );
    expect(message).toMatch(
      /the manifest is \d+ bytes, more than the 4194304 \(4 MiB\) a manifest may have/,
    );
    expect(await listing(ws)).toEqual([]);
  });
});
