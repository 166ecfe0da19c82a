// Reads `command` and hands over to that command's runner; turns any error into ::error:: and
// exit code 1.
import { InputError } from './input-error.js';
import { unusedInputWarnings } from './inputs/input-usage.js';
import { COMMAND_NAMES, type CommandName } from './inputs/names.js';
import { maskSecretInputs, readString } from './inputs/read.js';
import { formatError } from './format-error.js';
import { actionLog, failStep } from './log.js';
import { runAttach } from './commands/attach.js';
import { runCopy } from './commands/copy.js';
import { runDelete } from './commands/delete.js';
import { runDiscover } from './commands/discover.js';
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
};

function readCommand(): CommandName {
  const value = readString('command');
  const command = COMMAND_NAMES.find((name) => name === value.toLowerCase());
  if (command === undefined)
    throw new InputError('command', value, `one of ${COMMAND_NAMES.join(', ')}`);
  return command;
}

export async function run(): Promise<void> {
  try {
    maskSecretInputs();
    const command = readCommand();
    for (const warning of unusedInputWarnings(command, readString)) {
      actionLog.warning(warning);
    }
    await RUNNERS[command]();
  } catch (error) {
    failStep(formatError(error));
  }
}
