// The one place the action writes log lines. Every message passes through logText on its way
// out, whoever built it: text interpolated further down (titles, tags, registry answers) is
// neutralised there already, and this is the safety net for whatever is not, so no printed line
// can start a workflow command or break into two. (Errors go out through formatError.)
//
// Where the lines go is a LogSink: the runner's log by default, a terminal for the CLI
// (src/cli/terminal-log.ts), so the command runners are the same for both.
import * as core from '@actions/core';
import type { Log } from '../commands/log.js';
import type { ClientLogger } from '../oci/logger.js';
import { logText } from '../oci/untrusted-text.js';

/** Receives lines that are neutralised already. */
export interface LogSink {
  info(message: string): void;
  notice(message: string): void;
  warning(message: string): void;
  debug(message: string): void;
  group<T>(title: string, body: () => Promise<T>): Promise<T>;
  /** The step's one error line; it also makes the exit code 1. */
  fail(message: string): void;
  /** Hides `secret` in every later line. */
  mask(secret: string): void;
}

/** The runner's log: workflow commands on stdout, as @actions/core writes them. */
export const runnerLogSink: LogSink = {
  info: (message) => core.info(message),
  notice: (message) => core.notice(message),
  warning: (message) => core.warning(message),
  debug: (message) => core.debug(message),
  group: (title, body) => core.group(title, body),
  fail: (message) => core.setFailed(message),
  // The runner replaces it in every later line; the `::add-mask::` line itself shows `***`.
  mask: (secret) => core.setSecret(secret),
};

let sink: LogSink = runnerLogSink;

/** Sends every later line to `next` (the CLI does this before it runs a command). */
export function useLogSink(next: LogSink): void {
  sink = next;
}

export const actionLog: Log = {
  info: (message) => sink.info(logText(message)),
  notice: (message) => sink.notice(logText(message)),
  warning: (message) => sink.warning(logText(message)),
  debug: (message) => sink.debug(logText(message)),
  group: (title, body) => sink.group(logText(title), body),
};

/** Fails the step with one error line (neutralised by formatError already). */
export const failStep = (message: string): void => sink.fail(logText(message));

/** Hides a secret in every later line, before anything could print it. */
export const maskSecret = (secret: string): void => sink.mask(secret);

/** The OCI client's reports (credential sources, fallbacks, registry warnings, retries). */
export const clientLogger: ClientLogger = {
  debug: (message) => actionLog.debug(message),
  info: (message) => actionLog.info(message),
  warning: (message) => actionLog.warning(message),
  notice: (message) => actionLog.notice(message),
  mask: maskSecret,
};
