// A job summary holds at most 1 MiB per step; GitHub drops a larger one whole (with an error
// annotation). An artifact or registry chooses how long its annotations and titles are, so the
// summary is cut to fit, saying so, and the step outputs keep everything.
import { fitSummary } from '../../src/action/summary/write.js';
import { artifact } from '../oci/content.js';
import { attachTo, seed, useRegistries } from './registry-support.js';

/** What GitHub takes for one step's summary. */
const SUMMARY_LIMIT = 1024 * 1024;

describe('a job summary that would pass its size limit (bundled action, real registry)', () => {
  const fx = useRegistries();

  it('is cut to fit, with a last line saying so, while the output keeps everything', async () => {
    const subject = await seed(fx.registry, 'team/big', artifact({ 'a.txt': 'a' }), 'v1');
    // Underscores are written as `&#95;` in a cell: 1.5 MiB of them would be 7.5 MiB of summary.
    const note = '_'.repeat(1.5 * 1024 * 1024);
    await attachTo(fx.registry, 'team/big', subject, 'application/vnd.example.big', {
      'org.example.note': note,
    });
    const run = await fx.act({
      command: 'discover',
      registry: fx.registry.host,
      reference: 'team/big:v1',
    });
    expect(run.errors).toEqual([]);
    const referrers = JSON.parse(run.outputs['referrers']!) as {
      annotations: Record<string, string>;
    }[];
    expect(referrers[0]?.annotations['org.example.note']).toBe(note);
    expect(Buffer.byteLength(run.summary)).toBeLessThanOrEqual(SUMMARY_LIMIT);
    expect(run.summary).toContain('### Referrers of');
    expect(run.summary.trimEnd().split('\n').at(-1)).toMatch(
      /^The rest of this summary \(\d+ KiB\) is left out: a job summary holds at most 1 MiB\./,
    );
  });
});

describe('fitSummary', () => {
  it('leaves a summary that fits as it is', () => {
    expect(fitSummary('### A\n\n- **B:** c\n', 1000)).toBe('### A\n\n- **B:** c\n');
  });

  it('keeps whole lines, and closes a code block it cut', () => {
    const text = ['### A', '', '```', ...Array.from({ length: 100 }, (_, i) => `line ${i}`), '```'];
    const fitted = fitSummary(text.join('\n'), 600).split('\n');
    expect(fitted.slice(0, 4)).toEqual(['### A', '', '```', 'line 0']);
    expect(fitted.at(-3)).toBe('```');
    expect(fitted.at(-2)).toBe('');
    expect(fitted.at(-1)).toMatch(/^The rest of this summary \(1 KiB\) is left out/);
    expect(Buffer.byteLength(fitted.join('\n'))).toBeLessThanOrEqual(600);
  });
});
