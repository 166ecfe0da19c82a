// Step outputs that carry a registry's or an artifact's words: a later step pastes them into a
// shell (`run: echo ${{ steps.x.outputs.media-type }}`), so a media type that is not one never
// becomes an output.
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { startFaultProxy } from '../support/fault-proxy.js';
import { artifact } from '../oci/content.js';
import { seed, useRegistries } from './registry-support.js';

const SHELL = 'application/vnd.oci.image.manifest.v1+json";touch${IFS}pwned;"';

describe('media types a registry or an artifact made up (bundled action, real registry)', () => {
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

  it('pull refuses a manifest whose artifactType is not a media type, writing nothing', async () => {
    await seed(fx.registry, 'team/at', artifact({ 'a.txt': 'x' }, { artifactType: SHELL }), 'v1');
    const out = join(fx.temp, 'out-at');
    await mkdir(out);
    const run = await fx.act({
      command: 'pull',
      registry: fx.registry.host,
      reference: 'team/at:v1',
      path: out,
    });
    expect(run.exitCode).toBe(1);
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toContain('artifactType is not a media type');
    expect(run.outputs).toEqual({});
    expect(await readdir(out)).toEqual([]);
  });
});
