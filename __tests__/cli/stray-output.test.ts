// Lines that code below the CLI prints to stdout through @actions/core reach the CLI's log with
// the meaning the runner would give them, and never the JSON on stdout.
import { divertToLog } from '../../src/cli/stray-output.js';
import { terminalLog } from '../../src/cli/terminal-log.js';

describe('divertToLog', () => {
  it('gives workflow commands their meaning: an error fails, a mask hides, debug is debug', () => {
    const lines: string[] = [];
    const log = terminalLog((line) => lines.push(line), { workflowCommands: false, debug: true });
    divertToLog(
      log,
      [
        "::debug::followSymbolicLinks 'false'",
        '::add-mask::tok%25en',
        '::warning file=a.ts,line=1::careful with tok%en',
        '::group::Something',
        'a plain line',
        '::error::two%0Alines',
        '',
      ].join('\n'),
    );
    expect(log.failed).toBe(true);
    expect(lines).toEqual([
      "Debug: followSymbolicLinks 'false'",
      'Warning: careful with ***',
      'Debug: a plain line',
      'Error: two\\nlines',
    ]);
  });
});
