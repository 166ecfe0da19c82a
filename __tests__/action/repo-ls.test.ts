import { artifact } from '../oci/content.js';
import { startFaultProxy } from '../support/fault-proxy.js';
import { seed, useRegistries } from './registry-support.js';

describe('command: repo-ls (bundled action, real registry)', () => {
  const fx = useRegistries();

  it('outputs every repository, sorted, with a log group and a summary', async () => {
    const empty = await fx.act({ command: 'repo-ls', registry: fx.registry.host });
    expect(empty.exitCode).toBe(0);
    expect(JSON.parse(empty.outputs['repositories']!)).toEqual([]);

    for (const name of ['zeta/app', 'alpha', 'mid/dle/deep']) {
      await seed(fx.registry, name, artifact({ 'a.txt': name }), 'v1');
    }
    const result = await fx.act({ command: 'repo-ls', registry: fx.registry.host });
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.outputs['repositories']!)).toEqual([
      'alpha',
      'mid/dle/deep',
      'zeta/app',
    ]);
    expect(result.stdout).toContain(`::group::List repositories of ${fx.registry.host}`);
    expect(result.stdout).toContain('3 repositories');
    expect(result.summary).toContain(`### Repositories of <code>${fx.registry.host}</code>`);
    expect(result.summary).toContain('| <code>mid/dle/deep</code> |');
  });

  it('follows every page of the catalog', async () => {
    // The proxy asks the real registry for pages of two (distribution honours `n` on the
    // catalog), so the registry itself answers with `Link: <…?last=…&n=2>; rel="next"`.
    const proxy = fx.stopAfter(await startFaultProxy(fx.registry.url));
    proxy.setRules([
      {
        path: /^\/v2\/_catalog\?/,
        fault: { kind: 'rewrite', path: (path) => path.replace(/([?&])n=\d+/, '$1n=2') },
      },
    ]);
    const names = ['page/a', 'page/b', 'page/c', 'page/d', 'page/e'];
    for (const name of names) await seed(fx.registry, name, artifact({ 'p.txt': name }), 'v1');

    const result = await fx.act({ command: 'repo-ls', registry: proxy.host });
    expect(result.exitCode).toBe(0);
    const repositories = JSON.parse(result.outputs['repositories']!) as string[];
    expect(repositories.filter((r) => r.startsWith('page/'))).toEqual(names);
    const pages = proxy.requests.filter((r) => r.path.startsWith('/v2/_catalog'));
    expect(pages.length).toBeGreaterThanOrEqual(Math.ceil(repositories.length / 2));
    expect(pages.slice(1).every((page) => /[?&]last=/.test(page.path))).toBe(true);
  });

  it('says so when the registry keeps no catalog', async () => {
    const proxy = fx.stopAfter(await startFaultProxy(fx.registry.url));
    proxy.setRules([{ path: /^\/v2\/_catalog/, fault: { kind: 'status', status: 404 } }]);
    expect(await fx.fail({ command: 'repo-ls', registry: proxy.host })).toMatch(
      new RegExp(
        `^${proxy.host} does not list its repositories: its catalog \\(GET /v2/_catalog\\) answered HTTP 404\\. ` +
          'Not every registry offers one; repo-tags lists the tags of a repository you name',
      ),
    );
  });

  it('names the registry input when it is missing or malformed, and refuses a layout', async () => {
    expect(await fx.fail({ command: 'repo-ls' })).toBe(
      'Input "registry": nothing was given; expected a registry host[:port], such as ghcr.io or localhost:5000',
    );
    expect(await fx.fail({ command: 'repo-ls', registry: 'not a host' })).toContain(
      'Input "registry": got "not a host"',
    );
    expect(await fx.fail({ command: 'repo-ls', layout: 'some/dir' })).toContain(
      'Input "layout": got "some/dir"; expected nothing: repo-ls lists the repositories of a registry',
    );
  });
});
