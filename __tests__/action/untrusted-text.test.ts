// Text an attacker controls (titles, media types, artifact types, annotations, file names, tags,
// registry error bodies and Warning headers) through the bundled action against a real
// registry: shown, escaped, in the log and the job summary, and never read by the runner as a
// workflow command. The raw stdout is read line by line as the runner reads it.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TITLE } from '../../src/oci/annotations.js';
import { OCI_INDEX, OCI_LAYER_TAR } from '../../src/oci/media-types.js';
import { artifact, blob, emptyConfig, indexOf, manifest, type Graph } from '../oci/content.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import type { ActionRun } from '../support/run-action.js';
import { runnerLines, workflowCommands } from '../support/workflow-commands.js';
import { seed, useRegistries } from './registry-support.js';

/** The strings of the issue, each as a title, a media type or an annotation. */
const NEWLINE_WARNING = '\n::warning::x';
const ADD_MASK = '::add-mask::secret';
const STOP_COMMANDS = '::stop-commands::resume-token';
const PIPE = 'a|b';
const SCRIPT = '<script>alert(1)</script>';
const LEGACY = 'legacy ##[warning]y';
const ANSI = '\u001b[2K\u001b[1Ahidden';

/**
 * No line starts a command the action did not mean: every command is one of ours, in the v2 form
 * at the very start of its line, and there is no legacy `##[`, no add-mask or stop-commands, no
 * control character but the line ends, and exactly `warnings` warnings.
 */
function expectNoForgedCommands(run: ActionRun, warnings = 0): void {
  const commands = workflowCommands(run.stdout);
  for (const command of commands) {
    expect({ name: command.name, form: command.form }).toEqual({
      name: expect.stringMatching(/^(group|endgroup|debug|notice|warning|error)$/),
      form: 'v2',
    });
    expect(command.line.startsWith(`::${command.name}`)).toBe(true);
  }
  expect(commands.filter((c) => c.name === 'warning')).toHaveLength(warnings);
  expect(controlCharacters(run.stdout)).toEqual([]);
  expect(run.stdout).not.toContain('##[');
}

/** Control characters and line separators other than the line ends themselves. */
const controlCharacters = (text: string): string[] =>
  [...text].filter((char) => {
    const code = char.codePointAt(0) ?? 0;
    return (
      (code < 0x20 && char !== '\n') ||
      (code >= 0x7f && code <= 0x9f) ||
      code === 0x2028 ||
      code === 0x2029
    );
  });

/** Every Markdown table keeps its shape: each row has as many unescaped pipes as its header. */
function expectIntactTables(summary: string): void {
  const tables = summary
    .split('\n\n')
    .map((block) => block.split('\n').filter((line) => line.startsWith('|')))
    .filter((rows) => rows.length > 0);
  expect(tables.length).toBeGreaterThan(0);
  for (const rows of tables) {
    const pipes = rows[0]!.split('|').length;
    for (const row of rows) expect({ row, pipes: row.split('|').length }).toEqual({ row, pipes });
  }
  expect(summary).not.toMatch(/<script|<\/script/i);
}

describe('untrusted text through the bundled action', () => {
  const fx = useRegistries();
  let proxy: FaultProxy;
  beforeAll(async () => {
    proxy = fx.stopAfter(await startFaultProxy(fx.registry.url));
  });
  afterEach(() => proxy.setRules([]));

  /** An artifact whose titles and layer media types carry the hostile strings. */
  function hostileArtifact(): Graph {
    const layers = [
      [NEWLINE_WARNING, OCI_LAYER_TAR],
      [ADD_MASK, `application/x${NEWLINE_WARNING}`],
      [STOP_COMMANDS, OCI_LAYER_TAR],
      [PIPE, `text/plain;${PIPE}`],
      [SCRIPT, `application/${SCRIPT}`],
      [LEGACY, OCI_LAYER_TAR],
      [ANSI, OCI_LAYER_TAR],
    ].map(([title, mediaType], i) => {
      const layer = blob(`layer ${i}`, mediaType);
      layer.descriptor.annotations = { [TITLE]: title! };
      return layer;
    });
    const root = manifest(
      layers.map((l) => l.descriptor),
      { artifactType: `application/vnd.test${NEWLINE_WARNING}` },
    );
    return { root, blobs: [emptyConfig, ...layers], manifests: [root] };
  }

  it('pulls titles and media types that try to start commands, showing them escaped', async () => {
    await seed(fx.registry, 'hostile/pull', hostileArtifact(), 'v1');
    const run = await fx.act({
      command: 'pull',
      registry: fx.registry.host,
      reference: 'hostile/pull:v1',
      path: 'out',
    });
    expect(run.errors).toEqual([]);
    expect(run.exitCode).toBe(0);
    expectNoForgedCommands(run);
    // Each title is on its own log line, escaped where it could have done harm.
    const lines = runnerLines(run.stdout);
    for (const shown of [
      'Pulled \\n::warning::x sha256:',
      'Pulled \\u003a:add-mask::secret sha256:',
      'Pulled \\u003a:stop-commands::resume-token sha256:',
      'Pulled a|b sha256:',
      'Pulled <script>alert(1)</script> sha256:',
      'Pulled legacy #\\u0023[warning]y sha256:',
      'Pulled \\u001b[2K\\u001b[1Ahidden sha256:',
    ]) {
      expect(lines.filter((line) => line.startsWith(shown))).toHaveLength(1);
    }

    // The summary shows them literally: no tag, no broken row, no line break inside a cell.
    expectIntactTables(run.summary);
    const fileRows = run.summary.split('\n').filter((l) => l.startsWith('| <code>'));
    expect(fileRows).toHaveLength(7);
    for (const row of fileRows) expect(row.split('|')).toHaveLength(6);
    expect(run.summary).toContain('<code>&#92;n::warning::x</code>');
    expect(run.summary).toContain('<code>a&#124;b</code>');
    // A table cell may wrap after a `/` (<wbr>), added after the escaping.
    expect(run.summary).toContain('<code>&#60;script&#62;alert(1)&#60;/<wbr>script&#62;</code>');
    expect(run.summary).toContain('<code>application/<wbr>x&#92;n::warning::x</code>');
    expect(run.summary).toContain(
      '- **Artifact type:** <code>application/vnd.test&#92;n::warning::x</code>',
    );
    // The outputs keep the exact values: they are data, not log lines.
    expect(run.outputs['artifact-type']).toBe(`application/vnd.test${NEWLINE_WARNING}`);
    const titles = (JSON.parse(run.outputs['files']!) as { title: string }[]).map((f) => f.title);
    expect(titles.sort()).toEqual(
      [NEWLINE_WARNING, ADD_MASK, STOP_COMMANDS, PIPE, SCRIPT, LEGACY, ANSI].sort(),
    );
  });

  it('discovers a referrer whose artifact type and annotations try to start commands', async () => {
    const subject = await seed(fx.registry, 'hostile/discover', hostileArtifact(), 'v1');
    const referrer = manifest([], {
      artifactType: `application/vnd.sig${NEWLINE_WARNING}`,
      subject: subject.root.descriptor,
      annotations: {
        'org.example.a': NEWLINE_WARNING,
        'org.example.b': ADD_MASK,
        'org.example.c': STOP_COMMANDS,
        'org.example.d': PIPE,
        'org.example.e': SCRIPT,
      },
    });
    await seed(fx.registry, 'hostile/discover', {
      root: referrer,
      blobs: [emptyConfig],
      manifests: [referrer],
    });
    const run = await fx.act({
      command: 'discover',
      registry: fx.registry.host,
      reference: 'hostile/discover:v1',
    });
    expect(run.exitCode).toBe(0);
    expectNoForgedCommands(run);
    expect(run.stdout).toContain(' application/vnd.sig\\n::warning::x (');
    expectIntactTables(run.summary);
    const row = run.summary.split('\n').find((l) => l.includes('application/<wbr>vnd.sig'))!;
    expect(row.split('|')).toHaveLength(6);
    expect(row).toContain('<code>org.example.a=<wbr>&#92;n::warning::x</code>');
    expect(row).toContain('<code>org.example.d=<wbr>a&#124;b</code>');
    expect(row).toContain(
      '<code>org.example.e=<wbr>&#60;script&#62;alert(1)&#60;/<wbr>script&#62;</code>',
    );
  });

  it("updates another tool's index whose artifact type tries to start commands, showing it escaped", async () => {
    const listed = artifact({ 'a.txt': 'listed' });
    const added = artifact({ 'a.txt': 'added' });
    const hostileIndex = indexOf([listed]);
    const body = JSON.parse(hostileIndex.root.bytes.toString()) as Record<string, unknown>;
    const rewritten = blob(
      JSON.stringify({ ...body, artifactType: `${SCRIPT}${NEWLINE_WARNING}` }),
      OCI_INDEX,
    );
    await seed(
      fx.registry,
      'hostile/index',
      {
        root: rewritten,
        blobs: hostileIndex.blobs,
        manifests: [...listed.manifests, rewritten],
      },
      'v1',
    );
    await seed(fx.registry, 'hostile/index', added, 'arm');
    const run = await fx.act({
      command: 'index',
      registry: fx.registry.host,
      reference: 'hostile/index:v1',
      add: 'arm platform=linux/arm64',
    });
    expect(run.exitCode).toBe(0);
    expectNoForgedCommands(run);
    expectIntactTables(run.summary);
    expect(run.summary).toContain(
      '- **Artifact type:** <code>&#60;script&#62;alert(1)&#60;/script&#62;&#92;n::warning::x</code>',
    );
  });

  it('pushes files whose names try to start commands, showing them escaped', async () => {
    const ws = join(fx.temp, 'push-ws');
    await mkdir(join(ws, 'hostile'), { recursive: true });
    for (const name of [NEWLINE_WARNING, ADD_MASK, STOP_COMMANDS, PIPE, LEGACY, ANSI]) {
      await writeFile(join(ws, 'hostile', name), `content of ${JSON.stringify(name)}`);
    }
    const run = await fx.act(
      {
        command: 'push',
        registry: fx.registry.host,
        reference: 'hostile/push:v1',
        files: 'hostile/*',
      },
      { workspace: ws },
    );
    expect(run.errors).toEqual([]);
    expect(run.exitCode).toBe(0);
    expectNoForgedCommands(run);
    expect(run.stdout).toContain('hostile/\\n::warning::x sha256:');
    expect(run.stdout).toContain('hostile/::add-mask::secret sha256:');
    expectIntactTables(run.summary);
    expect(run.summary).toContain('<code>hostile/<wbr>&#92;n::warning::x</code>');
    expect(run.summary).toContain('<code>hostile/<wbr>a&#124;b</code>');
  });

  it('lists tags a registry made up, escaped', async () => {
    await seed(fx.registry, 'hostile/tags', hostileArtifact(), 'v1');
    proxy.setRules([
      {
        path: /\/v2\/hostile\/tags\/tags\/list/,
        fault: {
          kind: 'status',
          status: 200,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            name: 'hostile/tags',
            tags: [ADD_MASK, `v1${NEWLINE_WARNING}`, STOP_COMMANDS, `##[add-mask]z`, PIPE],
          }),
        },
      },
    ]);
    const run = await fx.act({
      command: 'repo-tags',
      registry: proxy.host,
      reference: 'hostile/tags',
    });
    expect(run.exitCode).toBe(0);
    expectNoForgedCommands(run);
    const lines = runnerLines(run.stdout);
    expect(lines).toContain('\\u003a:add-mask::secret');
    expect(lines).toContain('\\u003a:stop-commands::resume-token');
    expect(lines).toContain('v1\\n::warning::x');
    expect(lines).toContain('#\\u0023[add-mask]z');
    expectIntactTables(run.summary);
    expect(run.summary).toContain('| <code>a&#124;b</code> |');
  });

  it('quotes a registry error body escaped, on the one error line', async () => {
    await seed(fx.registry, 'hostile/error', hostileArtifact(), 'v1');
    proxy.setRules([
      {
        method: 'GET',
        path: /\/hostile\/error\/manifests\//,
        fault: {
          kind: 'status',
          status: 400,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            errors: [
              {
                code: 'MANIFEST_INVALID',
                message: `bad${NEWLINE_WARNING}\n${ADD_MASK}\n${STOP_COMMANDS}\n##[error]z`,
              },
            ],
          }),
        },
      },
    ]);
    const run = await fx.act({
      command: 'pull',
      registry: proxy.host,
      reference: 'hostile/error:v1',
      path: 'out',
    });
    expect(run.exitCode).toBe(1);
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toContain(
      'MANIFEST_INVALID: bad\\n::warning::x\\n::add-mask::secret\\n::stop-commands::resume-token\\n#\\u0023[error]z',
    );
    expectNoForgedCommands(run);
  });

  it('shows a registry Warning header as one warning, neutralised', async () => {
    await seed(fx.registry, 'hostile/warning', hostileArtifact(), 'v1');
    proxy.setRules([
      {
        path: /\/manifests\/v1$/,
        fault: {
          kind: 'headers',
          headers: { warning: `299 - "${ADD_MASK} ##[warning]y"` },
        },
      },
    ]);
    const run = await fx.act({
      command: 'resolve',
      registry: proxy.host,
      reference: 'hostile/warning:v1',
    });
    expect(run.exitCode).toBe(0);
    expectNoForgedCommands(run, 1);
    const warning = workflowCommands(run.stdout).find((c) => c.name === 'warning')!;
    expect(warning.data).toBe(`${proxy.host} warns: \\u003a:add-mask::secret #\\u0023[warning]y`);
  });
});
