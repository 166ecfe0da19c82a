import { actionUses, pushSummaryMarkdown } from '../../src/action/summary/push.js';

const digest = `sha256:${'a'.repeat(64)}`;

describe('push job summary', () => {
  it('shows reference, digest, tags, files and a pull step for this exact digest', () => {
    const markdown = pushSummaryMarkdown({
      verb: 'Pushed',
      target: '127.0.0.1:5000/app:v1',
      reference: `127.0.0.1:5000/app@${digest}`,
      digest,
      artifactType: 'application/x.build',
      tags: ['v1', 'latest'],
      files: [
        {
          title: 'a|<b>.txt',
          path: '/w/a|<b>.txt',
          mediaType: 'text/plain',
          digest: `sha256:${'c'.repeat(64)}`,
          size: 1536,
        },
      ],
      pull: { registry: '127.0.0.1:5000', reference: `app@${digest}` },
      uses: 'owner/oci-artifact-action@v1',
    });
    expect(markdown).toContain('### Pushed <code>127.0.0.1:5000/app:v1</code>');
    expect(markdown).toContain(`| Reference | <code>127.0.0.1:5000/app@${digest}</code> |`);
    expect(markdown).toContain('| Tags | <code>v1</code> <code>latest</code> |');
    expect(markdown).toContain(
      `| <code>a\\|&lt;b&gt;.txt</code> | <code>text/plain</code> | 1.5 KiB | <code>sha256:cccccccccccc</code> |`,
    );
    expect(markdown).toContain(
      [
        '```yaml',
        '- uses: owner/oci-artifact-action@v1',
        '  with:',
        '    command: pull',
        '    registry: 127.0.0.1:5000',
        `    reference: app@${digest}`,
        '```',
      ].join('\n'),
    );
  });

  it('names the layout folder in the pull step of a layout push', () => {
    const markdown = pushSummaryMarkdown({
      verb: 'Pushed',
      target: 'out/my layout:latest',
      reference: `out/my layout@${digest}`,
      digest,
      artifactType: 'application/vnd.unknown.artifact.v1',
      tags: [],
      files: [],
      pull: { layout: 'out/my layout', reference: digest },
      uses: actionUses({}),
    });
    expect(markdown).toContain('| Tags | none (by digest only) |');
    expect(markdown).toContain('No files: the manifest alone.');
    expect(markdown).toContain('- uses: oci-artifact-action@main\n');
    expect(markdown).toContain('    layout: "out/my layout"\n');
    expect(markdown).toContain(`    reference: ${digest}\n`);
  });
});
