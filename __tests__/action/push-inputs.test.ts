// Inputs of push that the main test leaves out, through the bundled action and a real registry:
// a full reference, where working-directory defaults to, names with colons, if-no-files-found
// ignore, a given creation time, and the summary's pull step pasted into a pull that works.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { runAction, type ActionRun } from '../support/run-action.js';
import {
  catalog,
  parseManifest,
  sha256,
  skopeoRaw,
  succeeded,
  useTestBed,
  writeTree,
} from './push-support.js';

const titles = (run: ActionRun): string[] =>
  (JSON.parse(run.outputs['files']!) as { title: string }[]).map((f) => f.title);

/** The `with:` lines of the summary's pull step: `    name: value` (JSON-quoted or plain). */
function pullStepInputs(summary: string): Record<string, string> {
  const step = /```yaml\n- uses: .+\n {2}with:\n((?: {4}.+\n)+)```/.exec(summary);
  if (!step) throw new Error(`no pull step in the summary:\n${summary}`);
  const inputs: Record<string, string> = {};
  for (const line of step[1]!.trimEnd().split('\n')) {
    const [, name = '', value = ''] = /^ {4}([\w-]+): (.*)$/.exec(line) ?? [];
    inputs[name] = value.startsWith('"') ? (JSON.parse(value) as string) : value;
  }
  return inputs;
}

describe('push inputs', () => {
  const bed = useTestBed({
    registry: {},
    tree: {
      'notes:v2.txt': 'colon in the name\n',
      'typed.json': '{}\n',
      'tool/run.sh': { content: '#!/bin/sh\necho run\n', mode: 0o755 },
      'tool/README': 'read me\n',
    },
    defaults: (registry) => ({ command: 'push', registry: registry!.host, 'plain-http': 'true' }),
  });
  beforeAll(async () => {
    await writeTree(join(bed.dir, 'elsewhere'), { 'other.txt': 'other\n' });
  });

  const action = async (
    inputs: Record<string, string>,
    env: Record<string, string> = {},
  ): Promise<ActionRun> => succeeded(await bed.run(inputs, { env }));

  it('takes a full reference with its host when registry is empty', async () => {
    const run = await action({
      registry: '',
      reference: `${bed.registry.host}/full/ref:v1`,
      files: 'typed.json',
    });
    expect(run.outputs['reference']).toBe(`${bed.registry.host}/full/ref@${run.outputs['digest']}`);
    expect(sha256(await skopeoRaw(`${bed.registry.host}/full/ref:v1`))).toBe(run.outputs['digest']);
  });

  it('splits a media type off only when it is one, so names with colons stay paths', async () => {
    const run = await action({
      reference: 'colons/x:v1',
      files: 'notes:v2.txt\ntyped.json:application/vnd.example.typed+json',
    });
    const manifest = parseManifest(run.outputs['manifest']!);
    expect(
      manifest.layers.map((l) => [l.annotations?.['org.opencontainers.image.title'], l.mediaType]),
    ).toEqual([
      ['notes:v2.txt', 'application/vnd.oci.image.layer.v1.tar'],
      ['typed.json', 'application/vnd.example.typed+json'],
    ]);
  });

  it('makes titles relative to GITHUB_WORKSPACE by default, else to the current folder', async () => {
    const elsewhere = join(bed.dir, 'elsewhere');
    const fromWorkspace = await action(
      { reference: 'wd/x:a', files: '*.txt' },
      { GITHUB_WORKSPACE: elsewhere },
    );
    expect(titles(fromWorkspace)).toEqual(['other.txt']);
    const fromCwd = await action({ reference: 'wd/x:b', files: '*.txt' }, { GITHUB_WORKSPACE: '' });
    expect(titles(fromCwd)).toEqual(['notes:v2.txt']);
  });

  it('with if-no-files-found ignore and nothing matched, pushes nothing and says so in a notice', async () => {
    const run = await action({
      reference: 'ignored/x:v1',
      files: 'missing/**\n*.nothing',
      'if-no-files-found': 'ignore',
    });
    expect(run.outputs).toEqual({});
    expect(run.stdout).not.toContain('::warning::');
    expect(run.stdout).toContain(
      `::notice::No files were found with the files lines "missing/**", "*.nothing" in ${bed.ws}; nothing was pushed and no tag was set (if-no-files-found: ignore)`,
    );
    expect(await catalog(bed.registry.url)).not.toContain('ignored/x');
  });

  it('keeps a creation time given in annotations, and adds none of its own', async () => {
    const created = 'org.opencontainers.image.created=2024-01-02T03:04:05Z';
    const first = await action({
      reference: 'dated/x:a',
      files: 'typed.json',
      annotations: created,
    });
    const second = await action({
      reference: 'dated/x:b',
      files: 'typed.json',
      annotations: created,
    });
    expect(second.outputs['digest']).toBe(first.outputs['digest']);
    expect(parseManifest(first.outputs['manifest']!).annotations).toEqual({
      'org.opencontainers.image.created': '2024-01-02T03:04:05Z',
    });
  });

  it('gives a summary whose pull step, pasted, pulls this exact digest back, modes intact', async () => {
    const pushed = await action({
      reference: 'paste/x:v1',
      files: 'tool\ntyped.json',
    });
    const step = pullStepInputs(pushed.summary);
    expect(step).toEqual({
      command: 'pull',
      registry: bed.registry.host,
      reference: `paste/x@${pushed.outputs['digest']}`,
      'plain-http': 'true',
    });
    const out = join(bed.dir, 'pulled');
    const pulled = await runAction({ ...step, path: out }, { workspace: bed.ws });
    bed.defer(pulled.cleanup);
    expect(pulled.errors).toEqual([]);
    expect(pulled.outputs['digest']).toBe(pushed.outputs['digest']);
    expect((await stat(join(out, 'tool', 'run.sh'))).mode & 0o777).toBe(0o755);
    expect((await stat(join(out, 'typed.json'))).isFile()).toBe(true);
  });
});
