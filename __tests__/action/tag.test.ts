import { join } from 'node:path';
import { OciLayout } from '../../src/oci/layout/store.js';
import { artifact, pushGraph } from '../oci/content.js';
import { repository, seed, useRegistries } from './registry-support.js';

describe('command: tag (bundled action, real registry)', () => {
  const fx = useRegistries();

  it('tags a manifest with each line of `tags` and outputs the full references', async () => {
    const graph = await seed(fx.registry, 'team/app', artifact({ 'a.txt': 'a' }), 'rc1');
    const result = await fx.act({
      command: 'tag',
      registry: fx.registry.host,
      reference: 'team/app:rc1',
      tags: 'v1.0.0\n# a comment\nstable\nv1.0.0\n',
    });
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.outputs['tags']!)).toEqual([
      `${fx.registry.host}/team/app:v1.0.0`,
      `${fx.registry.host}/team/app:stable`,
    ]);
    expect(result.outputs['digest']).toBe(graph.root.descriptor.digest);
    expect(result.outputs['reference']).toBe(
      `${fx.registry.host}/team/app@${graph.root.descriptor.digest}`,
    );
    const repo = repository(fx.registry, 'team/app');
    expect(await repo.tags()).toEqual(['rc1', 'stable', 'v1.0.0']);
    expect((await repo.resolve('stable')).digest).toBe(graph.root.descriptor.digest);
    expect(result.stdout).toContain(`::group::Tag ${fx.registry.host}/team/app:rc1`);
    expect(result.stdout).toContain(`Tagged ${fx.registry.host}/team/app:stable`);
    expect(result.summary).toContain(`<code>${fx.registry.host}/team/app:stable</code>`);
  });

  it('tags by digest in a layout folder', async () => {
    const dir = join(fx.temp, 'layout');
    const layout = await OciLayout.open(dir, { create: true });
    const graph = artifact({ 'l.txt': 'l' });
    await pushGraph(layout, graph);
    const result = await fx.act({
      command: 'tag',
      layout: dir,
      reference: graph.root.descriptor.digest,
      tags: 'one\ntwo',
    });
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.outputs['tags']!)).toEqual([`${dir}:one`, `${dir}:two`]);
    expect(await layout.tags()).toEqual(['one', 'two']);
  });

  it('checks every tag before tagging anything', async () => {
    await seed(fx.registry, 'team/strict', artifact({ 's.txt': 's' }), 'v1');
    const inputs = { command: 'tag', registry: fx.registry.host, reference: 'team/strict:v1' };
    expect(await fx.fail({ ...inputs, tags: 'good\n-bad' })).toContain(
      'Input "tags": got "-bad"; expected a tag',
    );
    expect(await fx.fail(inputs)).toContain(
      'Input "tags": nothing was given; expected one or more tags',
    );
    expect(await repository(fx.registry, 'team/strict').tags()).toEqual(['v1']);
  });
});
