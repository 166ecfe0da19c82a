import { join } from 'node:path';
import { OciLayout } from '../../src/oci/layout/store.js';
import { startRegistry, type Registry } from '../support/registry.js';
import { makeTempDir } from '../support/temp.js';
import { artifact, pushGraph } from '../oci/layout/content.js';
import { actionRunner, failure, repository, seed } from './registry-support.js';

describe('command: tag (bundled action, real registry)', () => {
  let registry: Registry;
  let temp: { path: string; remove: () => Promise<void> };
  const { act, cleanup } = actionRunner();
  beforeAll(async () => {
    registry = await startRegistry();
    temp = await makeTempDir('oci-tag-');
  });
  afterAll(async () => {
    await registry?.stop();
    await temp?.remove();
    await cleanup();
  });

  it('tags a manifest with each line of `tags` and outputs the full references', async () => {
    const graph = await seed(registry, 'team/app', artifact({ 'a.txt': 'a' }), 'rc1');
    const result = await act({
      command: 'tag',
      registry: registry.host,
      reference: 'team/app:rc1',
      tags: 'v1.0.0\n# a comment\nstable\nv1.0.0\n',
    });
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.outputs['tags']!)).toEqual([
      `${registry.host}/team/app:v1.0.0`,
      `${registry.host}/team/app:stable`,
    ]);
    expect(result.outputs['digest']).toBe(graph.root.descriptor.digest);
    const repo = repository(registry, 'team/app');
    expect(await repo.tags()).toEqual(['rc1', 'stable', 'v1.0.0']);
    expect((await repo.resolve('stable')).digest).toBe(graph.root.descriptor.digest);
    expect(result.stdout).toContain(`Tagged ${registry.host}/team/app:stable`);
    expect(result.summary).toContain(`<code>${registry.host}/team/app:stable</code>`);
  });

  it('tags by digest in a layout folder', async () => {
    const dir = join(temp.path, 'layout');
    const layout = await OciLayout.open(dir, { create: true });
    const graph = artifact({ 'l.txt': 'l' });
    await pushGraph(layout, graph);
    const result = await act({
      command: 'tag',
      layout: dir,
      reference: graph.root.descriptor.digest,
      tags: 'one\ntwo',
    });
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.outputs['tags']!)).toEqual([`${dir}:one`, `${dir}:two`]);
    expect(await layout.tags()).toEqual(['one', 'two']);
  });

  it('checks every tag before tagging anything, and fails for an unknown source', async () => {
    await seed(registry, 'team/strict', artifact({ 's.txt': 's' }), 'v1');
    const bad = failure(
      await act({
        command: 'tag',
        registry: registry.host,
        reference: 'team/strict:v1',
        tags: 'good\n-bad',
      }),
    );
    expect(bad).toContain('Input "tags": got "-bad"; expected a tag');
    expect(await repository(registry, 'team/strict').tags()).toEqual(['v1']);
    expect(
      failure(await act({ command: 'tag', registry: registry.host, reference: 'team/strict:v1' })),
    ).toContain('Input "tags": nothing was given; expected one or more tags');
    const unknown = failure(
      await act({
        command: 'tag',
        registry: registry.host,
        reference: 'team/strict:missing',
        tags: 'x',
      }),
    );
    expect(unknown).toContain(`${registry.host}/team/strict:missing not found`);
    expect(await repository(registry, 'team/strict').tags()).toEqual(['v1']);
  });
});
