// The options the action builds for every registry client: the client logger, the process's
// cancellation, and, only when a test sets them, the OCI_ACTION_TEST_* knobs. With no knob set,
// the clocks in force are the ones docs/deadlines.md documents.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readRemoteOptions } from '../../src/action/inputs/connection.js';
import { clientLogger } from '../../src/action/log.js';
import { readTestKnobs } from '../../src/action/test-knobs.js';
import { processCancellation } from '../../src/commands/cancellation.js';
import { Transport } from '../../src/oci/remote/transport.js';

const ROOT = join(import.meta.dirname, '..', '..');

describe('the options of the registry clients', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });
  const knobs = Object.keys(process.env).filter((name) => name.startsWith('OCI_ACTION_TEST_'));

  it('without knobs, puts the documented defaults in force', async () => {
    for (const name of knobs) delete process.env[name];
    const options = readRemoteOptions();
    expect(options.logger).toBe(clientLogger);
    expect(options.signal).toBe(processCancellation.signal);
    expect(options.deadlines).toBeUndefined();
    expect(options.retry).toBeUndefined();
    const transport = new Transport(options);
    try {
      expect(transport.limits).toEqual({
        connectMs: 10_000,
        answerMs: 20_000,
        answerBytesPerSecond: 16 * 1024 * 1024,
        stallMs: 30_000,
        lowSpeedBytesPerSecond: 1024,
        lowSpeedWindowMs: 30_000,
      });
      expect(transport.policy).toEqual({ attempts: 5, baseDelayMs: 500, maxDelayMs: 30_000 });
    } finally {
      await transport.close();
    }

    // …and those are the numbers the documentation gives.
    const docs = (await readFile(join(ROOT, 'docs', 'deadlines.md'), 'utf8')).replace(/ +/g, ' ');
    for (const row of [
      '| connect | 10 s |',
      '| answer | 20 s |',
      '| answer, per byte | + 1 s per 16 MiB (64 s/GiB) |',
      '| stall | 30 s |',
      '| low speed | below 1 KiB/s over 30 s |',
      '| retries | 5 attempts |',
      '| wait between attempts | 0.5 s, doubling, at most 30 s |',
    ]) {
      expect(docs).toContain(row);
    }
  });

  it('takes the knobs a test sets, and only those', () => {
    process.env['OCI_ACTION_TEST_STALL_MS'] = '250';
    process.env['OCI_ACTION_TEST_RETRY_BASE_MS'] = '1';
    const options = readRemoteOptions();
    expect(options.deadlines).toEqual({ stallMs: 250 });
    expect(options.retry).toEqual({ baseDelayMs: 1 });
    expect(readTestKnobs({})).toEqual({});
  });

  it('refuses a knob that is not a whole number, naming it', () => {
    expect(() => readTestKnobs({ OCI_ACTION_TEST_ANSWER_MS: '2s' })).toThrow(
      'OCI_ACTION_TEST_ANSWER_MS (a test-only setting) must be a whole number, not "2s"',
    );
  });
});
