import { request } from 'undici';
import type { FaultProxy } from '../../support/fault-proxy.js';
import { startProxiedRegistry, type ProxiedRegistry } from '../../support/proxied-registry.js';

describe('fault proxy fixture', () => {
  let fixture: ProxiedRegistry;
  let proxy: FaultProxy;
  beforeAll(async () => {
    fixture = await startProxiedRegistry();
    proxy = fixture.proxy;
  });
  afterAll(async () => fixture?.stop());

  it('forwards to the registry and rewrites upload locations to itself', async () => {
    const ping = await request(`${proxy.url}/v2/`);
    await ping.body.dump();
    expect(ping.statusCode).toBe(200);
    const post = await request(`${proxy.url}/v2/fixture/blobs/uploads/`, { method: 'POST' });
    await post.body.dump();
    expect(post.statusCode).toBe(202);
    expect(String(post.headers['location'])).toMatch(new RegExp(`^${proxy.url}/v2/fixture/`));
  });

  it('answers a fault the given number of times, then forwards again', async () => {
    proxy.setRules([
      { method: 'GET', path: /^\/v2\/$/, fault: { kind: 'status', status: 503 }, times: 1 },
    ]);
    const first = await request(`${proxy.url}/v2/`);
    await first.body.dump();
    const second = await request(`${proxy.url}/v2/`);
    await second.body.dump();
    expect([first.statusCode, second.statusCode]).toEqual([503, 200]);
    expect(proxy.requests.slice(-2).map((r) => r.status)).toEqual([503, 200]);
  });

  it('drops connections and redirects', async () => {
    proxy.setRules([
      { path: /drop/, fault: { kind: 'drop' } },
      { path: /moved/, fault: { kind: 'redirect', location: 'http://127.0.0.1:1/x' } },
    ]);
    await expect(request(`${proxy.url}/v2/drop`)).rejects.toThrow();
    const moved = await request(`${proxy.url}/v2/moved`);
    await moved.body.dump();
    expect(moved.statusCode).toBe(307);
    expect(moved.headers['location']).toBe('http://127.0.0.1:1/x');
  });

  it('cuts a body after the given number of bytes', async () => {
    proxy.setRules([{ path: /^\/v2\/$/, fault: { kind: 'truncate', afterBytes: 1 } }]);
    const response = await request(`${proxy.url}/v2/`);
    await expect(response.body.text()).rejects.toThrow();
  });

  it('adds headers to a forwarded answer, and tells listeners of each request', async () => {
    const heard: string[] = [];
    const stop = proxy.onRequest((r) => heard.push(`${r.method} ${r.path}`));
    proxy.setRules([
      { path: /^\/v2\/$/, fault: { kind: 'headers', headers: { 'OCI-Chunk-Min-Length': '42' } } },
    ]);
    const response = await request(`${proxy.url}/v2/`);
    await response.body.dump();
    stop();
    const after = await request(`${proxy.url}/v2/`);
    await after.body.dump();
    expect(response.statusCode).toBe(200);
    expect(response.headers['oci-chunk-min-length']).toBe('42');
    expect(response.headers['docker-distribution-api-version']).toBe('registry/2.0');
    expect(heard).toEqual(['GET /v2/']);
  });

  it('redirects with the status asked for', async () => {
    proxy.setRules([
      { path: /moved/, fault: { kind: 'redirect', status: 303, location: 'http://127.0.0.1:1/x' } },
    ]);
    const moved = await request(`${proxy.url}/v2/moved`);
    await moved.body.dump();
    expect(moved.statusCode).toBe(303);
  });

  it('refuses a request by its body, and forwards the body it lets through', async () => {
    proxy.setRules([
      {
        method: 'PUT',
        path: /\/manifests\//,
        fault: {
          kind: 'refuse-body',
          when: (body) => body.includes('"refuse-me"'),
          status: 405,
          body: '{"errors":[{"code":"UNSUPPORTED","message":"no"}]}',
        },
      },
    ]);
    const put = (manifest: object) =>
      request(`${proxy.url}/v2/fixture/manifests/v1`, {
        method: 'PUT',
        headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' },
        body: JSON.stringify(manifest),
      });
    const refused = await put({ schemaVersion: 2, note: 'refuse-me' });
    expect([refused.statusCode, await refused.body.text()]).toEqual([
      405,
      '{"errors":[{"code":"UNSUPPORTED","message":"no"}]}',
    ]);
    // Forwarded: the real registry judges it (and refuses an invalid manifest its own way).
    const forwarded = await put({ schemaVersion: 2 });
    await forwarded.body.dump();
    expect(forwarded.statusCode).toBe(400);
    expect(proxy.requests.slice(-2).map((r) => r.status)).toEqual([405, 400]);
  });

  it.each([false, true])(
    'answers 413 to a body above the cap (early: %s), and forwards smaller ones',
    async (early) => {
      proxy.setRules([{ method: 'POST', fault: { kind: 'body-limit', maxBytes: 10, early } }]);
      const post = (size: number) =>
        request(`${proxy.url}/v2/fixture/blobs/uploads/`, {
          method: 'POST',
          body: Buffer.alloc(size),
        });
      const big = await post(11);
      await big.body.dump();
      const small = await post(10);
      await small.body.dump();
      expect([big.statusCode, small.statusCode]).toEqual([413, 202]);
    },
  );
});
