// discover, through the bundled action, on a registry whose referrers path answers as ghcr.io's
// does (a 303 to a rate-limited page that answers 429): the tag schema is read at once, the
// redirect is never followed, and the log says why. The registry behind the proxy is real.
import { startFaultProxy } from '../support/fault-proxy.js';
import { artifact } from '../oci/content.js';
import { attachTo, seed, useRegistries } from './registry-support.js';

describe('discover on a registry without a referrers API behind its path', () => {
  const fx = useRegistries();

  it('reads the tag schema at once after a redirect, never following it', async () => {
    const subject = await seed(fx.registry, 'quirks/app', artifact({ 'app.bin': 'app' }), 'v1');
    const sbom = await attachTo(fx.registry, 'quirks/app', subject, 'application/spdx+json');
    const proxy = fx.stopAfter(await startFaultProxy(fx.registry.url));
    proxy.setRules([
      {
        method: 'GET',
        path: /\/referrers\//,
        fault: { kind: 'redirect', status: 303, location: `${proxy.url}/rate-limited` },
      },
      { path: /^\/rate-limited/, fault: { kind: 'status', status: 429 } },
    ]);

    const result = await fx.act({
      command: 'discover',
      registry: proxy.host,
      'plain-http': 'true',
      reference: 'quirks/app:v1',
    });
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.outputs['referrers']!)).toEqual([
      expect.objectContaining({ digest: sbom.root.descriptor.digest }),
    ]);
    expect(result.stdout).toContain(
      `${proxy.host}/quirks/app has no referrers API (its referrers endpoint answered HTTP 303); reading the referrers tag sha256-`,
    );
    expect(proxy.requests.filter((r) => r.path.includes('/referrers/'))).toHaveLength(1);
    expect(proxy.requests.some((r) => r.path.startsWith('/rate-limited'))).toBe(false);
  });
});
