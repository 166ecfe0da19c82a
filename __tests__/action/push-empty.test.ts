// No empty surprise, through the bundled action and a real registry: a push or attach without
// files fails unless the manifest carries something of its own; with if-no-files-found warn or
// ignore and nothing matched, nothing is pushed or tagged; inputs push does not use are named;
// a bad annotation file is reported without a byte of its content.
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import type { ActionRun } from '../support/run-action.js';
import {
  catalog,
  parseManifest,
  sha256,
  skopeoRaw,
  skopeoTags,
  succeeded,
  useTestBed,
} from './push-support.js';

const SECRET = 's3cr3t-value-77aa';

describe('push with nothing to push', () => {
  const bed = useTestBed({
    registry: {},
    tree: {
      'report.json': '{"ok":true}\n',
      'dist/app.js': 'app\n',
      'ann.json': JSON.stringify({ $manifest: { 'org.example.kind': 'metadata-only' } }),
      'secret.env': `# deploy settings\nAPI_TOKEN=${SECRET}\n`,
    },
    defaults: (registry) => ({ command: 'push', registry: registry!.host, 'plain-http': 'true' }),
  });
  const lines = (run: ActionRun, prefix: string) =>
    run.stdout.split('\n').filter((line) => line.startsWith(prefix));

  it.each(['push', 'attach'])('%s fails without files, annotations or config', async (command) => {
    const run = await bed.run({
      command,
      reference: 'empty/none:v1',
      files: '# nothing yet\n!dist/**',
      'artifact-type': 'application/x.a',
    });
    expect(run.exitCode).toBe(1);
    expect(run.errors).toEqual([
      `Input "files" is required for ${command}: the files, folders or globs to ${command}, one per line (an artifact without files needs annotations, annotation-file or config)`,
    ]);
    expect(await catalog(bed.registry.url)).not.toContain('empty/none');
  });

  it('tells a push given "path" (as upload-artifact takes it) which input it meant', async () => {
    const run = await bed.run({ reference: 'empty/path:v1', path: 'dist/' });
    expect(run.exitCode).toBe(1);
    expect(lines(run, '::warning::')).toEqual([
      '::warning::Input "path" is not used by push; did you mean "files" (what to push; "path" is where pull writes)?',
    ]);
    expect(run.errors[0]).toContain('Input "files" is required for push');
    expect(await catalog(bed.registry.url)).not.toContain('empty/path');
  });

  it('warns about "path" but pushes when files are given too', async () => {
    const run = succeeded(
      await bed.run({ reference: 'empty/both:v1', path: 'dist/', files: 'report.json' }),
    );
    expect(lines(run, '::warning::')).toEqual([
      '::warning::Input "path" is not used by push; did you mean "files" (what to push; "path" is where pull writes)?',
    ]);
  });

  it('pushes an artifact of annotations only, or of an annotation file only', async () => {
    const annotated = succeeded(
      await bed.run({ reference: 'empty/meta:a', annotations: 'org.example.kind=metadata-only' }),
    );
    const fromFile = succeeded(
      await bed.run({ reference: 'empty/meta:b', 'annotation-file': 'ann.json' }),
    );
    expect(fromFile.outputs['digest']).toBe(annotated.outputs['digest']);
    const raw = await skopeoRaw(`${bed.registry.host}/empty/meta:a`);
    expect(sha256(raw)).toBe(annotated.outputs['digest']);
    const manifest = parseManifest(raw);
    expect(manifest.annotations).toEqual({ 'org.example.kind': 'metadata-only' });
    expect(manifest.layers.map((l) => l.mediaType)).toEqual(['application/vnd.oci.empty.v1+json']);
    expect(annotated.outputs['files']).toBe('[]');
  });

  it('with if-no-files-found warn and nothing matched, pushes and tags nothing', async () => {
    const first = succeeded(
      await bed.run({ reference: 'empty/warn:v1', files: 'report.json', tags: 'stable' }),
    );
    const run = succeeded(
      await bed.run({
        reference: 'empty/warn:v1',
        files: 'missing/*.bin\nnot-there.txt',
        tags: 'stable\nnext',
        annotations: 'org.example.build=2',
        'if-no-files-found': 'warn',
      }),
    );
    expect(lines(run, '::warning::')).toEqual([
      `::warning::files: "missing/*.bin" matches no file in ${bed.ws}`,
      `::warning::files: "not-there.txt" matches no file in ${bed.ws}`,
      `::warning::No files were found with the files lines "missing/*.bin", "not-there.txt" in ${bed.ws}; nothing was pushed and no tag was set (if-no-files-found: warn)`,
    ]);
    expect(run.outputs).toEqual({});
    expect(run.summary).toBe('');
    // The registry is as the first push left it: no tag moved, none added.
    expect(sha256(await skopeoRaw(`${bed.registry.host}/empty/warn:v1`))).toBe(
      first.outputs['digest'],
    );
    expect(await skopeoTags(`${bed.registry.host}/empty/warn`)).toEqual(['stable', 'v1']);
  });

  it('with if-no-files-found ignore, says so in a notice and creates no layout folder', async () => {
    const layout = join(bed.dir, 'never-created');
    const run = succeeded(
      await bed.run({
        registry: '',
        layout,
        reference: '',
        files: 'missing/**',
        'if-no-files-found': 'ignore',
      }),
    );
    expect(lines(run, '::warning::')).toEqual([]);
    expect(lines(run, '::notice::')).toEqual([
      `::notice::No files were found with the files lines "missing/**" in ${bed.ws}; nothing was pushed and no tag was set (if-no-files-found: ignore)`,
    ]);
    await expect(access(layout)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('attaches nothing when nothing matched and if-no-files-found is warn', async () => {
    succeeded(await bed.run({ reference: 'empty/subject:v1', files: 'report.json' }));
    const run = succeeded(
      await bed.run({
        command: 'attach',
        reference: 'empty/subject:v1',
        'artifact-type': 'application/spdx+json',
        files: 'sbom/*.json',
        'if-no-files-found': 'warn',
      }),
    );
    expect(run.outputs).toEqual({});
    expect(lines(run, '::warning::').at(-1)).toContain('nothing was pushed and no tag was set');
    // No referrers index tag appeared for the subject.
    expect(await skopeoTags(`${bed.registry.host}/empty/subject`)).toEqual(['v1']);
  });

  it('reports an annotation file that is not JSON by line and column, never its content', async () => {
    const run = await bed.run({
      reference: 'empty/secret:v1',
      files: 'report.json',
      'annotation-file': 'secret.env',
    });
    expect(run.exitCode).toBe(1);
    expect(run.errors).toEqual([
      'Input "annotation-file": got "secret.env"; expected a JSON object whose keys are "$manifest", "$config" or layer titles, each holding an object of string values, but it is not valid JSON at line 1, column 1',
    ]);
    for (const text of [run.stdout, run.stderr, run.summary]) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain('API_TOKEN');
    }
    expect(await catalog(bed.registry.url)).not.toContain('empty/secret');
  });
});
