// Runs the bundled dist/index.js in a child process exactly as the runner does: INPUT_*
// variables (hyphens kept), GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, RUNNER_TEMP,
// RUNNER_TOOL_CACHE and GITHUB_WORKSPACE.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { actionDefaults } from './action-defaults.js';
import { childCoverageEnv } from './child-coverage.js';
import { makeTempDir } from './temp.js';

// OCI_ACTION_ENTRY lets a developer test a bundle built elsewhere (parallel work).
export const DIST_ENTRY =
  process.env['OCI_ACTION_ENTRY'] ?? join(import.meta.dirname, '..', '..', 'dist', 'index.js');

export interface RunOptions {
  /** Extra environment (wins over the runner's own variables). */
  env?: Record<string, string>;
  /** GITHUB_WORKSPACE and the working folder; a fresh temporary folder when unset. */
  workspace?: string;
  /** RUNNER_TOOL_CACHE; a fresh folder inside the run folder when unset. */
  toolCache?: string;
}

export interface ActionRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  /** The `::error::` lines' messages. */
  errors: string[];
  workspace: string;
  /** Removes the run's temporary folders. */
  cleanup(): Promise<void>;
}

export function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

export async function runAction(
  inputs: Record<string, string>,
  options: RunOptions = {},
): Promise<ActionRun> {
  return (await startAction(inputs, options)).finished;
}

/** A run still going: the child, its output so far, and its result once it exits. */
export interface StartedAction {
  readonly child: ChildProcess;
  /** Everything the child wrote to stdout so far. */
  readonly stdout: string;
  /** RUNNER_TEMP of the run. */
  readonly runnerTemp: string;
  /** Resolves with the first stdout line matching `pattern` (rejects if the child exits first). */
  waitForLine(pattern: RegExp): Promise<string>;
  readonly finished: Promise<ActionRun>;
}

/** Starts the action as runAction does, without waiting: for tests that signal it mid-run. */
export async function startAction(
  inputs: Record<string, string>,
  options: RunOptions = {},
): Promise<StartedAction> {
  const runDir = await makeTempDir('oci-run-');
  const workspace = options.workspace ?? join(runDir.path, 'workspace');
  const outputFile = join(runDir.path, 'github_output');
  const summaryFile = join(runDir.path, 'step_summary');
  const runnerTemp = join(runDir.path, 'runner_temp');
  const toolCache = options.toolCache ?? join(runDir.path, 'tool_cache');
  await Promise.all(
    [workspace, runnerTemp, toolCache].map((dir) => mkdir(dir, { recursive: true })),
  );
  await writeFile(outputFile, '');
  await writeFile(summaryFile, '');

  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: process.env['HOME'] ?? runDir.path,
    // An empty Docker config unless a test gives one: the machine's own must not leak in.
    DOCKER_CONFIG: join(runDir.path, 'docker-config'),
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_WORKSPACE: workspace,
    RUNNER_TEMP: runnerTemp,
    RUNNER_TOOL_CACHE: toolCache,
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
    GITHUB_ACTOR: 'test-actor',
    GITHUB_REPOSITORY: 'example/repo',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_RUN_ID: '1',
    ...childCoverageEnv(),
  };
  for (const [name, value] of Object.entries({ ...actionDefaults(), ...inputs })) {
    env[inputVariable(name)] = value;
  }
  Object.assign(env, options.env);

  const child = spawn(process.execPath, [DIST_ENTRY], {
    cwd: workspace,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const watchers = new Set<() => void>();
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    for (const watcher of [...watchers]) watcher();
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve(code ?? -1));
  });
  const finished = exited.then(async (exitCode): Promise<ActionRun> => ({
    exitCode,
    stdout,
    stderr,
    outputs: parseOutputFile(await readFile(outputFile, 'utf8')),
    summary: await readFile(summaryFile, 'utf8'),
    errors: stdout
      .split('\n')
      .filter((line) => line.startsWith('::error'))
      .map((line) => unescapeCommand(line.slice(line.indexOf('::', 2) + 2))),
    workspace,
    cleanup: runDir.remove,
  }));
  // A test that never awaits `finished` (it failed earlier) must not leave a rejection behind.
  finished.catch(() => undefined);

  return {
    child,
    get stdout() {
      return stdout;
    },
    runnerTemp,
    finished,
    waitForLine(pattern) {
      return new Promise<string>((resolve, reject) => {
        const look = (): boolean => {
          const line = stdout.split('\n').find((l) => pattern.test(l));
          if (line === undefined) return false;
          watchers.delete(check);
          resolve(line);
          return true;
        };
        const check = (): void => void look();
        if (look()) return;
        watchers.add(check);
        void exited.then(() => {
          if (!look())
            reject(
              new Error(
                `the action exited without a line matching ${pattern}:\n${stdout}\n${stderr}`,
              ),
            );
        });
      });
    },
  };
}

/** `name=value` lines and `name<<DELIMITER` heredocs, as @actions/core writes them. */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line === '') continue;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name = '', delimiter] = heredoc;
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i] ?? '');
      if (i >= lines.length) throw new Error(`output ${name}: no closing delimiter ${delimiter}`);
      outputs[name] = value.join('\n');
      continue;
    }
    const eq = line.indexOf('=');
    if (eq < 0) throw new Error(`output file line without = or <<: ${line}`);
    outputs[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return outputs;
}

function unescapeCommand(text: string): string {
  return text.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
}
