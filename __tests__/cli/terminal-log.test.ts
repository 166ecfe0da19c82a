// The CLI's log: plain lines outside Actions, workflow commands inside, secrets hidden in both.
import { terminalLog } from '../../src/cli/terminal-log.js';

function capture(workflowCommands: boolean, debug = false) {
  const lines: string[] = [];
  const log = terminalLog((line) => lines.push(line), { workflowCommands, debug });
  return { lines, log };
}

describe('terminalLog', () => {
  it('writes plain lines outside Actions: a group is a heading, debug only when asked', async () => {
    const { lines, log } = capture(false);
    log.mask('s3cret');
    await log.group('Push host/app:v1', async () => {
      log.info('Uploaded a.txt with s3cret inside');
      log.notice('hidden files left out');
      log.warning('careful');
      log.debug('not shown');
    });
    expect(log.failed).toBe(false);
    log.fail('it broke: s3cret');
    expect(log.failed).toBe(true);
    expect(lines).toEqual([
      '==> Push host/app:v1',
      'Uploaded a.txt with *** inside',
      'Notice: hidden files left out',
      'Warning: careful',
      'Error: it broke: ***',
    ]);
    const verbose = capture(false, true);
    verbose.log.debug('shown');
    expect(verbose.lines).toEqual(['Debug: shown']);
  });

  it('writes workflow commands inside Actions, the mask first, and hides the longer secret whole', async () => {
    const { lines, log } = capture(true);
    log.mask('abc');
    log.mask('abcdef');
    await log.group('Pull', async () => {
      log.warning('100% of abcdef');
      log.debug('d');
    });
    log.fail('no');
    expect(lines).toEqual([
      '::add-mask::abc',
      '::add-mask::abcdef',
      '::group::Pull',
      '::warning::100%25 of ***',
      '::debug::d',
      '::endgroup::',
      '::error::no',
    ]);
  });
});
