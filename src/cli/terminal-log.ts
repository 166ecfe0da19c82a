// The CLI's log on stderr. Outside GitHub Actions: plain lines ("Warning: …"), a group as a
// heading line, and no workflow command at all. Inside a workflow's `run:` step: the workflow
// commands the runner understands (annotations, groups, masks), as the action writes them. In
// both, every secret is replaced by *** in every line before it is written. Lines arrive
// neutralised (src/action/log.ts applies logText), so none can start a command of its own.
import type { LogSink } from '../action/log.js';

export interface TerminalLogOptions {
  /** Write workflow commands (running inside GitHub Actions). */
  workflowCommands: boolean;
  /** Print debug lines (outside Actions; inside, the runner decides). */
  debug: boolean;
}

export interface TerminalLog extends LogSink {
  /** Whether fail() was called. */
  readonly failed: boolean;
}

/** What @actions/core escapes in a command's data, so one message stays one line. */
const commandData = (text: string): string =>
  text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');

const MASK = '***';

/** `write` takes one line without its line break. */
export function terminalLog(
  write: (line: string) => void,
  options: TerminalLogOptions,
): TerminalLog {
  const secrets: string[] = [];
  const hide = (text: string): string =>
    secrets.reduce((line, secret) => line.split(secret).join(MASK), text);
  const line = (text: string): void => write(hide(text));
  const command = (name: string, text: string): void => line(`::${name}::${commandData(text)}`);
  let failed = false;

  if (options.workflowCommands) {
    return {
      get failed() {
        return failed;
      },
      info: line,
      notice: (message) => command('notice', message),
      warning: (message) => command('warning', message),
      debug: (message) => command('debug', message),
      async group(title, body) {
        command('group', title);
        try {
          return await body();
        } finally {
          command('endgroup', '');
        }
      },
      fail(message) {
        failed = true;
        command('error', message);
      },
      mask(secret) {
        if (secret === '' || secrets.includes(secret)) return;
        // The runner shows this line itself as `::add-mask::***`.
        write(`::add-mask::${commandData(secret)}`);
        remember(secret);
      },
    };
  }
  return {
    get failed() {
      return failed;
    },
    info: line,
    notice: (message) => line(`Notice: ${message}`),
    warning: (message) => line(`Warning: ${message}`),
    debug: (message) => {
      if (options.debug) line(`Debug: ${message}`);
    },
    group: (title, body) => {
      line(`==> ${title}`);
      return body();
    },
    fail(message) {
      failed = true;
      line(`Error: ${message}`);
    },
    mask(secret) {
      if (secret !== '' && !secrets.includes(secret)) remember(secret);
    },
  };

  /** Longest first, so a secret that contains another is hidden whole. */
  function remember(secret: string): void {
    secrets.push(secret);
    secrets.sort((a, b) => b.length - a.length);
  }
}
