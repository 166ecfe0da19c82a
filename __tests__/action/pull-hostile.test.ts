// `command: pull` refusing hostile artifacts, through the bundled action against a real
// registry: each case fails with a clear message naming the layer, writes nothing outside `path`
// and leaves nothing unverified inside it (the workspace holds exactly what it held before).
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { digestBytes } from '../../src/oci/digest.js';
import { OCI_MANIFEST } from '../../src/oci/media-types.js';
import {
  alteredGzip,
  EMPTY_CONFIG,
  fileLayer,
  folderLayer,
  pushArtifact,
  type LayerSpec,
} from '../commands/pull/fixtures.js';
import type { TarEntry } from '../commands/pull/tar-builder.js';
import { failed, listing, pullFixture, repository, succeeded, tree } from './pull-support.js';

describe('pull refuses hostile content', () => {
  const fixture = pullFixture();
  const { pull, pullViaProxy } = fixture;
  let count = 0;

  async function pushed(layers: LayerSpec[]): Promise<string> {
    const name = `hostile/case${++count}`;
    await pushArtifact(repository(fixture.registry.host, name), layers, 'v1');
    return `${name}:v1`;
  }

  it.each<[string, (ws: string) => string]>([
    ['a title with ..', () => '../escaped.txt'],
    ['a deeper title with ..', () => 'a/../../escaped.txt'],
    ['an absolute title', (ws) => join(ws, 'escaped.txt')],
  ])('refuses %s', async (_what, title) => {
    const ws = await fixture.tempDir();
    const reference = await pushed([fileLayer(title(ws), 'evil')]);
    const message = failed(await pull({ reference, path: 'out' }, { workspace: ws }));
    expect(message).toMatch(/layer title ".*" (leaves the output folder|is an absolute path)/);
    expect(message).toContain('refused unless allow-path-traversal is true');
    expect(await listing(ws)).toEqual([]);
  });

  it('writes a title with .. beside the output folder when allow-path-traversal is true', async () => {
    const ws = await fixture.tempDir();
    const reference = await pushed([fileLayer('../beside.txt', 'allowed')]);
    succeeded(
      await pull({ reference, path: 'out', 'allow-path-traversal': 'true' }, { workspace: ws }),
    );
    expect(await tree(ws)).toEqual({ 'beside.txt': 'file 644 allowed', out: 'dir 755' });
  });

  it('refuses a path through a symlink in the output folder that leads out', async () => {
    const ws = await fixture.tempDir();
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

  // `path` is three folders deep: the ones the pull made are removed again.
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
    const ws = await fixture.tempDir();
    const reference = await pushed([fileLayer('first.txt', 'fine'), folderLayer('d', entries)]);
    const error = failed(await pull({ reference, path: 'a/b/out' }, { workspace: ws }));
    expect(error).toMatch(/^folder layer "d": /);
    expect(error).toMatch(message);
    expect(await listing(ws)).toEqual([]);
    await expect(readFile('/tmp/oci-pull-escaped.txt')).rejects.toThrow();
  });

  it.each<[string, LayerSpec, (stored: Buffer) => Buffer, RegExp]>([
    [
      'a file whose bytes were',
      fileLayer('b.txt', 'second layer'),
      (b) => Buffer.from(b.toString('utf8').toUpperCase()),
      /^layer "b\.txt" \(sha256:\w{12}\): fetch blob .* content digest is sha256:\w+, expected sha256:/,
    ],
    [
      'a file whose size was',
      fileLayer('b.txt', 'second layer'),
      (b) => Buffer.concat([b, Buffer.from('more')]),
      /^layer "b\.txt" \(sha256:\w{12}\): .*the registry offers 16 bytes, the descriptor says 12/,
    ],
    [
      // Still valid gzip of the same tar: only the blob digest check can catch it.
      'a folder whose gzip header was',
      folderLayer('site', [{ name: 'site/index.html', body: '<h1>hi</h1>' }]),
      alteredGzip,
      /^layer "site" \(sha256:\w{12}\): fetch blob .* content digest is sha256:\w+, expected sha256:/,
    ],
  ])('fails on %s altered at rest, writing nothing', async (_what, layer, alter, message) => {
    const ws = await fixture.tempDir();
    const name = `hostile/altered${++count}`;
    const artifact = await pushArtifact(
      repository(fixture.registry.host, name),
      [fileLayer('a.txt', 'first'), layer],
      'v1',
    );
    const file = fixture.registry.blobPath(artifact.layers[1]!.digest);
    await writeFile(file, alter(await readFile(file)));
    const error = failed(await pull({ reference: `${name}:v1`, path: 'out' }, { workspace: ws }));
    expect(error).toMatch(message);
    expect(await listing(ws)).toEqual([]);
  });

  it('fails on a download cut every time it resumes, writing nothing', async () => {
    const ws = await fixture.tempDir();
    const { proxy } = fixture;
    const reference = await pushed([fileLayer('big.bin', Buffer.alloc(256 * 1024, 'x'))]);
    proxy.setRules([
      { method: 'GET', path: /\/blobs\/sha256:/, fault: { kind: 'truncate', afterBytes: 4096 } },
    ]);
    const message = failed(await pullViaProxy({ reference, path: 'out' }, { workspace: ws }));
    expect(message).toMatch(/^layer "big\.bin" \(sha256:\w{12}\): fetch blob .*sha256:\w+ failed/);
    const gets = proxy.requests.filter((r) => r.method === 'GET' && /\/blobs\//.test(r.path));
    expect(gets.length).toBeGreaterThan(1);
    expect(gets.slice(1).every((r) => /^bytes=\d+-$/.test(String(r.headers['range'])))).toBe(true);
    expect(await listing(ws)).toEqual([]);
  });

  it('fails on a manifest over 4 MiB (served through the proxy: the registry refuses to store one)', async () => {
    const ws = await fixture.tempDir();
    const big = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        config: EMPTY_CONFIG,
        layers: [],
        annotations: { padding: 'x'.repeat(5 * 1024 * 1024) },
      }),
    );
    fixture.proxy.setRules([
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
