// Reads `command` and hands over to that command's runner; turns any error into ::error:: and
// exit code 1.
import * as core from '@actions/core';
import { InputError } from './input-error.js';
import { COMMAND_NAMES, type CommandName } from './inputs/names.js';
import { maskSecretInputs } from './inputs/read.js';
import { formatError } from './format-error.js';
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
  const value = core.getInput('command');
  const command = COMMAND_NAMES.find((name) => name === value.toLowerCase());
  if (command === undefined)
    throw new InputError('command', value, `one of ${COMMAND_NAMES.join(', ')}`);
  return command;
}

export async function run(): Promise<void> {
  try {
    maskSecretInputs();
    await RUNNERS[readCommand()]();
  } catch (error) {
    core.setFailed(formatError(error));
  }
}
