// The bundled `oci-artifact` CLI against a real registry, as a user's shell runs it: the action's
// inputs as flags, outputs as JSON on stdout, a plain log on stderr, exit code 1 with the
// action's own message on errors; and the same digest as the action for the same inputs.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseCommand, runnerLines } from '../support/workflow-commands.js';
import { runCli, type CliRun } from '../support/run-cli.js';
import { skopeoRaw, sha256, succeeded, useTestBed } from '../action/push-support.js';

const TREE = {
  'report.json': '{"ok":true}\n',
  'site/index.html': '<h1>hi</h1>\n',
  'site/css/main.css': 'h1 {}\n',
};

describe('the oci-artifact CLI', () => {
  const bed = useTestBed({ registry: {}, tree: TREE });
  const cli = (args: readonly string[], options: Parameters<typeof runCli>[1] = {}) =>
    runCli(args, { cwd: bed.ws, ...options }, bed.defer);
  const ok = (run: CliRun): CliRun => {
    if (run.exitCode !== 0) throw new Error(`the CLI failed (${run.exitCode}):\n${run.stderr}`);
    return run;
  };
  /** No line the runner would take as a workflow command. */
  const expectNoWorkflowCommand = (text: string): void =>
    expect(runnerLines(text).filter((line) => parseCommand(line) !== undefined)).toEqual([]);

  it('pushes with repeated --files, prints the outputs as JSON and the log as plain lines', async () => {
    const run = ok(
      await cli([
        'push',
        '--registry',
        bed.registry.host,
        '--reference',
        'cli/app:v1',
        '--tags',
        'latest',
        '--files',
        'report.json:application/vnd.example.report.v1+json',
        '--files=site',
        '--artifact-type',
        'application/vnd.example.site.v1',
        '--plain-http',
      ]),
    );
    const { outputs } = run;
    const digest = outputs['digest'] as string;
    expect(outputs['reference']).toBe(`${bed.registry.host}/cli/app@${digest}`);
    expect(outputs['tags']).toEqual([
      `${bed.registry.host}/cli/app:v1`,
      `${bed.registry.host}/cli/app:latest`,
    ]);
    // JSON outputs are values, not strings holding JSON.
    expect((outputs['files'] as { title: string }[]).map((f) => f.title)).toEqual([
      'report.json',
      'site',
    ]);
    expect((outputs['manifest'] as { artifactType: string }).artifactType).toBe(
      'application/vnd.example.site.v1',
    );
    // An independent client reads the manifest whose digest the CLI printed.
    expect(sha256(await skopeoRaw(`${bed.registry.host}/cli/app:v1`))).toBe(digest);
    // The log: plain lines on stderr, a heading for the group, nothing the runner would run.
    expect(run.log).toContain(`==> Push ${bed.registry.host}/cli/app:v1`);
    expect(run.log.some((line) => /^Packed site: 4 entries/.test(line))).toBe(true);
    expectNoWorkflowCommand(run.stderr);
    expectNoWorkflowCommand(run.stdout);
  });

  it('gives the digest the action gives for the same inputs', async () => {
    const inputs = {
      registry: bed.registry.host,
      files: 'report.json\nsite',
      annotations: 'org.example.stage=ci\norg.example.team=web',
      'plain-http': 'true',
    };
    const action = succeeded(
      await bed.run({ ...inputs, command: 'push', reference: 'same/by-action:v1' }),
    );
    const run = ok(
      await cli([
        'push',
        '--registry',
        inputs.registry,
        '--reference',
        'same/by-cli:v1',
        '--files',
        'report.json',
        '--files',
        'site',
        '--annotations',
        'org.example.stage=ci',
        '--annotations',
        'org.example.team=web',
        '--plain-http=true',
      ]),
    );
    expect(run.outputs['digest']).toBe(action.outputs['digest']);
    expect(run.outputs['files']).toEqual(JSON.parse(action.outputs['files']!));
  });

  it('pulls by digest, and a registry command lists the tags', async () => {
    const pushed = ok(
      await cli([
        'push',
        '--registry',
        bed.registry.host,
        '--reference',
        'cli/pulled:v2',
        '--files',
        'site',
        '--plain-http',
      ]),
    );
    const digest = pushed.outputs['digest'] as string;
    const pulled = ok(
      await cli([
        'pull',
        '--reference',
        `${bed.registry.host}/cli/pulled@${digest}`,
        '--path',
        'out',
        '--plain-http',
      ]),
    );
    expect(pulled.outputs['digest']).toBe(digest);
    expect(pulled.outputs['path']).toBe(join(pulled.cwd, 'out'));
    expect(await readFile(join(pulled.cwd, 'out', 'site', 'css', 'main.css'), 'utf8')).toBe(
      TREE['site/css/main.css'],
    );

    // Several references as a repeated flag; `pulled` holds JSON, so it is printed as JSON.
    const several = ok(
      await cli([
        'pull',
        '--reference',
        `${bed.registry.host}/cli/pulled@${digest} into=by-digest`,
        '--reference',
        `${bed.registry.host}/cli/pulled:v2 into=by-tag`,
        '--path',
        'out',
        '--plain-http',
      ]),
    );
    expect(several.outputs['pulled']).toEqual([
      expect.objectContaining({ digest, path: join(several.cwd, 'out', 'by-digest') }),
      expect.objectContaining({ digest, path: join(several.cwd, 'out', 'by-tag') }),
    ]);

    const tags = ok(
      await cli(['repo-tags', '--reference', `${bed.registry.host}/cli/pulled`, '--plain-http']),
    );
    expect(tags.outputs).toEqual({ tags: ['v2'] });
  });

  it("fails with the action's own message, exit code 1 and nothing on stdout", async () => {
    const inputs = {
      registry: bed.registry.host,
      reference: 'cli/app:v1',
      'compression-level': '11',
    };
    const action = await bed.run({ ...inputs, command: 'push', files: 'site' });
    expect(action.errors).toHaveLength(1);
    const run = await cli([
      'push',
      '--registry',
      inputs.registry,
      '--reference',
      inputs.reference,
      '--files',
      'site',
      '--compression-level',
      '11',
    ]);
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.log).toEqual([`Error: ${action.errors[0]}`]);
  });

  it('refuses flags that are no input of the command, naming the flag', async () => {
    const unknown = await cli(['pull', '--pth', 'out', '--reference', 'x/y:1']);
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stdout).toBe('');
    expect(unknown.log).toEqual([
      'Error: Unknown flag --pth for pull; did you mean --path? (oci-artifact pull --help lists its flags)',
    ]);
    const other = await cli(['pull', '--tags', 'v2', '--reference', 'x/y:1']);
    expect(other.exitCode).toBe(1);
    expect(other.log[0]).toMatch(/^Error: --tags is not used by pull; did you mean "reference"/);
    const twice = await cli([
      'resolve',
      '--reference',
      `${bed.registry.host}/cli/app:v1`,
      '--reference',
      'x/y:1',
    ]);
    expect(twice.exitCode).toBe(1);
    expect(twice.log).toEqual([
      'Error: --reference was given 2 times, but it takes one value (only list inputs such as --files take several)',
    ]);
  });

  it('lists the commands, and the inputs of one command with their descriptions', async () => {
    const help = ok(await cli(['--help']));
    for (const command of ['push', 'pull', 'repo-tags', 'delete']) {
      expect(help.stdout).toMatch(new RegExp(`^  ${command} +\\S`, 'm'));
    }
    const pull = ok(await cli(['pull', '--help']));
    expect(pull.stdout).toContain(
      '  --path <value>\n      Pull output folder, created if missing.',
    );
    expect(pull.stdout).toContain('  --overwrite[=false]  (default: true)\n');
    expect(pull.stdout).not.toContain('--tags');
    expect(help.stderr + pull.stderr).toBe('');
  });

  it('inside a workflow run: step, speaks workflow commands on stderr; stdout stays JSON', async () => {
    const run = ok(
      await cli(
        [
          'resolve',
          '--registry',
          bed.registry.host,
          '--reference',
          'cli/app:v1',
          '--plain-http',
          '--password',
          'not-needed-secret',
          '--username',
          'someone',
        ],
        { env: { GITHUB_ACTIONS: 'true' } },
      ),
    );
    expect(run.outputs['digest']).toMatch(/^sha256:/);
    const commands = runnerLines(run.stderr).map(parseCommand);
    expect(commands.map((c) => c?.name)).toContain('group');
    expect(commands.map((c) => c?.name)).toContain('endgroup');
    // Masked before anything else was said.
    expect(run.log[0]).toBe('::add-mask::not-needed-secret');
    expect(run.log.slice(1).join('\n')).not.toContain('not-needed-secret');
  });
});
