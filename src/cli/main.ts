// The CLI: the command line becomes the action's inputs, the log goes to stderr and the outputs
// to stdout as JSON, and the action's own run() does the rest, so a command behaves (and
// fails, with the same message) as the action's step does.
import { useInputSource } from '../action/inputs/read.js';
import { useLogSink } from '../action/log.js';
import { run } from '../action/main.js';
import { useOutputSink } from '../action/outputs.js';
import { logText } from '../oci/untrusted-text.js';
import { VERSION } from './action-metadata.js';
import { parseCommandLine, secretsIn, type CommandLine } from './arguments.js';
import { flagInputs } from './flag-inputs.js';
import { commandHelp, generalHelp } from './help.js';
import { jsonOutputs } from './json-outputs.js';
import { divertToLog } from './stray-output.js';
import { terminalLog } from './terminal-log.js';
import { UsageError } from './usage-error.js';

/** The process as the CLI sees it, so tests can run it in-process. */
export interface CliProcess {
  argv: readonly string[];
  env: NodeJS.ProcessEnv;
  /** Writes to stdout (the outputs, the help). */
  stdout(text: string): void;
  /** Writes one log line to stderr. */
  stderr(line: string): void;
  /** All of standard input, for --password-stdin. */
  readStdin(): Promise<string>;
  /** Sends whatever else is written to stdout to `divert` from now on. */
  divertStdout(divert: (text: string) => void): void;
}

/** Runs one command line; resolves with the exit code. */
export async function runCli(io: CliProcess): Promise<number> {
  let line: CommandLine | UsageError;
  try {
    line = parseCommandLine(io.argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    line = error;
  }
  const log = terminalLog(io.stderr, {
    workflowCommands: io.env['GITHUB_ACTIONS'] === 'true',
    debug:
      (line instanceof UsageError ? false : line.kind === 'run' && line.debug) ||
      io.env['RUNNER_DEBUG'] === '1',
  });
  // Before any message, so none can show a password given on the command line.
  for (const secret of secretsIn(io.argv)) log.mask(secret);
  if (line instanceof UsageError) {
    // It may quote a flag as typed: neutralised like every other line.
    log.fail(logText(line.message));
    return 1;
  }
  if (line.kind === 'help') {
    io.stdout(line.command === undefined ? generalHelp() : commandHelp(line.command));
    return 0;
  }
  if (line.kind === 'version') {
    io.stdout(`${VERSION}\n`);
    return 0;
  }

  const inputs = new Map(line.inputs);
  if (line.passwordStdin) {
    const password = (await io.readStdin()).replace(/\r?\n$/, '');
    log.mask(password);
    inputs.set('password', [password]);
  }
  io.divertStdout((text) => divertToLog(log, text));
  const outputs = jsonOutputs();
  useInputSource(flagInputs(line.command, inputs));
  useLogSink(log);
  useOutputSink(outputs);
  await run();
  if (log.failed) return 1;
  io.stdout(`${JSON.stringify(outputs.values, null, 2)}\n`);
  return 0;
}
