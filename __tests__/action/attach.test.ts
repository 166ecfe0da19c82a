// `command: attach` against a real registry without the referrers API: the manifest names its
// subject, and the client keeps the `sha256-<hex>` tag index that lists the referrers.
import type { ImageIndex } from '../../src/oci/descriptor.js';
import { parseManifest, sha256, skopeoRaw, skopeoTags, useTestBed } from './push-support.js';

describe('attach to an artifact in a registry', () => {
  const bed = useTestBed({
    registry: {},
    tree: {
      'app.bin': 'the app\n',
      'sbom.spdx.json': '{"spdxVersion":"SPDX-2.3"}\n',
      'sig.json': '{"sig":1}\n',
      'ann.json': JSON.stringify({ 'sbom.spdx.json': { kind: 'sbom' } }),
    },
    defaults: (registry) => ({ registry: registry!.host, 'plain-http': 'true' }),
  });
  const action = (inputs: Record<string, string>) => bed.run(inputs);

  it('pushes a manifest with the subject by digest and lists it in the referrers tag index', async () => {
    const subject = await action({ command: 'push', reference: 'app/x:v1', files: 'app.bin' });
    expect(subject.exitCode).toBe(0);
    const subjectDigest = subject.outputs['digest']!;

    const sbom = await action({
      command: 'attach',
      reference: 'app/x:v1',
      'artifact-type': 'application/spdx+json',
      files: 'sbom.spdx.json:application/spdx+json',
      annotations: 'org.example.tool=syft',
      'annotation-file': 'ann.json',
    });
    expect(sbom.exitCode).toBe(0);
    const digest = sbom.outputs['digest']!;
    expect(sbom.outputs['reference']).toBe(`${bed.registry.host}/app/x@${digest}`);
    expect(sbom.outputs['tags']).toBe('[]');
    expect(sbom.outputs['artifact-type']).toBe('application/spdx+json');
    // The log: one group naming the subject, the fallback said, the pushed reference last.
    const lines = sbom.stdout.split('\n').filter((l) => l !== '' && !l.startsWith('::debug::'));
    expect(lines.filter((l) => l.startsWith('::group::'))).toEqual([
      `::group::Attach to ${bed.registry.host}/app/x@${subjectDigest}`,
    ]);
    expect(lines).toContain(
      `${bed.registry.host}/app/x has no referrers API: the referrers index tagged ${subjectDigest.replace(':', '-')} now lists this artifact`,
    );
    expect(lines.at(-1)).toBe(`Pushed ${bed.registry.host}/app/x@${digest}`);

    const raw = await skopeoRaw(`${bed.registry.host}/app/x@${digest}`);
    expect(sha256(raw)).toBe(digest);
    const manifest = parseManifest(raw);
    expect(manifest.subject).toEqual({
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      digest: subjectDigest,
      size: Number(subject.outputs['size']),
    });
    expect(manifest.artifactType).toBe('application/spdx+json');
    expect(manifest.annotations).toEqual({ 'org.example.tool': 'syft' });
    expect(manifest.layers[0]!.annotations).toEqual({
      kind: 'sbom',
      'org.opencontainers.image.title': 'sbom.spdx.json',
    });

    // A second referrer, attached by the subject's digest, with an extra tag.
    const sig = await action({
      command: 'attach',
      reference: `app/x@${subjectDigest}`,
      'artifact-type': 'application/vnd.example.sig',
      files: 'sig.json',
      tags: 'signature',
    });
    expect(sig.exitCode).toBe(0);
    expect(JSON.parse(sig.outputs['tags']!)).toEqual([`${bed.registry.host}/app/x:signature`]);

    const indexTag = subjectDigest.replace(':', '-');
    expect(await skopeoTags(`${bed.registry.host}/app/x`)).toEqual([indexTag, 'signature', 'v1']);
    const index = JSON.parse(
      (await skopeoRaw(`${bed.registry.host}/app/x:${indexTag}`)).toString(),
    ) as ImageIndex;
    expect(
      index.manifests
        .map((m) => [m.digest, m.artifactType])
        .sort((a, b) => (a[1]! < b[1]! ? -1 : 1)),
    ).toEqual([
      [sbom.outputs['digest'], 'application/spdx+json'],
      [sig.outputs['digest'], 'application/vnd.example.sig'],
    ]);
    expect(sbom.summary).toContain(
      `- **Subject:** <code>${bed.registry.host}/app/x@${subjectDigest}</code>`,
    );
  });

  it('requires artifact-type and image-spec v1.1, and tags nothing when refused', async () => {
    await action({ command: 'push', reference: 'req/x:v1', files: 'app.bin' });
    const missing = await action({ command: 'attach', reference: 'req/x:v1', files: 'sig.json' });
    expect(missing.exitCode).toBe(1);
    expect(missing.errors).toEqual([
      expect.stringContaining(
        'Input "artifact-type": nothing was given; expected the type of what is attached',
      ),
    ]);
    const old = await action({
      command: 'attach',
      reference: 'req/x:v1',
      files: 'sig.json',
      'artifact-type': 'application/x.sig',
      'image-spec': 'v1.0',
    });
    expect(old.exitCode).toBe(1);
    expect(old.errors[0]).toContain('Input "image-spec": got "v1.0"; expected v1.1');
    expect(await skopeoTags(`${bed.registry.host}/req/x`)).toEqual(['v1']);
  });

  it('fails clearly when the subject does not exist', async () => {
    const run = await action({
      command: 'attach',
      reference: 'req/x:nope',
      files: 'sig.json',
      'artifact-type': 'application/x.sig',
    });
    expect(run.exitCode).toBe(1);
    expect(run.errors[0]).toContain(
      `the subject ${bed.registry.host}/req/x:nope does not exist; attach needs an existing manifest`,
    );
  });
});
