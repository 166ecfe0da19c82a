// What code below the CLI prints to stdout through @actions/core instead of the log sink
// (@actions/glob's `::debug::` lines; any `core.*` call the action layer may still make) would
// break the JSON on stdout. The CLI sends it to its log instead, with the meaning the runner
// would give it: an error still fails the command, a mask still hides the secret.
import { logText } from '../oci/untrusted-text.js';
import type { TerminalLog } from './terminal-log.js';

const COMMAND = /^::([a-z-]+)(?: [^:]*)?::(.*)$/;

/** @actions/core's escaping of a command's data, undone. */
const unescape = (data: string): string =>
  data.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');

/** Writes each line of `text` to `log`. */
export function divertToLog(log: TerminalLog, text: string): void {
  for (const line of text.split(/\r?\n/)) {
    if (line === '') continue;
    const [, name, data = ''] = COMMAND.exec(line) ?? [];
    const message = logText(unescape(data));
    switch (name) {
      case 'error':
        log.fail(message);
        break;
      case 'warning':
        log.warning(message);
        break;
      case 'notice':
        log.notice(message);
        break;
      case 'add-mask':
        log.mask(unescape(data));
        break;
      case 'group':
      case 'endgroup':
        break;
      case 'debug':
        log.debug(message);
        break;
      default:
        log.debug(logText(line));
    }
  }
}
