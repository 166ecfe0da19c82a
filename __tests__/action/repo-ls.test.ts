import { startRegistry, type Registry } from '../support/registry.js';
import { artifact } from '../oci/layout/content.js';
import { actionRunner, failure, seed } from './registry-support.js';

describe('command: repo-ls (bundled action, real registry)', () => {
  let registry: Registry;
  const { act, cleanup } = actionRunner();
  beforeAll(async () => {
    registry = await startRegistry();
  });
  afterAll(async () => {
    await registry?.stop();
    await cleanup();
  });

  it('outputs every repository, sorted, with a log group and a summary', async () => {
    const empty = await act({ command: 'repo-ls', registry: registry.host });
    expect(empty.exitCode).toBe(0);
    expect(JSON.parse(empty.outputs['repositories']!)).toEqual([]);

    for (const name of ['zeta/app', 'alpha', 'mid/dle/deep']) {
      await seed(registry, name, artifact({ 'a.txt': name }), 'v1');
    }
    const result = await act({ command: 'repo-ls', registry: registry.host });
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.outputs['repositories']!)).toEqual([
      'alpha',
      'mid/dle/deep',
      'zeta/app',
    ]);
    expect(result.stdout).toContain(`::group::List repositories of ${registry.host}`);
    expect(result.stdout).toContain('3 repositories');
    expect(result.summary).toContain(`### Repositories of <code>${registry.host}</code>`);
    expect(result.summary).toContain('| <code>mid/dle/deep</code> |');
  });

  it('names the registry input when it is missing or malformed, and refuses a layout', async () => {
    expect(failure(await act({ command: 'repo-ls' }))).toBe(
      'Input "registry": nothing was given; expected a registry host[:port], such as ghcr.io or localhost:5000',
    );
    expect(failure(await act({ command: 'repo-ls', registry: 'not a host' }))).toContain(
      'Input "registry": got "not a host"',
    );
    expect(failure(await act({ command: 'repo-ls', layout: 'some/dir' }))).toContain(
      'Input "layout": got "some/dir"; expected nothing: repo-ls lists the repositories of a registry',
    );
  });
});
