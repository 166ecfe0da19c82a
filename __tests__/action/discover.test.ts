import { join } from 'node:path';
import { OciLayout } from '../../src/oci/layout/store.js';
import { startRegistry, type Registry } from '../support/registry.js';
import { makeTempDir } from '../support/temp.js';
import { artifact, pushGraph } from '../oci/layout/content.js';
import { actionRunner, attachTo, failure, seed } from './registry-support.js';

describe('command: discover (bundled action, real registry without a referrers API)', () => {
  let registry: Registry;
  let temp: { path: string; remove: () => Promise<void> };
  const { act, cleanup } = actionRunner();
  beforeAll(async () => {
    registry = await startRegistry();
    temp = await makeTempDir('oci-discover-');
  });
  afterAll(async () => {
    await registry?.stop();
    await temp?.remove();
    await cleanup();
  });

  it('outputs the referrers found through the tag schema, filtered by artifact type', async () => {
    const subject = await seed(registry, 'team/app', artifact({ 'app.bin': 'app' }), 'v1');
    const sbom = await attachTo(registry, 'team/app', subject, 'application/spdx+json', {
      'org.example.kind': 'sbom',
    });
    const sig = await attachTo(registry, 'team/app', subject, 'application/vnd.example.sig');

    const result = await act({
      command: 'discover',
      registry: registry.host,
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
    expect(result.stdout).toContain('2 referrers');
    expect(result.summary).toContain('<code>application/spdx+json</code>');

    const filtered = await act({
      command: 'discover',
      registry: registry.host,
      reference: `team/app@${subject.root.descriptor.digest}`,
      'artifact-type': 'application/spdx+json',
    });
    expect(JSON.parse(filtered.outputs['referrers']!)).toEqual(
      expected.filter((r) => r.artifactType === 'application/spdx+json'),
    );
  });

  it('outputs an empty list when nothing refers to the manifest', async () => {
    await seed(registry, 'team/lonely', artifact({ 'l.txt': 'alone' }), 'v1');
    const result = await act({
      command: 'discover',
      registry: registry.host,
      reference: 'team/lonely:v1',
    });
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.outputs['referrers']!)).toEqual([]);
  });

  it('discovers referrers inside a layout folder', async () => {
    const dir = join(temp.path, 'layout');
    const layout = await OciLayout.open(dir, { create: true });
    const subject = artifact({ 's.txt': 's' });
    await pushGraph(layout, subject, 'v1');
    const referrer = artifact(
      { 'r.txt': 'r' },
      { artifactType: 'application/vnd.example.note', subject: subject.root.descriptor },
    );
    await pushGraph(layout, referrer);
    const result = await act({ command: 'discover', layout: dir, reference: 'v1' });
    expect(JSON.parse(result.outputs['referrers']!)).toEqual([
      expect.objectContaining({
        digest: referrer.root.descriptor.digest,
        artifactType: 'application/vnd.example.note',
      }),
    ]);
  });

  it('fails clearly for an unknown subject or a malformed artifact type', async () => {
    expect(
      failure(
        await act({ command: 'discover', registry: registry.host, reference: 'team/app:gone' }),
      ),
    ).toContain(`${registry.host}/team/app:gone not found`);
    expect(
      failure(
        await act({
          command: 'discover',
          registry: registry.host,
          reference: 'team/app:v1',
          'artifact-type': 'not a type',
        }),
      ),
    ).toContain('Input "artifact-type": got "not a type"');
  });
});
