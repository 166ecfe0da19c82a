import type { Log } from '../../../src/commands/log.js';

/** A Log that keeps every line, prefixed with its level. */
export function recordingLog(): Log & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (m) => lines.push(`info: ${m}`),
    notice: (m) => lines.push(`notice: ${m}`),
    warning: (m) => lines.push(`warning: ${m}`),
    debug: (m) => lines.push(`debug: ${m}`),
    group: async (title, body) => {
      lines.push(`group: ${title}`);
      try {
        return await body();
      } finally {
        lines.push('endgroup');
      }
    },
  };
}
