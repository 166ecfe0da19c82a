// `command: pull` against a real registry, through the bundled action: round trips, outputs,
// filters, overwrite, expected digest and the runner's cache.
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { digestBytes } from '../../src/oci/digest.js';
import { OciLayout } from '../../src/oci/layout/store.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { startRegistry, type Registry } from '../support/registry.js';
import { runAction } from '../support/run-action.js';
import { makeTempDir } from '../support/temp.js';
import { fileLayer, folderLayer, pushArtifact } from '../commands/pull/fixtures.js';
import { tree } from '../commands/pull/helpers.js';
import { writeTree } from './push-support.js';
import { blobGets, failed, listing, pullRunner, repository, succeeded } from './pull-support.js';

describe('pull from a registry', () => {
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
  beforeAll(async () => {
    registry = await startRegistry();
    proxy = await startFaultProxy(registry.url);
  });
  afterAll(async () => {
    await Promise.all(cleanups.map((c) => c()));
    await pull.cleanup();
    await pullViaProxy.cleanup();
    await proxy?.stop();
    await registry?.stop();
  });

  async function tempDir(prefix = 'oci-pull-'): Promise<string> {
    const dir = await makeTempDir(prefix);
    cleanups.push(dir.remove);
    return dir.path;
  }

  it('brings back what push sent: files and folders byte for byte, folder modes, outputs', async () => {
    const source = await tempDir();
    await writeTree(source, {
      'report.json': '{"ok":true}\n',
      'site/index.html': '<h1>hi</h1>\n',
      'site/bin/run.sh': { content: '#!/bin/sh\necho ran\n', mode: 0o755 },
      'site/private/key.txt': { content: 'secret\n', mode: 0o600 },
    });
    const push = await runAction(
      {
        command: 'push',
        registry: registry.host,
        'plain-http': 'true',
        reference: 'round/trip:v1',
        files: 'report.json\nsite',
      },
      { workspace: source },
    );
    cleanups.push(push.cleanup);
    expect(push.exitCode).toBe(0);

    const ws = await tempDir();
    const run = succeeded(
      await pull({ reference: 'round/trip:v1', path: 'out' }, { workspace: ws }),
    );
    const out = join(ws, 'out');
    expect(await tree(out)).toEqual({
      'report.json': 'file 644 {"ok":true}\n',
      site: 'dir 755',
      'site/bin': 'dir 755',
      'site/bin/run.sh': 'file 755 #!/bin/sh\necho ran\n',
      'site/index.html': 'file 644 <h1>hi</h1>\n',
      'site/private': 'dir 755',
      'site/private/key.txt': 'file 600 secret\n',
    });
    expect(execFileSync(join(out, 'site/bin/run.sh')).toString()).toBe('ran\n');

    const { outputs } = run;
    expect(outputs['digest']).toBe(push.outputs['digest']);
    expect(outputs['reference']).toBe(`${registry.host}/round/trip@${push.outputs['digest']}`);
    expect(outputs['path']).toBe(out);
    expect(outputs['manifest']).toBe(push.outputs['manifest']);
    expect(digestBytes(outputs['manifest']!)).toBe(outputs['digest']);
    expect(outputs['artifact-type']).toBe(push.outputs['artifact-type']);
    const pushed = JSON.parse(push.outputs['files']!) as {
      title: string;
      digest: string;
      size: number;
      mediaType: string;
    }[];
    expect(JSON.parse(outputs['files']!)).toEqual(
      pushed.map((f) => ({
        path: join(out, f.title),
        title: f.title,
        mediaType: f.mediaType,
        digest: f.digest,
        size: f.size,
      })),
    );
    expect(run.stdout).toMatch(/::group::Pulling 127\.0\.0\.1:\d+\/round\/trip:v1/);
    expect(run.stdout).toMatch(
      /report\.json → .*\/out\/report\.json \(sha256:[0-9a-f]{12}, 12 B\)/,
    );
    expect(run.summary).toContain('| File | Media type | Size | Digest | Written to |');
    expect(run.summary).toContain(`<code>${join(out, 'site')}</code>`);
  });

  it('reads a folder tar written by GNU tar, entries in another order, with links', async () => {
    const src = await tempDir();
    await mkdir(join(src, 'pkg/lib'), { recursive: true });
    await writeFile(join(src, 'pkg/lib/z.so'), 'zzz');
    await writeFile(join(src, 'pkg/tool'), '#!/bin/sh\necho tool\n', { mode: 0o755 });
    await symlink('lib/z.so', join(src, 'pkg/current'));
    const archive = join(src, 'pkg.tgz');
    execFileSync('tar', [
      '-czf',
      archive,
      '-C',
      src,
      '--no-recursion',
      '--owner=0',
      '--group=0',
      'pkg/tool',
      'pkg/lib/z.so',
      'pkg/current',
      'pkg/lib',
      'pkg',
    ]);
    await pushArtifact(
      repository(registry.host, 'gnu/tar'),
      [folderLayer('pkg', await readFile(archive))],
      'v1',
    );

    const ws = await tempDir();
    succeeded(await pull({ reference: 'gnu/tar:v1' }, { workspace: ws }));
    expect(await tree(ws)).toEqual({
      pkg: 'dir 755',
      'pkg/current': 'link -> lib/z.so',
      'pkg/lib': 'dir 755',
      'pkg/lib/z.so': 'file 644 zzz',
      'pkg/tool': 'file 755 #!/bin/sh\necho tool\n',
    });
    expect(execFileSync(join(ws, 'pkg/tool')).toString()).toBe('tool\n');
  });

  it('filters by title globs and media types, and names untitled layers by digest', async () => {
    const repo = repository(registry.host, 'filters/app');
    await pushArtifact(
      repo,
      [
        fileLayer('docs/a.md', 'a'),
        fileLayer('docs/private/b.md', 'b'),
        fileLayer('bin/tool', 't', 'application/vnd.test.tool'),
        { bytes: 'no title', mediaType: 'application/vnd.test.raw' },
      ],
      'v1',
    );
    const ws = await tempDir();
    const byName = succeeded(
      await pull(
        { reference: 'filters/app:v1', files: 'docs/**\n!docs/private' },
        { workspace: ws },
      ),
    );
    expect(Object.keys(await tree(ws))).toEqual(['docs', 'docs/a.md']);
    expect(byName.stdout).toMatch(
      /::notice::Skipped layer sha256:[0-9a-f]{12} \(application\/vnd\.test\.raw\): it has no title/,
    );
    expect(JSON.parse(byName.outputs['files']!)).toHaveLength(1);

    const ws2 = await tempDir();
    const byType = succeeded(
      await pull(
        {
          reference: 'filters/app:v1',
          'media-types': 'application/vnd.test.raw\napplication/vnd.test.tool',
        },
        { workspace: ws2 },
      ),
    );
    const raw = `sha256-${digestBytes('no title').slice(7)}`;
    expect(await listing(ws2)).toEqual(['bin', raw].sort());
    expect(await readFile(join(ws2, raw), 'utf8')).toBe('no title');
    expect(JSON.parse(byType.outputs['files']!)).toContainEqual(
      expect.objectContaining({ path: join(ws2, raw), title: null }),
    );
  });

  it('with overwrite false fails before writing anything when a target exists', async () => {
    await pushArtifact(
      repository(registry.host, 'keep/old'),
      [fileLayer('a.txt', 'new'), fileLayer('b.txt', 'new')],
      'v1',
    );
    const ws = await tempDir();
    await writeFile(join(ws, 'b.txt'), 'mine');
    const run = await pull({ reference: 'keep/old:v1', overwrite: 'false' }, { workspace: ws });
    expect(failed(run)).toMatch(
      /overwrite is false and 1 target\(s\) already exist: .*b\.txt; nothing was written/,
    );
    expect(await tree(ws)).toEqual({ 'b.txt': 'file 644 mine' });
  });

  it('fails before downloading when expected-digest differs, and checks its syntax', async () => {
    await pushArtifact(repository(registry.host, 'pinned/app'), [fileLayer('a.txt', 'a')], 'v1');
    const ws = await tempDir();
    proxy.requests.length = 0;
    const run = await pullViaProxy(
      { reference: 'pinned/app:v1', 'expected-digest': digestBytes('another') },
      { workspace: ws },
    );
    expect(failed(run)).toContain(`resolves to sha256:`);
    expect(failed(run)).toContain(`not the expected ${digestBytes('another')}`);
    // The resolve (HEAD) only: no manifest, no blob downloaded.
    expect(proxy.requests.filter((r) => r.method === 'GET' && r.path !== '/v2/')).toEqual([]);
    expect(await listing(ws)).toEqual([]);

    const bad = await pull(
      { reference: 'pinned/app:v1', 'expected-digest': 'sha256:abc' },
      { workspace: ws },
    );
    expect(failed(bad)).toBe(
      'Input "expected-digest": got "sha256:abc"; expected a digest sha256:<64 lowercase hex digits>',
    );
  });

  it('pulls from an OCI layout folder, with the layout path in the pinned reference', async () => {
    const dir = await tempDir();
    const layout = await OciLayout.open(join(dir, 'layout'), { create: true });
    const artifact = await pushArtifact(layout, [fileLayer('a.txt', 'from layout')], 'v1');
    const run = succeeded(
      await runAction(
        { command: 'pull', layout: join(dir, 'layout'), reference: 'v1', path: 'out' },
        { workspace: dir },
      ),
    );
    cleanups.push(run.cleanup);
    expect(await readFile(join(dir, 'out/a.txt'), 'utf8')).toBe('from layout');
    expect(run.outputs['reference']).toBe(`${join(dir, 'layout')}@${artifact.descriptor.digest}`);
  });

  it.each([
    ['files', '[abc', 'globs on layer titles'],
    ['media-types', 'not a type', 'one media type per line'],
    ['overwrite', 'yes', 'true or false'],
    ['concurrency', '0', 'a whole number from 1 to 64'],
  ])('names the input %s when it cannot read it', async (input, value, expected) => {
    const run = await pull({ reference: 'any/repo:v1', [input]: value });
    expect(failed(run)).toContain(
      `Input "${input}": got ${JSON.stringify(value)}; expected ${expected}`,
    );
  });

  it('says what it needs when the reference has neither tag nor digest', async () => {
    const run = await pull({ reference: 'pinned/app' });
    expect(failed(run)).toContain(
      'Input "reference": got "pinned/app"; expected repo:tag or repo@sha256:<hex>',
    );
  });

  it('resumes a download cut once and writes the exact bytes', async () => {
    const bytes = Buffer.alloc(200 * 1024);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7) % 251;
    await pushArtifact(
      repository(registry.host, 'resume/app'),
      [fileLayer('data.bin', bytes)],
      'v1',
    );
    const ws = await tempDir();
    proxy.requests.length = 0;
    proxy.setRules([
      {
        method: 'GET',
        path: /\/blobs\/sha256:/,
        fault: { kind: 'truncate', afterBytes: 50_000 },
        times: 1,
      },
    ]);
    try {
      succeeded(await pullViaProxy({ reference: 'resume/app:v1' }, { workspace: ws }));
    } finally {
      proxy.setRules([]);
    }
    expect((await readFile(join(ws, 'data.bin'))).equals(bytes)).toBe(true);
    const ranges = proxy.requests
      .filter((r) => /\/blobs\//.test(r.path))
      .map((r) => r.headers['range']);
    expect(ranges).toEqual([undefined, expect.stringMatching(/^bytes=\d+-$/)]);
  });

  it('reads a second pull of the same digest from the runner cache: no blob downloaded', async () => {
    const pushed = await pushArtifact(
      repository(registry.host, 'cached/app'),
      [
        fileLayer('a.txt', 'a'.repeat(1000)),
        folderLayer('d', [{ name: 'd/x', body: 'x', mode: 0o755 }]),
      ],
      'v1',
    );
    const toolCache = await tempDir('oci-tool-cache-');
    const ws1 = await tempDir();
    proxy.requests.length = 0;
    succeeded(
      await pullViaProxy(
        { reference: 'cached/app:v1', cache: 'true' },
        { workspace: ws1, toolCache },
      ),
    );
    expect(blobGets(proxy.requests)).toBe(2);
    const version = `0.0.0-sha256-${pushed.descriptor.digest.slice(7)}`;
    expect(await listing(join(toolCache, 'oci-artifact'))).toEqual([version]);
    await stat(join(toolCache, 'oci-artifact', version, 'any.complete'));

    const ws2 = await tempDir();
    proxy.requests.length = 0;
    const second = succeeded(
      await pullViaProxy(
        { reference: 'cached/app:v1', cache: 'true' },
        { workspace: ws2, toolCache },
      ),
    );
    expect(blobGets(proxy.requests)).toBe(0);
    expect(await tree(ws2)).toEqual(await tree(ws1));
    expect(second.summary).toContain("0 blob(s) downloaded, 2 from the runner's cache");

    // By digest, a cache hit needs no registry at all: every request now fails.
    proxy.setRules([{ fault: { kind: 'status', status: 503 } }]);
    try {
      const ws3 = await tempDir();
      proxy.requests.length = 0;
      succeeded(
        await pullViaProxy(
          { reference: `cached/app@${pushed.descriptor.digest}`, cache: 'true' },
          { workspace: ws3, toolCache },
        ),
      );
      expect(proxy.requests).toEqual([]);
      expect(await tree(ws3)).toEqual(await tree(ws1));
    } finally {
      proxy.setRules([]);
    }
  });
});
