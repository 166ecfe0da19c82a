// A push whose upload fails for good tags nothing: the manifest goes last. The registry is real;
// a fault-injecting proxy in front of it refuses one blob's upload.
import { sha256, useFaultProxy, useTestBed } from './push-support.js';

describe('push when an upload fails', () => {
  const bed = useTestBed({
    registry: {},
    tree: { 'a.txt': 'a\n', 'b.txt': 'b\n', 'c.txt': 'c\n' },
  });
  const proxied = useFaultProxy(bed);

  it('fails with exit code 1, pushes no manifest and tags nothing', async () => {
    const refused = encodeURIComponent(sha256('b\n'));
    proxied.proxy.setRules([
      {
        method: 'PUT',
        path: new RegExp(`digest=${refused}`),
        fault: {
          kind: 'status',
          status: 400,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            errors: [{ code: 'BLOB_UPLOAD_INVALID', message: 'refused by test' }],
          }),
        },
      },
    ]);
    const run = await bed.run({
      command: 'push',
      registry: proxied.proxy.host,
      'plain-http': 'true',
      reference: 'fails/x:v1',
      tags: 'more',
      files: '*.txt',
      concurrency: '1',
    });
    expect(run.exitCode).toBe(1);
    expect(run.errors[0]).toContain('BLOB_UPLOAD_INVALID');
    expect(
      proxied.proxy.requests.filter((r) => r.method === 'PUT' && r.path.includes('/manifests/')),
    ).toEqual([]);
    const tags = await fetch(`${bed.registry.url}/v2/fails/x/tags/list`);
    const body = (await tags.json()) as { tags?: string[] | null };
    expect(tags.status === 404 || (body.tags ?? []).length === 0).toBe(true);
    // concurrency 1: after the failure no further blob was started.
    const posts = proxied.proxy.requests.filter(
      (r) => r.method === 'POST' && r.path.includes('/blobs/uploads/'),
    );
    expect(posts.length).toBeLessThanOrEqual(3);
  });
});
