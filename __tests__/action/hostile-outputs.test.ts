// The media-type output describes the manifest whose digest is output, not what a registry's
// Content-Type claims: a later step may paste it into a shell
// (`run: echo ${{ steps.x.outputs.media-type }}`), and a header is the registry's free text.
import { join } from 'node:path';
import { startFaultProxy } from '../support/fault-proxy.js';
import { artifact } from '../oci/content.js';
import { seed, useRegistries } from './registry-support.js';

const SHELL = 'application/vnd.oci.image.manifest.v1+json";touch${IFS}pwned;"';

describe('a Content-Type that is not a media type (bundled action, real registry)', () => {
  const fx = useRegistries();

  it('resolve outputs the manifest’s own media type, not a Content-Type that is not one', async () => {
    const graph = await seed(fx.registry, 'team/ct', artifact({ 'a.txt': 'ct' }), 'v1');
    const proxy = fx.stopAfter(await startFaultProxy(fx.registry.url));
    proxy.setRules([
      { path: /\/manifests\//, fault: { kind: 'headers', headers: { 'content-type': SHELL } } },
    ]);
    const run = await fx.act({ command: 'resolve', registry: proxy.host, reference: 'team/ct:v1' });
    expect(run.errors).toEqual([]);
    expect(run.outputs['media-type']).toBe(graph.root.descriptor.mediaType);
    expect(run.outputs['digest']).toBe(graph.root.descriptor.digest);
  });

  it('pull outputs the manifest’s own media type, not a Content-Type that is not one', async () => {
    const graph = await seed(fx.registry, 'team/pull-ct', artifact({ 'a.txt': 'ct' }), 'v1');
    const proxy = fx.stopAfter(await startFaultProxy(fx.registry.url));
    proxy.setRules([
      { path: /\/manifests\//, fault: { kind: 'headers', headers: { 'content-type': SHELL } } },
    ]);
    const run = await fx.act({
      command: 'pull',
      registry: proxy.host,
      reference: 'team/pull-ct:v1',
      path: join(fx.temp, 'out-ct'),
    });
    expect(run.errors).toEqual([]);
    expect(run.outputs['media-type']).toBe(graph.root.descriptor.mediaType);
  });
});
