import { join } from 'node:path';
import { OciLayout } from '../../src/oci/layout/store.js';
import { artifact, pushGraph } from '../oci/content.js';
import { startFaultProxy } from '../support/fault-proxy.js';
import { attachTo, repository, seed, useRegistries } from './registry-support.js';

describe('command: repo-tags (bundled action, real registry)', () => {
  const fx = useRegistries();

  it('lists tags sorted, leaving out referrer-index tags unless asked', async () => {
    const subject = await seed(fx.registry, 'team/app', artifact({ 'a.txt': 'a' }), 'v2');
    const repo = repository(fx.registry, 'team/app');
    await repo.tag(subject.root.descriptor, 'v10');
    await repo.tag(subject.root.descriptor, 'latest');
    await attachTo(fx.registry, 'team/app', subject, 'application/spdx+json');
    const digestTag = `sha256-${subject.root.descriptor.digest.slice(7)}`;
    expect(await repo.tags()).toContain(digestTag);

    const result = await fx.act({
      command: 'repo-tags',
      registry: fx.registry.host,
      reference: 'team/app',
    });
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.outputs['tags']!)).toEqual(['latest', 'v10', 'v2']);
    expect(result.stdout).toContain(`::group::List tags of ${fx.registry.host}/team/app`);
    expect(result.stdout).toContain('1 referrer-index tag left out');
    expect(result.summary).toContain(
      `### Tags of <code>app</code>\n\n- **Repository:** <code>${fx.registry.host}/team/app</code>`,
    );
    expect(result.summary).toContain('| <code>v10</code> |');

    const all = await fx.act({
      command: 'repo-tags',
      reference: `${fx.registry.host}/team/app`,
      'include-digest-tags': 'true',
    });
    expect(JSON.parse(all.outputs['tags']!)).toEqual(['latest', digestTag, 'v10', 'v2']);
  });

  it('outputs an empty list for a repository that holds only untagged manifests', async () => {
    // distribution answers NAME_UNKNOWN here, as for a repository that does not exist.
    await seed(fx.registry, 'team/untagged', artifact({ 'u.txt': 'by digest only' }));
    await expect(repository(fx.registry, 'team/untagged').tags()).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    const result = await fx.act({
      command: 'repo-tags',
      registry: fx.registry.host,
      reference: 'team/untagged',
    });
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.outputs['tags']!)).toEqual([]);
    expect(result.stdout).toContain(
      `0 tags: ${fx.registry.host}/team/untagged holds only untagged manifests`,
    );
    expect(result.summary).toContain('- **Tags:** 0');
  });

  it('says that an unknown repository does not exist', async () => {
    expect(
      await fx.fail({ command: 'repo-tags', registry: fx.registry.host, reference: 'no/such' }),
    ).toBe(
      `Cannot list the tags of ${fx.registry.host}/no/such: the repository does not exist (the registry does not know the name, and its catalog does not list it): ` +
        `list tags of ${fx.registry.host}/no/such failed (HTTP 404): NAME_UNKNOWN: repository name not known to registry`,
    );
  });

  it('says it cannot tell a missing repository from an untagged one when the catalog is closed', async () => {
    const proxy = fx.stopAfter(await startFaultProxy(fx.registry.url));
    proxy.setRules([{ path: /^\/v2\/_catalog/, fault: { kind: 'status', status: 404 } }]);
    await seed(fx.registry, 'team/hidden', artifact({ 'h.txt': 'by digest only' }));
    for (const reference of ['team/hidden', 'no/such']) {
      expect(await fx.fail({ command: 'repo-tags', registry: proxy.host, reference })).toContain(
        `Cannot list the tags of ${proxy.host}/${reference}: the registry knows no tags under that name. ` +
          'Either the repository does not exist, or it holds only untagged manifests',
      );
    }
  });

  it('lists the tags of a layout folder', async () => {
    const dir = join(fx.temp, 'layout');
    const layout = await OciLayout.open(dir, { create: true });
    await pushGraph(layout, artifact({ 'x.txt': 'x' }), 'b');
    await layout.tag(await layout.resolve('b'), 'a');
    const result = await fx.act({ command: 'repo-tags', layout: dir });
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.outputs['tags']!)).toEqual(['a', 'b']);
  });

  it('refuses a tag in the reference, and a missing layout', async () => {
    expect(
      await fx.fail({ command: 'repo-tags', registry: fx.registry.host, reference: 'team/app:v2' }),
    ).toBe(
      'Input "reference": got "team/app:v2"; expected a repository without tag or digest, such as org/app',
    );
    const missing = join(fx.temp, 'nowhere');
    expect(await fx.fail({ command: 'repo-tags', layout: missing })).toBe(
      `OCI layout ${missing}: no such folder`,
    );
  });
});
