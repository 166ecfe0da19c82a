// Runs the bundled action as the runner does (the recipe of __tests__/support/run-action.ts):
// `node <entry>` with INPUT_* variables (hyphens kept, upper-cased), GITHUB_OUTPUT and
// GITHUB_STEP_SUMMARY files, RUNNER_TEMP, RUNNER_TOOL_CACHE and GITHUB_WORKSPACE.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { measure } from './measure.mjs';

const ROOT = join(import.meta.dirname, '..', '..');

/** OCI_ACTION_ENTRY lets a developer measure a bundle built elsewhere. */
export const ACTION_ENTRY = process.env['OCI_ACTION_ENTRY'] ?? join(ROOT, 'dist', 'index.js');

let counter = 0;

/**
 * @param {Record<string, string>} inputs  action inputs by name (`plain-http`, …)
 * @param {{ scratch: string, workspace: string, toolCache?: string }} options
 *   `scratch`: a folder for this run's runner files (removed afterwards);
 *   `toolCache`: RUNNER_TOOL_CACHE, a fresh folder when unset.
 * @returns {Promise<{ seconds: number, peakKiB: number, cpuSeconds: number,
 *   outputs: Record<string, string> }>}
 */
export async function runAction(inputs, options) {
  const runDir = join(options.scratch, `action-run-${++counter}`);
  const outputFile = join(runDir, 'github_output');
  const summaryFile = join(runDir, 'step_summary');
  const runnerTemp = join(runDir, 'runner_temp');
  const toolCache = options.toolCache ?? join(runDir, 'tool_cache');
  await Promise.all([runnerTemp, toolCache].map((dir) => mkdir(dir, { recursive: true })));
  await writeFile(outputFile, '');
  await writeFile(summaryFile, '');
  const env = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: process.env['HOME'] ?? runDir,
    // An empty Docker config: the machine's own must not leak in.
    DOCKER_CONFIG: join(runDir, 'docker-config'),
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_WORKSPACE: options.workspace,
    RUNNER_TEMP: runnerTemp,
    RUNNER_TOOL_CACHE: toolCache,
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
    GITHUB_ACTOR: 'bench-actor',
    GITHUB_REPOSITORY: 'example/repo',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_RUN_ID: '1',
  };
  for (const [name, value] of Object.entries({ ...(await actionDefaults()), ...inputs })) {
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  }
  try {
    const run = await measure(process.execPath, [ACTION_ENTRY], {
      cwd: options.workspace,
      env,
      scratch: options.scratch,
    });
    const outputs = parseOutputFile(await readFile(outputFile, 'utf8'));
    const { seconds, peakKiB, cpuSeconds } = run;
    return { seconds, peakKiB, cpuSeconds, outputs };
  } finally {
    await rm(runDir, { recursive: true, force: true });
  }
}

let defaults;

/** Each input's default from action.yml, as the runner fills them in (expressions → ''). */
async function actionDefaults() {
  if (defaults) return defaults;
  const lines = (await readFile(join(ROOT, 'action.yml'), 'utf8')).split('\n');
  defaults = {};
  let section = '';
  let input;
  for (const line of lines) {
    const top = /^(\w[\w-]*):/.exec(line);
    if (top) {
      section = top[1];
      input = undefined;
      continue;
    }
    if (section !== 'inputs') continue;
    const name = /^ {2}([\w-]+):\s*$/.exec(line);
    if (name) {
      input = name[1];
      continue;
    }
    const value = /^ {4}default:\s*(.*)$/.exec(line);
    if (value && input) defaults[input] = unquote(value[1]);
  }
  return defaults;
}

function unquote(raw) {
  const value = raw.trim();
  if (value.startsWith('${{')) return '';
  if (/^'.*'$/.test(value)) return value.slice(1, -1).replace(/''/g, "'");
  if (/^".*"$/.test(value)) return JSON.parse(value);
  return value;
}

/** `name=value` lines and `name<<DELIMITER` heredocs, as @actions/core writes them. */
function parseOutputFile(text) {
  const outputs = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line === '') continue;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delimiter] = heredoc;
      const value = [];
      for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i]);
      outputs[name] = value.join('\n');
      continue;
    }
    const eq = line.indexOf('=');
    if (eq > 0) outputs[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return outputs;
}
