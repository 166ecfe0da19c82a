import type { Log } from '../../src/commands/log.js';

/** A Log that keeps what each level received; groups run their body and keep their titles. */
export interface MemoryLog extends Log {
  /** info() lines. */
  lines: string[];
  notices: string[];
  warnings: string[];
  debugs: string[];
  groups: string[];
}

export function memoryLog(): MemoryLog {
  const log: MemoryLog = {
    lines: [],
    notices: [],
    warnings: [],
    debugs: [],
    groups: [],
    info: (m) => log.lines.push(m),
    notice: (m) => log.notices.push(m),
    warning: (m) => log.warnings.push(m),
    debug: (m) => log.debugs.push(m),
    group: (title, body) => {
      log.groups.push(title);
      return body();
    },
  };
  return log;
}
