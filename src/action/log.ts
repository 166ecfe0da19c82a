import * as core from '@actions/core';
import type { Log } from '../commands/log.js';
import type { ClientLogger } from '../oci/logger.js';

export const actionLog: Log = {
  info: (message) => core.info(message),
  notice: (message) => core.notice(message),
  warning: (message) => core.warning(message),
  debug: (message) => core.debug(message),
  group: (title, body) => core.group(title, body),
};

export const clientLogger: ClientLogger = {
  debug: (message) => core.debug(message),
  info: (message) => core.info(message),
  warning: (message) => core.warning(message),
};
