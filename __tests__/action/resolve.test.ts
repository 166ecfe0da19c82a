import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { OciLayout } from '../../src/oci/layout/store.js';
import { startRegistry, type Registry } from '../support/registry.js';
import { makeTempDir } from '../support/temp.js';
import { artifact, indexOf, pushGraph } from '../oci/layout/content.js';
import { actionRunner, failure, seed } from './registry-support.js';

describe('command: resolve (bundled action, real registry)', () => {
  let registry: Registry;
  let temp: { path: string; remove: () => Promise<void> };
  const { act, cleanup } = actionRunner();
  beforeAll(async () => {
    registry = await startRegistry();
    temp = await makeTempDir('oci-resolve-');
  });
  afterAll(async () => {
    await registry?.stop();
    await temp?.remove();
    await cleanup();
  });

  it('outputs digest, pinned reference, media type and size without reading any blob', async () => {
    const graph = await seed(registry, 'team/app', artifact({ 'a.txt': 'resolve me' }), 'v1');
    // With the blobs gone from the registry's storage, only a manifest-only resolve succeeds.
    for (const blob of graph.blobs) await rm(registry.blobPath(blob.descriptor.digest));
    const { digest, mediaType, size } = graph.root.descriptor;

    const result = await act({
      command: 'resolve',
      registry: registry.host,
      reference: 'team/app:v1',
    });
    expect(result.exitCode).toBe(0);
    expect(result.outputs).toEqual({
      digest,
      reference: `${registry.host}/team/app@${digest}`,
      'media-type': mediaType,
      size: String(size),
    });
    expect(result.stdout).toContain(`::group::Resolve ${registry.host}/team/app:v1`);
    expect(result.summary).toContain(`| Digest | <code>${digest}</code> |`);

    const byDigest = await act({
      command: 'resolve',
      reference: `${registry.host}/team/app@${digest}`,
    });
    expect(byDigest.outputs['digest']).toBe(digest);
  });

  it('resolves an index, and `latest` when no tag is given', async () => {
    const index = await seed(
      registry,
      'team/multi',
      indexOf([artifact({ 'a.txt': '1' }), artifact({ 'b.txt': '2' })]),
      'latest',
    );
    const result = await act({
      command: 'resolve',
      registry: registry.host,
      reference: 'team/multi',
    });
    expect(result.outputs['digest']).toBe(index.root.descriptor.digest);
    expect(result.outputs['media-type']).toBe('application/vnd.oci.image.index.v1+json');
  });

  it('resolves a tag in a layout folder', async () => {
    const dir = join(temp.path, 'layout');
    const graph = artifact({ 'l.txt': 'layout' });
    await pushGraph(await OciLayout.open(dir, { create: true }), graph, 'v3');
    const result = await act({ command: 'resolve', layout: dir, reference: 'v3' });
    expect(result.exitCode).toBe(0);
    expect(result.outputs['reference']).toBe(`${dir}@${graph.root.descriptor.digest}`);
  });

  it('fails clearly for an unknown tag, repository or digest', async () => {
    await seed(registry, 'team/known', artifact({ 'k.txt': 'k' }), 'v1');
    const tag = failure(
      await act({ command: 'resolve', registry: registry.host, reference: 'team/known:nope' }),
    );
    expect(tag).toBe(
      `${registry.host}/team/known:nope not found: the repository has no tag "nope" (its tags: v1): ` +
        `fetch manifest ${registry.host}/team/known:nope failed (HTTP 404): MANIFEST_UNKNOWN: manifest unknown`,
    );
    const repo = failure(
      await act({ command: 'resolve', registry: registry.host, reference: 'no/such:v1' }),
    );
    expect(repo).toMatch(
      new RegExp(
        `^${registry.host}/no/such:v1 not found: the repository ${registry.host}/no/such does not exist`,
      ),
    );
    const digest = `sha256:${'b'.repeat(64)}`;
    expect(
      failure(
        await act({
          command: 'resolve',
          registry: registry.host,
          reference: `team/known@${digest}`,
        }),
      ),
    ).toMatch(
      new RegExp(
        `^${registry.host}/team/known@${digest} not found: the repository has no manifest with that digest`,
      ),
    );
    expect(
      failure(
        await act({
          command: 'resolve',
          registry: registry.host,
          reference: 'team/known@sha256:12',
        }),
      ),
    ).toContain('Input "reference": got "team/known@sha256:12"');
  });
});
