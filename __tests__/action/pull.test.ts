// `command: pull` against a real registry, through the bundled action: round trips (with push,
// with skopeo and GNU tar), outputs, log, filters, overwrite, layouts and input errors. What it
// asks of the registry (expected digest, resumes, the cache) is in pull-fetch.test.ts.
import { execFile, execFileSync } from 'node:child_process';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { digestBytes } from '../../src/oci/digest.js';
import { OciLayout } from '../../src/oci/layout/store.js';
import { filterLayers, fileLayer, folderLayer, pushArtifact } from '../commands/pull/fixtures.js';
import { writeTree } from './push-support.js';
import { failed, listing, pullFixture, repository, succeeded, tree } from './pull-support.js';

describe('pull from a registry', () => {
  const fixture = pullFixture();
  const { pull, run, tempDir } = fixture;

  it('brings back what push sent: files and folders byte for byte, the execute bit, outputs, log', async () => {
    const source = await tempDir();
    await writeTree(source, {
      'report.json': '{"ok":true}\n',
      'site/index.html': '<h1>hi</h1>\n',
      'site/bin/run.sh': { content: '#!/bin/sh\necho ran\n', mode: 0o755 },
      'site/private/key.txt': { content: 'secret\n', mode: 0o600 },
    });
    const push = succeeded(
      await run(
        {
          command: 'push',
          registry: fixture.registry.host,
          'plain-http': 'true',
          reference: 'round/trip:v1',
          files: 'report.json\nsite',
        },
        { workspace: source },
      ),
    );

    const ws = await tempDir();
    const pulled = succeeded(
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
      // Only the execute bit travels (as with git): the same files give the same digest anywhere.
      'site/private/key.txt': 'file 644 secret\n',
    });
    expect(execFileSync(join(out, 'site/bin/run.sh')).toString()).toBe('ran\n');

    const { outputs } = pulled;
    const digest = push.outputs['digest']!;
    expect(outputs['digest']).toBe(digest);
    expect(outputs['reference']).toBe(`${fixture.registry.host}/round/trip@${digest}`);
    expect(outputs['path']).toBe(out);
    expect(outputs['manifest']).toBe(push.outputs['manifest']);
    expect(digestBytes(outputs['manifest']!)).toBe(digest);
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

    // The log reads like push's: a group, a line per file, a line for the artifact.
    const host = fixture.registry.host.replace(/\./g, '\\.');
    expect(pulled.stdout).toMatch(new RegExp(`::group::Pull ${host}/round/trip:v1\n`));
    expect(pulled.stdout).toMatch(
      /\nPulled report\.json sha256:[0-9a-f]{12} \(12 B\) → \/.*\/out\/report\.json\n/,
    );
    expect(pulled.stdout).toMatch(
      /\nPulled site sha256:[0-9a-f]{12} \(\d+ B, 3 files extracted\) → \/.*\/out\/site\n/,
    );
    expect(pulled.stdout).toContain(
      `::endgroup::\nPulled ${fixture.registry.host}/round/trip@${digest}: 2 layers (`,
    );
    // The heading names the tag; the facts the full reference, digest and output folder; the
    // files are shown relative to it, with short digests (the full ones are in the outputs).
    expect(pulled.summary).toContain('### Pulled <code>trip:v1</code>\n');
    expect(pulled.summary).toContain(`- **Written to:** <code>${out}</code>\n`);
    expect(pulled.summary).toContain('| File | Media type | Size | Digest |');
    expect(pulled.summary).toContain(
      `| <code>report.json</code> | <code>application/<wbr>vnd.oci.image.layer.v1.tar</code> | 12&nbsp;B | ` +
        `<code>${pushed.find((f) => f.title === 'report.json')!.digest.slice(0, 19)}…</code> |`,
    );
    expect(pulled.summary).toContain('| <code>site</code> (folder) |');
  });

  it('reads an artifact skopeo pushed: a folder tarred by GNU tar, entries in another order, links', async () => {
    const src = await tempDir();
    await mkdir(join(src, 'pkg/lib'), { recursive: true });
    await writeFile(join(src, 'pkg/lib/z.so'), 'zzz');
    await writeFile(join(src, 'pkg/tool'), '#!/bin/sh\necho tool\n', { mode: 0o755 });
    await symlink('lib/z.so', join(src, 'pkg/current'));
    const archive = join(src, 'pkg.tgz');
    // Files before their folders, no recursion, numeric owners: not how ORAS orders a tar.
    const entries = ['pkg/tool', 'pkg/lib/z.so', 'pkg/current', 'pkg/lib', 'pkg'];
    execFileSync(
      'tar',
      ['-czf', archive, '-C', src, '--no-recursion', '--owner=0', '--group=0'].concat(entries),
    );
    // Our layout writer lays the blobs out; skopeo, an independent client, pushes them.
    const layoutDir = join(src, 'layout');
    const layout = await OciLayout.open(layoutDir, { create: true });
    await pushArtifact(
      layout,
      [folderLayer('pkg', await readFile(archive)), fileLayer('notes.txt', 'notes')],
      'v1',
    );
    await promisify(execFile)('skopeo', [
      '--insecure-policy',
      'copy',
      '--preserve-digests',
      '--dest-tls-verify=false',
      `oci:${layoutDir}:v1`,
      `docker://${fixture.registry.host}/skopeo/pushed:v1`,
    ]);

    const ws = await tempDir();
    succeeded(await pull({ reference: 'skopeo/pushed:v1' }, { workspace: ws }));
    expect(await tree(ws)).toEqual({
      'notes.txt': 'file 644 notes',
      pkg: 'dir 755',
      'pkg/current': 'link -> lib/z.so',
      'pkg/lib': 'dir 755',
      'pkg/lib/z.so': 'file 644 zzz',
      'pkg/tool': 'file 755 #!/bin/sh\necho tool\n',
    });
    expect(execFileSync(join(ws, 'pkg/tool')).toString()).toBe('tool\n');
  });

  it('filters by title globs and media types, and names untitled layers by digest', async () => {
    await pushArtifact(repository(fixture.registry.host, 'filters/app'), filterLayers(), 'v1');
    const ws = await tempDir();
    const byName = succeeded(
      await pull(
        { reference: 'filters/app:v1', files: 'docs/**\n!docs/private' },
        { workspace: ws },
      ),
    );
    expect(Object.keys(await tree(ws))).toEqual(['docs', 'docs/a.md']);
    expect(byName.stdout).toMatch(
      /::notice::Skipped 1 layer without a title \(org\.opencontainers\.image\.title\): sha256:[0-9a-f]{12} \(application\/vnd\.test\.raw\)\./,
    );
    expect(byName.stdout).toContain(
      'Skipped 2 layers not selected by "files": docs/private/b.md, bin/tool\n',
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
    const raw = `sha256-${digestBytes('untitled').slice(7)}`;
    expect(await listing(ws2)).toEqual(['bin', raw].sort());
    expect(await readFile(join(ws2, raw), 'utf8')).toBe('untitled');
    expect(JSON.parse(byType.outputs['files']!)).toContainEqual(
      expect.objectContaining({ path: join(ws2, raw), title: null }),
    );
  });

  it('with overwrite false fails before writing anything when a target exists', async () => {
    await pushArtifact(
      repository(fixture.registry.host, 'keep/old'),
      [fileLayer('a.txt', 'new'), fileLayer('b.txt', 'new')],
      'v1',
    );
    const ws = await tempDir();
    await writeFile(join(ws, 'b.txt'), 'mine');
    const attempt = await pull({ reference: 'keep/old:v1', overwrite: 'false' }, { workspace: ws });
    expect(failed(attempt)).toMatch(
      /overwrite is false and 1 target\(s\) already exist: .*b\.txt; nothing was written/,
    );
    expect(await tree(ws)).toEqual({ 'b.txt': 'file 644 mine' });
  });

  it('pulls from an OCI layout folder into path below working-directory', async () => {
    const dir = await tempDir();
    const layout = await OciLayout.open(join(dir, 'layout'), { create: true });
    const artifact = await pushArtifact(layout, [fileLayer('a.txt', 'from layout')], 'v1');
    const pulled = succeeded(
      await run(
        {
          command: 'pull',
          layout: join(dir, 'layout'),
          reference: 'v1',
          'working-directory': 'sub',
          path: 'out',
        },
        { workspace: dir },
      ),
    );
    expect(await readFile(join(dir, 'sub/out/a.txt'), 'utf8')).toBe('from layout');
    expect(pulled.outputs['path']).toBe(join(dir, 'sub/out'));
    expect(pulled.outputs['reference']).toBe(
      `${join(dir, 'layout')}@${artifact.descriptor.digest}`,
    );
  });

  it.each([
    ['files', '[abc', 'globs on layer titles'],
    ['media-types', 'not a type', 'one media type per line'],
    ['overwrite', 'yes', 'true or false'],
    ['concurrency', '0', 'a whole number from 1 to 64'],
  ])('names the input %s when it cannot read it', async (input, value, expected) => {
    const attempt = await pull({ reference: 'any/repo:v1', [input]: value });
    expect(failed(attempt)).toContain(
      `Input "${input}": got ${JSON.stringify(value)}; expected ${expected}`,
    );
  });

  it('says what it needs when the reference has neither tag nor digest', async () => {
    const attempt = await pull({ reference: 'pinned/app' });
    expect(failed(attempt)).toContain(
      'Input "reference": got "pinned/app"; expected repo:tag or repo@sha256:<hex>',
    );
  });
});
