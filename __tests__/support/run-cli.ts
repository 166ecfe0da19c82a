// Runs the bundled CLI (dist/cli/index.js) in a child process as a user's shell would: argv,
// the current folder, optional standard input, and an environment of its own (no GITHUB_*
// variables unless a test gives them, an empty Docker config unless a test gives one).
import { spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { childCoverageEnv } from './child-coverage.js';
import { makeTempDir } from './temp.js';

// OCI_CLI_ENTRY lets a developer test a bundle built elsewhere (parallel work).
export const CLI_ENTRY =
  process.env['OCI_CLI_ENTRY'] ?? join(import.meta.dirname, '..', '..', 'dist', 'cli', 'index.js');

export interface CliRunOptions {
  /** The current folder; a fresh temporary folder when unset. */
  cwd?: string;
  /** Extra environment (wins over the defaults). */
  env?: Record<string, string>;
  /** Written to standard input, which is then closed. */
  stdin?: string;
}

export interface CliRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** stderr's lines. */
  log: string[];
  /** stdout parsed as JSON, when the run succeeded. */
  outputs: Record<string, unknown>;
  cwd: string;
}

/** Runs `oci-artifact <args…>`; removes the temporary folders it made when the test bed ends. */
export async function runCli(
  args: readonly string[],
  options: CliRunOptions = {},
  defer: (cleanup: () => Promise<void>) => void = () => undefined,
): Promise<CliRun> {
  const home = await makeTempDir('oci-cli-home-');
  defer(home.remove);
  const cwd = options.cwd ?? join(home.path, 'work');
  await mkdir(cwd, { recursive: true });
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: home.path,
    DOCKER_CONFIG: join(home.path, 'docker-config'),
    TMPDIR: home.path,
    ...childCoverageEnv(),
    ...options.env,
  };
  const child = spawn(process.execPath, [CLI_ENTRY, ...args], {
    cwd,
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(options.stdin ?? '');
  const exitCode = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve(code ?? -1));
  });
  return {
    exitCode,
    stdout,
    stderr,
    log: stderr.split('\n').filter((line) => line !== ''),
    outputs:
      exitCode === 0 && stdout.startsWith('{')
        ? (JSON.parse(stdout) as Record<string, unknown>)
        : {},
    cwd,
  };
}
