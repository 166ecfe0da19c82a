import { join } from 'node:path';
import { OciLayout } from '../../src/oci/layout/store.js';
import { artifact, pushGraph } from '../oci/content.js';
import { attachTo, seed, useRegistries } from './registry-support.js';

describe('command: discover (bundled action, real registry without a referrers API)', () => {
  const fx = useRegistries();

  it('outputs the referrers found through the tag schema, filtered by artifact type', async () => {
    const subject = await seed(fx.registry, 'team/app', artifact({ 'app.bin': 'app' }), 'v1');
    const sbom = await attachTo(fx.registry, 'team/app', subject, 'application/spdx+json', {
      'org.example.kind': 'sbom',
    });
    const sig = await attachTo(fx.registry, 'team/app', subject, 'application/vnd.example.sig');

    const result = await fx.act({
      command: 'discover',
      registry: fx.registry.host,
      reference: 'team/app:v1',
    });
    expect(result.exitCode).toBe(0);
    const expected = [
      {
        digest: sbom.root.descriptor.digest,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        artifactType: 'application/spdx+json',
        size: sbom.root.descriptor.size,
        annotations: { 'org.example.kind': 'sbom' },
      },
      {
        digest: sig.root.descriptor.digest,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        artifactType: 'application/vnd.example.sig',
        size: sig.root.descriptor.size,
        annotations: {},
      },
    ].sort((a, b) => a.digest.localeCompare(b.digest));
    expect(JSON.parse(result.outputs['referrers']!)).toEqual(expected);
    expect(result.stdout).toContain(
      `::group::Discover referrers of ${fx.registry.host}/team/app:v1`,
    );
    expect(result.stdout).toContain('2 referrers');
    expect(result.summary).toContain('<code>application/<wbr>spdx+json</code>');
    expect(result.summary).toContain('<code>org.example.kind=<wbr>sbom</code>');
    // Short digests in the table, the full references below it to copy from.
    for (const referrer of expected) {
      expect(result.summary).toContain(`<code>${referrer.digest.slice(0, 19)}…</code>`);
      expect(result.summary).toContain(`\n${fx.registry.host}/team/app@${referrer.digest}\n`);
    }

    const filtered = await fx.act({
      command: 'discover',
      registry: fx.registry.host,
      reference: `team/app@${subject.root.descriptor.digest}`,
      'artifact-type': 'application/spdx+json',
    });
    expect(JSON.parse(filtered.outputs['referrers']!)).toEqual(
      expected.filter((r) => r.artifactType === 'application/spdx+json'),
    );
    expect(filtered.summary).toContain(
      '- **Artifact type filter:** <code>application/spdx+json</code>',
    );
  });

  it('outputs an empty list when nothing refers to the manifest', async () => {
    await seed(fx.registry, 'team/lonely', artifact({ 'l.txt': 'alone' }), 'v1');
    const result = await fx.act({
      command: 'discover',
      registry: fx.registry.host,
      reference: 'team/lonely:v1',
    });
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.outputs['referrers']!)).toEqual([]);
    expect(result.stdout).toContain('0 referrers');
  });

  it('discovers referrers inside a layout folder', async () => {
    const dir = join(fx.temp, 'layout');
    const layout = await OciLayout.open(dir, { create: true });
    const subject = artifact({ 's.txt': 's' });
    await pushGraph(layout, subject, 'v1');
    const referrer = artifact(
      { 'r.txt': 'r' },
      { artifactType: 'application/vnd.example.note', subject: subject.root.descriptor },
    );
    await pushGraph(layout, referrer);
    const result = await fx.act({ command: 'discover', layout: dir, reference: 'v1' });
    expect(JSON.parse(result.outputs['referrers']!)).toEqual([
      expect.objectContaining({
        digest: referrer.root.descriptor.digest,
        artifactType: 'application/vnd.example.note',
      }),
    ]);
  });

  it('names the artifact-type input when it is malformed', async () => {
    expect(
      await fx.fail({
        command: 'discover',
        registry: fx.registry.host,
        reference: 'team/app:v1',
        'artifact-type': 'not a type',
      }),
    ).toBe(
      'Input "artifact-type": got "not a type"; expected a media type type/subtype, such as application/spdx+json',
    );
  });
});
