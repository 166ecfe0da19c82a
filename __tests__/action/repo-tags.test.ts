import { join } from 'node:path';
import { OciLayout } from '../../src/oci/layout/store.js';
import { startRegistry, type Registry } from '../support/registry.js';
import { makeTempDir } from '../support/temp.js';
import { artifact, pushGraph } from '../oci/layout/content.js';
import { actionRunner, attachTo, failure, repository, seed } from './registry-support.js';

describe('command: repo-tags (bundled action, real registry)', () => {
  let registry: Registry;
  let temp: { path: string; remove: () => Promise<void> };
  const { act, cleanup } = actionRunner();
  beforeAll(async () => {
    registry = await startRegistry();
    temp = await makeTempDir('oci-repo-tags-');
  });
  afterAll(async () => {
    await registry?.stop();
    await temp?.remove();
    await cleanup();
  });

  it('lists tags sorted, leaving out referrer-index tags unless asked', async () => {
    const subject = await seed(registry, 'team/app', artifact({ 'a.txt': 'a' }), 'v2');
    const repo = repository(registry, 'team/app');
    await repo.tag(subject.root.descriptor, 'v10');
    await repo.tag(subject.root.descriptor, 'latest');
    await attachTo(registry, 'team/app', subject, 'application/spdx+json');
    const digestTag = `sha256-${subject.root.descriptor.digest.slice(7)}`;
    expect(await repo.tags()).toContain(digestTag);

    const result = await act({
      command: 'repo-tags',
      registry: registry.host,
      reference: 'team/app',
    });
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.outputs['tags']!)).toEqual(['latest', 'v10', 'v2']);
    expect(result.stdout).toContain('1 referrer-index tag left out');
    expect(result.summary).toContain('### Tags of <code>');

    const all = await act({
      command: 'repo-tags',
      reference: `${registry.host}/team/app`,
      'include-digest-tags': 'true',
    });
    expect(JSON.parse(all.outputs['tags']!)).toEqual(['latest', digestTag, 'v10', 'v2']);
  });

  it('lists the tags of a layout folder', async () => {
    const dir = join(temp.path, 'layout');
    const layout = await OciLayout.open(dir, { create: true });
    await pushGraph(layout, artifact({ 'x.txt': 'x' }), 'b');
    await layout.tag(await layout.resolve('b'), 'a');
    const result = await act({ command: 'repo-tags', layout: dir });
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.outputs['tags']!)).toEqual(['a', 'b']);
  });

  it('fails clearly for an unknown repository, a tag in the reference, or a missing layout', async () => {
    const unknown = failure(
      await act({ command: 'repo-tags', registry: registry.host, reference: 'no/such' }),
    );
    expect(unknown).toContain(
      `list tags of ${registry.host}/no/such failed (HTTP 404): NAME_UNKNOWN`,
    );
    expect(
      failure(
        await act({ command: 'repo-tags', registry: registry.host, reference: 'team/app:v2' }),
      ),
    ).toBe(
      'Input "reference": got "team/app:v2"; expected a repository without tag or digest, such as org/app',
    );
    const missing = join(temp.path, 'nowhere');
    expect(failure(await act({ command: 'repo-tags', layout: missing }))).toBe(
      `OCI layout ${missing}: no such folder`,
    );
  });
});
