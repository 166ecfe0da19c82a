// Matrix jobs attaching to one subject at once, on a real registry without the referrers API:
// each attach rewrites the subject's `sha256-<hex>` tag index, reads it back, and merges again
// when another attach replaced its entry, so discover lists every one of them.
import type { ImageIndex } from '../../src/oci/descriptor.js';
import { skopeoRaw, succeeded, useTestBed } from './push-support.js';

describe('concurrent attaches to one subject (bundled action, real registry)', () => {
  const kinds = ['sbom', 'signature', 'provenance', 'vex'];
  const bed = useTestBed({
    registry: {},
    tree: Object.fromEntries([
      ['app.bin', 'the app\n'],
      ...kinds.map((kind) => [`${kind}.json`, JSON.stringify({ kind })]),
    ]),
    defaults: (registry) => ({ registry: registry!.host, 'plain-http': 'true' }),
  });

  it('lists all 4 referrers that 4 attach steps added at once', async () => {
    const subject = succeeded(
      await bed.run({ command: 'push', reference: 'matrix/app:v1', files: 'app.bin' }),
    );
    const attaches = await Promise.all(
      kinds.map((kind) =>
        bed.run({
          command: 'attach',
          reference: 'matrix/app:v1',
          'artifact-type': `application/vnd.example.${kind}`,
          files: `${kind}.json`,
        }),
      ),
    );
    const digests = attaches.map((run) => succeeded(run).outputs['digest']!).sort();

    const discover = succeeded(await bed.run({ command: 'discover', reference: 'matrix/app:v1' }));
    const listed = JSON.parse(discover.outputs['referrers']!) as { digest: string }[];
    expect(listed.map((r) => r.digest)).toEqual(digests);
    // Read by an independent client: one entry each, no duplicates.
    const tag = subject.outputs['digest']!.replace(':', '-');
    const index = JSON.parse(
      (await skopeoRaw(`${bed.registry.host}/matrix/app:${tag}`)).toString(),
    ) as ImageIndex;
    expect(index.manifests.map((d) => d.digest).sort()).toEqual(digests);
  });
});
