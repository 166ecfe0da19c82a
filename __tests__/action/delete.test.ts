import { join } from 'node:path';
import { OciLayout } from '../../src/oci/layout/store.js';
import { artifact, pushGraph } from '../oci/content.js';
import { repository, seed, useRegistries } from './registry-support.js';

describe('command: delete (bundled action, real registry)', () => {
  const fx = useRegistries([{}, { deleteEnabled: false }]);

  it('deletes a manifest by tag, and with it every tag that pointed at it', async () => {
    const graph = await seed(fx.registry, 'team/app', artifact({ 'a.txt': 'doomed' }), 'v1');
    const repo = repository(fx.registry, 'team/app');
    await repo.tag(graph.root.descriptor, 'also');
    const result = await fx.act({
      command: 'delete',
      registry: fx.registry.host,
      reference: 'team/app:v1',
    });
    expect(result.exitCode).toBe(0);
    expect(result.outputs).toEqual({ digest: graph.root.descriptor.digest });
    expect(result.stdout).toContain(`::group::Delete ${fx.registry.host}/team/app:v1`);
    expect(result.stdout).toContain(
      `Deleted ${fx.registry.host}/team/app@${graph.root.descriptor.digest}`,
    );
    expect(result.summary).toContain(
      `### Deleted <code>app:v1</code>\n\n- **Reference:** <code>${fx.registry.host}/team/app:v1</code>`,
    );
    await expect(repo.resolve('v1')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(repo.resolve('also')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('deletes by digest', async () => {
    const graph = await seed(fx.registry, 'team/other', artifact({ 'b.txt': 'b' }), 'v1');
    const digest = graph.root.descriptor.digest;
    const result = await fx.act({
      command: 'delete',
      reference: `${fx.registry.host}/team/other@${digest}`,
    });
    expect(result.exitCode).toBe(0);
    expect(await repository(fx.registry, 'team/other').exists(graph.root.descriptor)).toBe(false);
  });

  it('deletes from a layout folder, leaving its other manifests', async () => {
    const dir = join(fx.temp, 'layout');
    const layout = await OciLayout.open(dir, { create: true });
    const doomed = artifact({ 'd.txt': 'doomed' });
    const kept = artifact({ 'k.txt': 'kept' });
    await pushGraph(layout, doomed, 'old');
    await pushGraph(layout, kept, 'new');
    const result = await fx.act({ command: 'delete', layout: dir, reference: 'old' });
    expect(result.exitCode).toBe(0);
    expect(result.outputs['digest']).toBe(doomed.root.descriptor.digest);
    expect(await layout.tags()).toEqual(['new']);
  });

  it('says that deletion is disabled, and leaves the manifest', async () => {
    const locked = fx.registries[1]!;
    const graph = await seed(locked, 'team/app', artifact({ 'c.txt': 'kept' }), 'v1');
    const message = await fx.fail({
      command: 'delete',
      registry: locked.host,
      reference: 'team/app:v1',
    });
    expect(message).toMatch(
      new RegExp(
        `^delete manifest ${locked.host}/team/app@${graph.root.descriptor.digest} failed \\(HTTP 405\\): UNSUPPORTED`,
      ),
    );
    expect(message).toMatch(
      new RegExp(
        `deletion is disabled on this registry \\(${locked.host}\\); an administrator must enable it$`,
      ),
    );
    expect((await repository(locked, 'team/app').resolve('v1')).digest).toBe(
      graph.root.descriptor.digest,
    );
  });

  it('refuses to guess what to delete', async () => {
    expect(
      await fx.fail({ command: 'delete', registry: fx.registry.host, reference: 'team/app' }),
    ).toBe(
      'Input "reference": got "team/app"; expected the tag or digest of the manifest to delete, such as repo:tag or repo@sha256:… (delete never assumes latest)',
    );
  });
});
