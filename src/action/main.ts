// Reads `command` and hands over to that command's runner; turns any error into ::error:: and
// exit code 1. Watches for SIGINT, SIGTERM and the `timeout` input meanwhile (interruption.ts).
import { processCancellation } from '../commands/cancellation.js';
import { InputError } from './input-error.js';
import { unusedInputWarnings } from './inputs/input-usage.js';
import {
  exitNow,
  GRACE_MS,
  interruptedMessage,
  InterruptedError,
  watchForInterruption,
  type InterruptionWatch,
} from './interruption.js';
import { readHoldKnob } from './test-knobs.js';
import { readTimeout } from './inputs/timeout.js';
import { COMMAND_NAMES, type CommandName } from './inputs/command-names.js';
import { maskSecretInputs, readString } from './inputs/read.js';
import { formatError } from './format-error.js';
import { actionLog, failStep } from './log.js';
import { runAttach } from './commands/attach.js';
import { runCopy } from './commands/copy.js';
import { runDelete } from './commands/delete.js';
import { runDiscover } from './commands/discover.js';
import { runIndex } from './commands/index.js';
import { runPull } from './commands/pull.js';
import { runPush } from './commands/push.js';
import { runRepoLs } from './commands/repo-ls.js';
import { runRepoTags } from './commands/repo-tags.js';
import { runResolve } from './commands/resolve.js';
import { runTag } from './commands/tag.js';

const RUNNERS: Record<CommandName, () => Promise<void>> = {
  push: runPush,
  pull: runPull,
  'repo-ls': runRepoLs,
  'repo-tags': runRepoTags,
  resolve: runResolve,
  tag: runTag,
  copy: runCopy,
  attach: runAttach,
  discover: runDiscover,
  delete: runDelete,
  index: runIndex,
};

function readCommand(): CommandName {
  const value = readString('command');
  const command = COMMAND_NAMES.find((name) => name === value.toLowerCase());
  if (command === undefined)
    throw new InputError('command', value, `one of ${COMMAND_NAMES.join(', ')}`);
  return command;
}

export async function run(): Promise<void> {
  let watch: InterruptionWatch | undefined;
  let command: CommandName | undefined;
  try {
    watch = watchForInterruption(processCancellation, GRACE_MS, readHoldKnob());
    maskSecretInputs();
    command = readCommand();
    for (const warning of unusedInputWarnings(command, readString)) {
      actionLog.warning(warning);
    }
    const timeout = readTimeout();
    if (timeout !== undefined) watch.startTimeout(timeout);
    const running = RUNNERS[command]();
    const left = await Promise.race([running.then(() => undefined), watch.forced]);
    if (left !== undefined) {
      // The command has not unwound: whatever it still does ends with the process.
      running.catch(() => undefined);
      failStep(interruptedMessage(left, command, true));
      exitNow();
    }
  } catch (error) {
    const interruption = processCancellation.signal.reason as unknown;
    if (processCancellation.signal.aborted && interruption instanceof InterruptedError) {
      actionLog.debug(`the command stopped with: ${formatError(error)}`);
      failStep(interruptedMessage(interruption, command));
    } else {
      failStep(formatError(error));
    }
  } finally {
    watch?.dispose();
  }
}
