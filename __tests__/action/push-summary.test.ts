import { join } from 'node:path';
import type { PushedFile } from '../../src/commands/pack/pack-artifact.js';
import { cell, tableMarkdown } from '../../src/action/summary/markdown.js';
import {
  actionUses,
  pushSummaryMarkdown,
  USES_PLACEHOLDER,
  type PushSummary,
} from '../../src/action/summary/push.js';

const digest = `sha256:${'a'.repeat(64)}`;

const file = (title: string, size = 1536): PushedFile => ({
  title,
  path: `/w/${title}`,
  mediaType: 'text/plain',
  digest: `sha256:${'c'.repeat(64)}`,
  size,
});

const summary = (overrides: Partial<PushSummary>): PushSummary => ({
  verb: 'Pushed',
  target: '127.0.0.1:5000/app:v1',
  reference: `127.0.0.1:5000/app@${digest}`,
  digest,
  artifactType: 'application/x.build',
  tags: ['v1', 'latest'],
  files: [file('a|<b>.txt')],
  pullWith: [
    ['registry', '127.0.0.1:5000'],
    ['reference', `app@${digest}`],
  ],
  uses: 'owner/oci-artifact-action@v1',
  ...overrides,
});

describe('push job summary', () => {
  it('shows reference, digest, tags, files and a pull step for this exact digest', () => {
    const markdown = pushSummaryMarkdown(
      summary({
        pullWith: [
          ['registry', '127.0.0.1:5000'],
          ['reference', `app@${digest}`],
          ['plain-http', 'true'],
          ['ca-file', '/etc/my ca.pem'],
        ],
      }),
    );
    expect(markdown).toContain('### Pushed <code>127.0.0.1:5000/app:v1</code>');
    expect(markdown).toContain(`| Reference | <code>127.0.0.1:5000/app@${digest}</code> |`);
    expect(markdown).toContain('| Tags | <code>v1</code> <code>latest</code> |');
    expect(markdown).toContain('| Files | 1 (1.5 KiB) |');
    expect(markdown).toContain(
      `| <code>a&#124;&#60;b&#62;.txt</code> | <code>text/plain</code> | 1.5 KiB | <code>sha256:cccccccccccc</code> |`,
    );
    expect(markdown).toContain(
      [
        '```yaml',
        '- uses: owner/oci-artifact-action@v1',
        '  with:',
        '    command: pull',
        '    registry: 127.0.0.1:5000',
        `    reference: app@${digest}`,
        '    plain-http: true',
        '    ca-file: "/etc/my ca.pem"',
        '```',
      ].join('\n'),
    );
  });

  it('names the layout folder in the pull step of a layout push, and says when there are no files', () => {
    const markdown = pushSummaryMarkdown(
      summary({
        target: 'out/my layout:latest',
        reference: `out/my layout@${digest}`,
        tags: [],
        files: [],
        pullWith: [
          ['layout', 'out/my layout'],
          ['reference', digest],
        ],
        uses: USES_PLACEHOLDER,
      }),
    );
    expect(markdown).toContain('| Tags | none (by digest only) |');
    expect(markdown).toContain('| Files | none: the manifest alone |');
    expect(markdown).not.toContain('| File |');
    expect(markdown).toContain('- uses: <owner>/oci-artifact-action@v1\n');
    expect(markdown).toContain('    layout: "out/my layout"\n');
    expect(markdown).toContain(`    reference: ${digest}\n`);
  });

  it('lists at most 200 files and points to the files output for the rest', () => {
    const files = Array.from({ length: 5000 }, (_, i) => file(`f/${i}.txt`, 10));
    const markdown = pushSummaryMarkdown(summary({ files }));
    expect(markdown).toContain('| Files | 5000 (49 KiB) |');
    expect(markdown).toContain('| <code>f/199.txt</code> |');
    expect(markdown).not.toContain('| <code>f/200.txt</code> |');
    expect(markdown).toContain(
      '| … and 4800 more files: every one is in the `files` output | | | |',
    );
    // Far below the 1 MiB a step's summary may hold.
    expect(markdown.length).toBeLessThan(64 * 1024);
  });

  it('names this action as the workflow does: remote by repository and ref, local by path', () => {
    expect(
      actionUses({ GITHUB_ACTION_REPOSITORY: 'acme/oci-artifact-action', GITHUB_ACTION_REF: 'v1' }),
    ).toBe('acme/oci-artifact-action@v1');
    const workspace = '/home/runner/work/repo/repo';
    expect(actionUses({ GITHUB_WORKSPACE: workspace }, join(workspace, 'dist', 'index.js'))).toBe(
      './',
    );
    expect(
      actionUses(
        { GITHUB_WORKSPACE: workspace },
        join(workspace, '.github/actions/oci/dist/index.js'),
      ),
    ).toBe('./.github/actions/oci');
    expect(actionUses({ GITHUB_WORKSPACE: workspace }, '/opt/elsewhere/dist/index.js')).toBe(
      USES_PLACEHOLDER,
    );
    expect(actionUses({}, '/opt/elsewhere/dist/index.js')).toBe(USES_PLACEHOLDER);
  });
});

describe('summary markdown helpers', () => {
  it('escapes what would end a cell or row, open a tag or format text', () => {
    expect(cell('a|b <i>&')).toBe('a&#124;b &#60;i&#62;&#38;');
    expect(cell('two\nlines *em*')).toBe('two&#92;nlines &#42;em&#42;');
  });

  it('writes nothing for no rows, and a header, separator and rows otherwise', () => {
    expect(tableMarkdown(['A'], [])).toEqual([]);
    expect(
      tableMarkdown(
        ['A', 'B'],
        [
          ['1', '2'],
          ['3', '4'],
          ['5', '6'],
        ],
        { maxRows: 2 },
      ),
    ).toEqual(['| A | B |', '| --- | --- |', '| 1 | 2 |', '| 3 | 4 |', '| … and 1 more | |', '']);
  });
});
