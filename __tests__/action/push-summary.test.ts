import { join } from 'node:path';
import type { PushedFile } from '../../src/commands/pack/pack-artifact.js';
import {
  cell,
  factsMarkdown,
  headingName,
  shortDigestCode,
  tableMarkdown,
  wrappingCode,
} from '../../src/action/summary/markdown.js';
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
  name: '127.0.0.1:5000/team/app',
  tag: 'v1',
  reference: `127.0.0.1:5000/team/app@${digest}`,
  digest,
  artifactType: 'application/x.build',
  tags: ['v1', 'latest'],
  files: [file('a|<b>.txt')],
  pullWith: [
    ['registry', '127.0.0.1:5000'],
    ['reference', `team/app@${digest}`],
  ],
  uses: 'owner/oci-artifact-action@v1',
  ...overrides,
});

describe('push job summary', () => {
  it('shows a short heading, the facts as a list, the files and a pull step for this exact digest', () => {
    const markdown = pushSummaryMarkdown(
      summary({
        pullWith: [
          ['registry', '127.0.0.1:5000'],
          ['reference', `team/app@${digest}`],
          ['plain-http', 'true'],
          ['ca-file', '/etc/my ca.pem'],
        ],
      }),
    );
    expect(markdown.split('\n').slice(0, 9)).toEqual([
      '### Pushed <code>app:v1</code>',
      '',
      `- **Reference:** <code>127.0.0.1:5000/team/app@${digest}</code>`,
      `- **Digest:** <code>${digest}</code>`,
      '- **Artifact type:** <code>application/x.build</code>',
      '- **Tags:** <code>v1</code> <code>latest</code>',
      '- **Files:** 1 (1.5 KiB)',
      '',
      '| File | Media type | Size | Digest |',
    ]);
    // No table without a header row; digests short in the table, whole where they are copied.
    expect(markdown).not.toContain('| |');
    expect(markdown).toContain(
      `| <code>a&#124;&#60;b&#62;.txt</code> | <code>text/<wbr>plain</code> | 1.5&nbsp;KiB | <code>sha256:cccccccccccc…</code> |`,
    );
    expect(markdown).toContain(
      [
        '```yaml',
        '- uses: owner/oci-artifact-action@v1',
        '  with:',
        '    command: pull',
        '    registry: 127.0.0.1:5000',
        `    reference: team/app@${digest}`,
        '    plain-http: true',
        '    ca-file: "/etc/my ca.pem"',
        '```',
      ].join('\n'),
    );
  });

  it('offers no pull step after a layout push, and says when there are no files', () => {
    const markdown = pushSummaryMarkdown(
      summary({
        name: 'out/my layout',
        reference: `out/my layout@${digest}`,
        tags: [],
        files: [],
        pullWith: undefined,
      }),
    );
    expect(markdown).toContain('### Pushed <code>my layout:v1</code>');
    expect(markdown).toContain('- **Tags:** none (by digest only)');
    expect(markdown).toContain('- **Files:** none: the manifest alone');
    expect(markdown).not.toContain('| File |');
    // A later job does not have this runner's folder: no step that would point at it.
    expect(markdown).not.toContain('command: pull');
    expect(markdown).not.toContain('```');
  });

  it('names the subject in the heading of an attach', () => {
    const subject = `sha256:${'d'.repeat(64)}`;
    const markdown = pushSummaryMarkdown(
      summary({
        verb: 'Attached',
        tag: undefined,
        tags: [],
        subject: `127.0.0.1:5000/team/app@${subject}`,
      }),
    );
    expect(markdown).toContain('### Attached to <code>app@sha256:dddddddddddd…</code>\n');
    expect(markdown).toContain(`- **Subject:** <code>127.0.0.1:5000/team/app@${subject}</code>`);
  });

  it('lists at most 200 files and points to the files output for the rest', () => {
    const files = Array.from({ length: 5000 }, (_, i) => file(`f/${i}.txt`, 10));
    const markdown = pushSummaryMarkdown(summary({ files }));
    expect(markdown).toContain('- **Files:** 5000 (49 KiB)');
    expect(markdown).toContain('| <code>f/<wbr>199.txt</code> |');
    expect(markdown).not.toContain('| <code>f/<wbr>200.txt</code> |');
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

  it('writes facts as a list under a heading, which needs no header row', () => {
    expect(factsMarkdown('Resolved <code>app:v1</code>', [['Size', '1 KiB']])).toEqual([
      '### Resolved <code>app:v1</code>',
      '',
      '- **Size:** 1 KiB',
      '',
    ]);
  });

  it('names a repository or folder in a heading by its last segment, with tag or short digest', () => {
    expect(headingName('ghcr.io/octo-org/app/build', 'v1')).toBe('build:v1');
    expect(headingName('ghcr.io/octo-org/app/build', `sha256:${'e'.repeat(64)}`)).toBe(
      'build@sha256:eeeeeeeeeeee…',
    );
    expect(headingName('out/layout/')).toBe('layout');
    expect(headingName('C:\\work\\layout', 'v2')).toBe('layout:v2');
  });

  it('lets a table cell wrap after / and =, escaping first; shortens digests', () => {
    expect(wrappingCode('a/b=<c>')).toBe('<code>a/<wbr>b=<wbr>&#60;c&#62;</code>');
    expect(wrappingCode('trailing/')).toBe('<code>trailing/</code>');
    expect(shortDigestCode(`sha256:${'f'.repeat(64)}`)).toBe('<code>sha256:ffffffffffff…</code>');
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
