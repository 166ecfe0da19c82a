// Registry `Warning: 299` headers reach the user, but a registry that sends hundreds of them, or
// long ones, must not flood the log: each text is shortened, and only the first few are shown.
import { parseReference } from '../../../src/oci/reference.js';
import { RemoteRepository } from '../../../src/oci/remote/repository.js';
import { startProxiedRegistry, type ProxiedRegistry } from '../../support/proxied-registry.js';
import { artifact, pushGraph } from '../content.js';

describe('a registry that sends many Warning headers', () => {
  let fixture: ProxiedRegistry;
  beforeAll(async () => {
    fixture = await startProxiedRegistry();
  });
  afterAll(async () => fixture?.stop());

  it('shows the first five, each shortened, and then says that more were left out', async () => {
    const many = Array.from({ length: 40 }, (_, i) => `299 - "warning number ${i}"`);
    const long = `299 - "${'l'.repeat(4000)}"`;
    fixture.proxy.setRules([
      { fault: { kind: 'headers', headers: { warning: [long, ...many].join(', ') } } },
    ]);
    const warnings: string[] = [];
    const repo = new RemoteRepository(parseReference(`${fixture.proxy.host}/warned/app`), {
      dockerConfigDir: '/nonexistent',
      retry: { attempts: 1 },
      logger: { debug: () => {}, info: () => {}, warning: (w) => warnings.push(w) },
    });
    await pushGraph(repo, artifact({ 'a.txt': 'warned' }), 'v1');

    expect(warnings).toHaveLength(6);
    expect(warnings[0]).toBe(`${fixture.proxy.host} warns: ${'l'.repeat(300)}…`);
    expect(warnings.slice(1, 5)).toEqual(
      [0, 1, 2, 3].map((i) => `${fixture.proxy.host} warns: warning number ${i}`),
    );
    expect(warnings[5]).toBe(
      `${fixture.proxy.host} sent more warnings (Warning headers); the rest are not shown`,
    );
  });
});
