// Pushing unchanged content again: the manifest already in the repository vouches for its
// blobs, so one existence check replaces one per blob and nothing is uploaded.
import { useFaultProxy, useTestBed } from './push-support.js';

describe('push of unchanged content', () => {
  const bed = useTestBed({
    registry: {},
    tree: { 'a.txt': 'a\n', 'b.txt': 'b\n', 'c.txt': 'c\n' },
  });
  const proxied = useFaultProxy(bed);

  it('checks the manifest once, touches no blob, logs Exists per file and keeps the digest', async () => {
    const inputs = {
      command: 'push',
      registry: proxied.proxy.host,
      'plain-http': 'true',
      reference: 'again/x:v1',
      files: '*.txt',
    };
    const first = await bed.run(inputs);
    expect(first.exitCode).toBe(0);
    const seen = proxied.proxy.requests.length;

    const second = await bed.run({ ...inputs, reference: 'again/x:v2' });
    expect(second.exitCode).toBe(0);
    expect(second.outputs['digest']).toBe(first.outputs['digest']);
    const requests = proxied.proxy.requests
      .slice(seen)
      .map((r) => `${r.method} ${r.path.split('?')[0]}`);
    expect(requests.filter((r) => r.includes('/blobs/'))).toEqual([]);
    expect(requests).toContain(`HEAD /v2/again/x/manifests/${first.outputs['digest']}`);
    expect(requests).toContain('PUT /v2/again/x/manifests/v2');
    for (const name of ['a.txt', 'b.txt', 'c.txt']) {
      expect(second.stdout).toMatch(
        new RegExp(`^Exists {3}${name.replace('.', '\\.')} sha256:`, 'm'),
      );
    }
  });
});
