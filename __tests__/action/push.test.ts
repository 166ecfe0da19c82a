// `command: push` against a real registry, through the bundled action, checked with skopeo.
import { join } from 'node:path';
import type { ActionRun } from '../support/run-action.js';
import { makeTempDir } from '../support/temp.js';
import {
  fetchBlob,
  parseManifest,
  sha256,
  skopeoRaw,
  skopeoTags,
  succeeded,
  tarListing,
  useTestBed,
  writeTree,
  type Tree,
} from './push-support.js';

const TREE = {
  'report.json': '{"ok":true}\n',
  'dist/app.js': 'console.log(1)\n',
  'dist/bin/run.sh': { content: '#!/bin/sh\necho hi\n', mode: 0o755 },
  'logs/a.log': 'a\n',
  'logs/b.log': 'b\n',
  'logs/skip.log': 'skip\n',
};

describe('push to a registry', () => {
  const bed = useTestBed({
    registry: {},
    defaults: (registry) => ({ command: 'push', registry: registry!.host, 'plain-http': 'true' }),
  });

  /** A workspace of its own, so tests can give the same files other mtimes. */
  async function workspace(files: Tree = TREE, mtime?: number) {
    const dir = await makeTempDir('oci-push-ws-');
    bed.defer(dir.remove);
    await writeTree(dir.path, files, mtime);
    return dir.path;
  }

  const push = async (inputs: Record<string, string>, ws: string, env?: Record<string, string>) =>
    succeeded(await bed.run(inputs, { workspace: ws, ...(env === undefined ? {} : { env }) }));

  it('pushes a file, a folder and a glob; skopeo reads the manifest whose digest is the output', async () => {
    const ws = await workspace();
    const run = await push(
      {
        reference: 'team/build:v1',
        tags: 'latest\nsha-abc',
        'artifact-type': 'application/vnd.example.build.v1',
        files: [
          '# the report first',
          'report.json:application/vnd.example.report.v1+json',
          'dist',
          'logs/*.log:text/plain',
          '!**/skip.log',
        ].join('\n'),
        annotations: 'org.opencontainers.image.source=https://example.test/repo\nstage=ci',
      },
      ws,
    );
    const { outputs } = run;
    const raw = await skopeoRaw(`${bed.registry.host}/team/build:v1`);
    expect(sha256(raw)).toBe(outputs['digest']);
    expect(outputs['manifest']).toBe(raw.toString());
    expect(outputs['reference']).toBe(`${bed.registry.host}/team/build@${outputs['digest']}`);
    expect(JSON.parse(outputs['tags']!)).toEqual(
      ['v1', 'latest', 'sha-abc'].map((t) => `${bed.registry.host}/team/build:${t}`),
    );
    expect(outputs['media-type']).toBe('application/vnd.oci.image.manifest.v1+json');
    expect(outputs['artifact-type']).toBe('application/vnd.example.build.v1');
    expect(Number(outputs['size'])).toBe(raw.length);
    expect(await skopeoTags(`${bed.registry.host}/team/build`)).toEqual([
      'latest',
      'sha-abc',
      'v1',
    ]);

    const manifest = parseManifest(raw);
    expect(manifest.artifactType).toBe('application/vnd.example.build.v1');
    expect(manifest.config).toEqual({
      mediaType: 'application/vnd.oci.empty.v1+json',
      digest: 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a',
      size: 2,
      data: 'e30=',
    });
    expect(manifest.annotations).toEqual({
      'org.opencontainers.image.source': 'https://example.test/repo',
      stage: 'ci',
    });
    const titles = manifest.layers.map((l) => [
      l.annotations?.['org.opencontainers.image.title'],
      l.mediaType,
    ]);
    expect(titles).toEqual([
      ['report.json', 'application/vnd.example.report.v1+json'],
      ['dist', 'application/vnd.oci.image.layer.v1.tar+gzip'],
      ['logs/a.log', 'text/plain'],
      ['logs/b.log', 'text/plain'],
    ]);
    const report = manifest.layers[0]!;
    expect(report.digest).toBe(sha256(TREE['report.json']));
    expect((await fetchBlob(bed.registry.url, 'team/build', report.digest)).toString()).toBe(
      TREE['report.json'],
    );

    // The folder layer: ORAS annotations, entries prefixed with the title, modes kept.
    const folder = manifest.layers[1]!;
    const archive = await fetchBlob(bed.registry.url, 'team/build', folder.digest);
    expect(sha256(archive)).toBe(folder.digest);
    const { gunzipSync } = await import('node:zlib');
    expect(folder.annotations).toEqual({
      'io.deis.oras.content.digest': sha256(gunzipSync(archive)),
      'io.deis.oras.content.unpack': 'true',
      'org.opencontainers.image.title': 'dist',
    });
    const listing = await tarListing(archive, ws);
    expect(listing).toEqual([
      'drwxr-xr-x 0/0               0 1970-01-01 00:00:00 dist/',
      '-rw-r--r-- 0/0              15 1970-01-01 00:00:00 dist/app.js',
      'drwxr-xr-x 0/0               0 1970-01-01 00:00:00 dist/bin/',
      '-rwxr-xr-x 0/0              18 1970-01-01 00:00:00 dist/bin/run.sh',
    ]);

    expect(JSON.parse(outputs['files']!)).toEqual([
      {
        title: 'report.json',
        path: join(ws, 'report.json'),
        mediaType: 'application/vnd.example.report.v1+json',
        digest: report.digest,
        size: report.size,
      },
      {
        title: 'dist',
        path: join(ws, 'dist'),
        mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
        digest: folder.digest,
        size: folder.size,
      },
      expect.objectContaining({ title: 'logs/a.log', path: join(ws, 'logs/a.log') }),
      expect.objectContaining({ title: 'logs/b.log', path: join(ws, 'logs/b.log') }),
    ]);

    // One group, a line per file, the pinned reference at the end.
    expect(run.stdout).toContain(`::group::Push ${bed.registry.host}/team/build:v1`);
    expect(run.stdout).toMatch(/Uploaded report\.json sha256:[0-9a-f]{12} \(12 B\)/);
    expect(run.stdout).toMatch(/Uploaded logs\/a\.log sha256:[0-9a-f]{12} \(2 B\)/);
    expect(run.stdout).toContain(`Pushed ${bed.registry.host}/team/build@${outputs['digest']}`);

    // The summary: a table of files and a step that pulls this exact digest.
    expect(run.summary).toContain(
      `<code>${bed.registry.host}/team/build@${outputs['digest']}</code>`,
    );
    expect(run.summary).toContain(
      '| <code>dist</code> | <code>application/<wbr>vnd.oci.image.layer.v1.tar+gzip</code> |',
    );
    expect(run.summary).toContain(
      `    command: pull\n    registry: ${bed.registry.host}\n    reference: team/build@${outputs['digest']}\n`,
    );
  });

  it('gives the same digest twice and uploads nothing the second time; one changed byte changes it', async () => {
    const ws = await workspace();
    const inputs = { reference: 'same/thing:one', files: 'report.json\ndist' };
    const first = await push(inputs, ws);
    const second = await push({ ...inputs, reference: 'same/thing:two' }, ws);
    expect(second.outputs['digest']).toBe(first.outputs['digest']);
    expect(second.stdout).not.toContain('Uploaded');
    expect(second.stdout).toMatch(/Exists {3}dist sha256:/);

    await writeTree(ws, { 'dist/app.js': 'console.log(2)\n' });
    const third = await push({ ...inputs, reference: 'same/thing:three' }, ws);
    expect(third.outputs['digest']).not.toBe(first.outputs['digest']);
    expect(third.stdout).toMatch(/Uploaded dist sha256:/);
    // A small blob is sent again rather than asked about (see docs/push.md, Round trips).
    expect(third.stdout).toMatch(/Uploaded report\.json sha256:/);
  });

  it('is reproducible across working folders with other mtimes, and honours SOURCE_DATE_EPOCH', async () => {
    const inputs = { reference: 'repro/a:x', files: 'dist\nreport.json' };
    const a = await push(inputs, await workspace(TREE, 1_500_000_000));
    const b = await push(inputs, await workspace(TREE, 1_700_000_000));
    expect(b.outputs['digest']).toBe(a.outputs['digest']);

    const ws = await workspace();
    const dated = await push({ ...inputs, reference: 'repro/a:dated' }, ws, {
      SOURCE_DATE_EPOCH: '1700000000',
    });
    expect(dated.outputs['digest']).not.toBe(a.outputs['digest']);
    const folder = parseManifest(dated.outputs['manifest']!).layers[0]!;
    const listing = await tarListing(
      await fetchBlob(bed.registry.url, 'repro/a', folder.digest),
      ws,
    );
    expect(listing[0]).toBe('drwxr-xr-x 0/0               0 2023-11-14 22:13:20 dist/');
  });

  it('with reproducible false: a creation time and the real mtimes, like ORAS', async () => {
    const ws = await workspace(TREE, 1_600_000_000);
    const before = Date.now();
    const run = await push({ reference: 'oras/like:x', files: 'dist', reproducible: 'false' }, ws);
    const manifest = parseManifest(run.outputs['manifest']!);
    const created = manifest.annotations?.['org.opencontainers.image.created'] ?? '';
    expect(created).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(Date.parse(created)).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    const listing = await tarListing(
      await fetchBlob(bed.registry.url, 'oras/like', manifest.layers[0]!.digest),
      ws,
    );
    expect(listing[1]).toBe('-rw-r--r-- 0/0              15 2020-09-13 12:26:40 dist/app.js');
  });

  it('writes image-spec v1.0 with the type on the config, a config file and an annotation file', async () => {
    const ws = await workspace({
      ...TREE,
      'config.json': '{"tool":"x"}',
      'annotations.json': JSON.stringify({
        $manifest: { from: 'file' },
        $config: { kind: 'settings' },
        'report.json': { 'org.opencontainers.image.description': 'the report' },
      }),
    });
    const v10 = await push(
      {
        reference: 'spec/v10:x',
        files: 'report.json',
        'image-spec': 'v1.0',
        'artifact-type': 'application/vnd.example.old+json',
        'annotation-file': 'annotations.json',
      },
      ws,
    );
    const old = parseManifest(await skopeoRaw(`${bed.registry.host}/spec/v10:x`));
    expect(old.artifactType).toBeUndefined();
    expect(old.config).toEqual({
      mediaType: 'application/vnd.example.old+json',
      digest: sha256('{}'),
      size: 2,
      annotations: { kind: 'settings' },
    });
    expect(old.annotations).toEqual({ from: 'file' });
    expect(old.layers[0]!.annotations).toEqual({
      'org.opencontainers.image.description': 'the report',
      'org.opencontainers.image.title': 'report.json',
    });
    expect(v10.outputs['artifact-type']).toBe('application/vnd.example.old+json');

    await push(
      {
        reference: 'spec/v11:x',
        files: '',
        config: 'config.json:application/vnd.example.config+json',
        'artifact-type': 'application/vnd.example.new',
      },
      ws,
    );
    const configured = parseManifest(await skopeoRaw(`${bed.registry.host}/spec/v11:x`));
    expect(configured.config).toEqual({
      mediaType: 'application/vnd.example.config+json',
      digest: sha256('{"tool":"x"}'),
      size: 12,
    });
    // No files: the empty descriptor is the one layer (image-spec v1.1).
    expect(configured.layers).toEqual([
      {
        mediaType: 'application/vnd.oci.empty.v1+json',
        digest: sha256('{}'),
        size: 2,
        data: 'e30=',
      },
    ]);
    expect((await fetchBlob(bed.registry.url, 'spec/v11', sha256('{}'))).toString()).toBe('{}');
  });

  it('packs relative to working-directory, at the compression level asked for, pushing to latest', async () => {
    const ws = await workspace({ 'sub/data/big.txt': 'x'.repeat(100_000) });
    const stored = await push(
      {
        reference: 'levels/x',
        files: 'data',
        'working-directory': 'sub',
        'compression-level': '0',
        concurrency: '1',
      },
      ws,
    );
    const best = await push(
      {
        reference: 'levels/x:best',
        files: 'data',
        'working-directory': join(ws, 'sub'),
        'compression-level': '9',
      },
      ws,
    );
    const size = (run: ActionRun) => JSON.parse(run.outputs['files']!)[0].size as number;
    expect(size(stored)).toBeGreaterThan(100_000);
    expect(size(best)).toBeLessThan(1_000);
    expect(JSON.parse(stored.outputs['files']!)[0].title).toBe('data');
    expect(JSON.parse(stored.outputs['tags']!)).toEqual([`${bed.registry.host}/levels/x:latest`]);
  });

  it('warns about an entry that matches nothing when if-no-files-found is warn, and pushes the rest', async () => {
    const ws = await workspace();
    const run = await push(
      {
        reference: 'lenient/x:1',
        files: 'missing/*.bin\nreport.json',
        'if-no-files-found': 'warn',
      },
      ws,
    );
    expect(run.stdout).toContain(`::warning::files: "missing/*.bin" matches no file in ${ws}`);
    expect(JSON.parse(run.outputs['files']!).map((f: { title: string }) => f.title)).toEqual([
      'report.json',
    ]);
  });
});
