import { startRegistry, type Registry } from '../support/registry.js';
import { artifact } from '../oci/layout/content.js';
import { actionRunner, failure, repository, seed } from './registry-support.js';

describe('command: delete (bundled action, real registry)', () => {
  let registry: Registry;
  let locked: Registry;
  const { act, cleanup } = actionRunner();
  beforeAll(async () => {
    [registry, locked] = await Promise.all([
      startRegistry(),
      startRegistry({ deleteEnabled: false }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([registry?.stop(), locked?.stop()]);
    await cleanup();
  });

  it('deletes a manifest by tag, and with it every tag that pointed at it', async () => {
    const graph = await seed(registry, 'team/app', artifact({ 'a.txt': 'doomed' }), 'v1');
    const repo = repository(registry, 'team/app');
    await repo.tag(graph.root.descriptor, 'also');
    const result = await act({
      command: 'delete',
      registry: registry.host,
      reference: 'team/app:v1',
    });
    expect(result.exitCode).toBe(0);
    expect(result.outputs['digest']).toBe(graph.root.descriptor.digest);
    expect(result.stdout).toContain(
      `Deleted ${registry.host}/team/app@${graph.root.descriptor.digest}`,
    );
    expect(result.summary).toContain('### Deleted <code>');
    await expect(repo.resolve('v1')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(repo.resolve('also')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('deletes by digest', async () => {
    const graph = await seed(registry, 'team/other', artifact({ 'b.txt': 'b' }), 'v1');
    const digest = graph.root.descriptor.digest;
    const result = await act({
      command: 'delete',
      reference: `${registry.host}/team/other@${digest}`,
    });
    expect(result.exitCode).toBe(0);
    expect(await repository(registry, 'team/other').exists(graph.root.descriptor)).toBe(false);
  });

  it('says that deletion is disabled, and leaves the manifest', async () => {
    const graph = await seed(locked, 'team/app', artifact({ 'c.txt': 'kept' }), 'v1');
    const message = failure(
      await act({ command: 'delete', registry: locked.host, reference: 'team/app:v1' }),
    );
    expect(message).toContain(
      `delete manifest ${locked.host}/team/app@${graph.root.descriptor.digest} failed (HTTP 405)`,
    );
    expect(message).toContain('UNSUPPORTED');
    expect(message).toContain('deletion is disabled on this registry');
    expect((await repository(locked, 'team/app').resolve('v1')).digest).toBe(
      graph.root.descriptor.digest,
    );
  });

  it('refuses to guess what to delete, and fails clearly for an unknown tag', async () => {
    expect(
      failure(await act({ command: 'delete', registry: registry.host, reference: 'team/app' })),
    ).toBe(
      'Input "reference": got "team/app"; expected the tag or digest of the manifest to delete, such as repo:tag or repo@sha256:… (delete never assumes latest)',
    );
    expect(
      failure(
        await act({ command: 'delete', registry: registry.host, reference: 'team/app:nope' }),
      ),
    ).toContain(`${registry.host}/team/app:nope not found`);
  });
});
