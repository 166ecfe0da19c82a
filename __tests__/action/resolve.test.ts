import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { OciLayout } from '../../src/oci/layout/store.js';
import { artifact, indexOf, pushGraph } from '../oci/content.js';
import { seed, useRegistries } from './registry-support.js';

describe('command: resolve (bundled action, real registry)', () => {
  const fx = useRegistries();

  it('outputs digest, pinned reference, media type and size without reading any blob', async () => {
    const graph = await seed(fx.registry, 'team/app', artifact({ 'a.txt': 'resolve me' }), 'v1');
    // With the blobs gone from the registry's storage, only a manifest-only resolve succeeds.
    for (const blob of graph.blobs) await rm(fx.registry.blobPath(blob.descriptor.digest));
    const { digest, mediaType, size } = graph.root.descriptor;

    const result = await fx.act({
      command: 'resolve',
      registry: fx.registry.host,
      reference: 'team/app:v1',
    });
    expect(result.exitCode).toBe(0);
    expect(result.outputs).toEqual({
      digest,
      reference: `${fx.registry.host}/team/app@${digest}`,
      'media-type': mediaType,
      size: String(size),
    });
    expect(result.stdout).toContain(`::group::Resolve ${fx.registry.host}/team/app:v1`);
    expect(result.summary).toContain(`- **Digest:** <code>${digest}</code>`);

    const byDigest = await fx.act({
      command: 'resolve',
      reference: `${fx.registry.host}/team/app@${digest}`,
    });
    expect(byDigest.outputs['digest']).toBe(digest);
  });

  it('resolves an index, and `latest` when no tag is given', async () => {
    const index = await seed(
      fx.registry,
      'team/multi',
      indexOf([artifact({ 'a.txt': '1' }), artifact({ 'b.txt': '2' })]),
      'latest',
    );
    const result = await fx.act({
      command: 'resolve',
      registry: fx.registry.host,
      reference: 'team/multi',
    });
    expect(result.outputs['digest']).toBe(index.root.descriptor.digest);
    expect(result.outputs['media-type']).toBe('application/vnd.oci.image.index.v1+json');
  });

  it('resolves a tag in a layout folder', async () => {
    const dir = join(fx.temp, 'layout');
    const graph = artifact({ 'l.txt': 'layout' });
    await pushGraph(await OciLayout.open(dir, { create: true }), graph, 'v3');
    const result = await fx.act({ command: 'resolve', layout: dir, reference: 'v3' });
    expect(result.exitCode).toBe(0);
    expect(result.outputs['reference']).toBe(`${dir}@${graph.root.descriptor.digest}`);
  });

  it('fails clearly for an unknown digest or a malformed one', async () => {
    await seed(fx.registry, 'team/known', artifact({ 'k.txt': 'k' }), 'v1');
    const digest = `sha256:${'b'.repeat(64)}`;
    expect(
      await fx.fail({
        command: 'resolve',
        registry: fx.registry.host,
        reference: `team/known@${digest}`,
      }),
    ).toMatch(
      new RegExp(
        `^${fx.registry.host}/team/known@${digest} not found: the repository has no manifest with that digest`,
      ),
    );
    expect(
      await fx.fail({
        command: 'resolve',
        registry: fx.registry.host,
        reference: 'team/known@sha256:12',
      }),
    ).toContain('Input "reference": got "team/known@sha256:12"');
  });
});
