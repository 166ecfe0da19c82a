import { request } from 'undici';
import { startRegistry, type Registry } from './registry.js';

describe('registry fixture', () => {
  let registry: Registry;
  afterEach(async () => registry?.stop());

  it('starts a real registry on a loopback port', async () => {
    registry = await startRegistry();
    const response = await request(`${registry.url}/v2/`);
    await response.body.dump();
    expect(response.statusCode).toBe(200);
    expect(response.headers['docker-distribution-api-version']).toBe('registry/2.0');
  });

  it('asks for credentials when htpasswd auth is on', async () => {
    registry = await startRegistry({ htpasswd: { username: 'u', password: 'p' } });
    const response = await request(`${registry.url}/v2/`);
    await response.body.dump();
    expect(response.statusCode).toBe(401);
    expect(String(response.headers['www-authenticate'])).toMatch(/^Basic realm=/);
  });
});
