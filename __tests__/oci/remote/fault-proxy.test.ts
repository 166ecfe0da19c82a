import { request } from 'undici';
import { startFaultProxy, type FaultProxy } from '../../support/fault-proxy.js';
import { startRegistry, type Registry } from '../../support/registry.js';

describe('fault proxy fixture', () => {
  let registry: Registry;
  let proxy: FaultProxy;
  beforeAll(async () => {
    registry = await startRegistry();
    proxy = await startFaultProxy(registry.url);
  });
  afterAll(async () => {
    await proxy?.stop();
    await registry?.stop();
  });

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
});
