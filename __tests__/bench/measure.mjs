// Runs one measured child process: wall time from spawn to exit, its peak resident memory as
// GNU time reports it (%M, the largest RSS of the process and its waited-for children, KiB) and
// the CPU time it used (%U user + %S system seconds).
import { spawn } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { clearTimeout, setTimeout } from 'node:timers';
import { track } from './processes.mjs';

export const GNU_TIME = '/usr/bin/time';

/** Far above any run's time on a 2-core machine; only a hang gets there. */
const DEFAULT_TIMEOUT_SECONDS = 300;

let counter = 0;

/**
 * @param {string} command
 * @param {string[]} args
 * @param {{ env?: Record<string, string>, cwd?: string, scratch: string,
 *   timeoutSeconds?: number }} options
 *   `scratch`: a folder for GNU time's report file.
 * @returns {Promise<{ seconds: number, peakKiB: number, cpuSeconds: number, stdout: string,
 *   stderr: string }>}
 *   Rejects when the command exits with another code than 0, with its output.
 */
export async function measure(command, args, options) {
  const report = join(options.scratch, `time-${process.pid}-${++counter}.txt`);
  const started = process.hrtime.bigint();
  const child = track(
    spawn(GNU_TIME, ['-f', '%M %U %S', '-o', report, command, ...args], {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    }),
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  // A run that hangs would stall the whole benchmark: stop it and report what it printed.
  let timedOut = false;
  const timer = setTimeout(
    () => {
      timedOut = true;
      process.kill(-child.pid, 'SIGKILL');
    },
    (options.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000,
  );
  const code = await new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (exitCode, signal) => resolve(exitCode ?? signal));
  }).finally(() => clearTimeout(timer));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const reportText = await readFile(report, 'utf8').catch(() => '');
  await rm(report, { force: true });
  if (code !== 0) {
    const tail = (text) => text.split('\n').slice(-25).join('\n');
    const how = timedOut ? `was stopped after ${seconds.toFixed(0)} s` : `exited with ${code}`;
    throw new Error(`${command} ${args.join(' ')} ${how}\n${tail(stdout)}\n${tail(stderr)}`);
  }
  // GNU time writes "Command exited with non-zero status" lines first when it fails; the figures
  // are the last line.
  const [peakKiB, user, system] = (reportText.trim().split('\n').pop() ?? '')
    .split(' ')
    .map(Number);
  return { seconds, peakKiB, cpuSeconds: user + system, stdout, stderr };
}
