// The one place the action writes log lines. Every message passes through logText on its way
// out, whoever built it: text interpolated further down (titles, tags, registry answers) is
// neutralised there already, and this is the safety net for whatever is not, so no printed line
// can start a workflow command or break into two. (Errors go out through formatError.)
import * as core from '@actions/core';
import type { Log } from '../commands/log.js';
import type { ClientLogger } from '../oci/logger.js';
import { logText } from '../oci/untrusted-text.js';

export const actionLog: Log = {
  info: (message) => core.info(logText(message)),
  notice: (message) => core.notice(logText(message)),
  warning: (message) => core.warning(logText(message)),
  debug: (message) => core.debug(logText(message)),
  group: (title, body) => core.group(logText(title), body),
};

/** The OCI client's reports (credential sources, fallbacks, registry warnings, retries). */
export const clientLogger: ClientLogger = {
  debug: (message) => actionLog.debug(message),
  info: (message) => actionLog.info(message),
  warning: (message) => actionLog.warning(message),
  notice: (message) => actionLog.notice(message),
  // The runner replaces it in every later line; the `::add-mask::` line itself shows `***`.
  mask: (secret) => core.setSecret(secret),
};
