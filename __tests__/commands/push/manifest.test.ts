import { buildManifest, manifestBytes } from '../../../src/commands/pack/manifest.js';
import { SpecError } from '../../../src/commands/pack/spec-error.js';
import { digestBytes, type Digest } from '../../../src/oci/digest.js';

const EMPTY = {
  mediaType: 'application/vnd.oci.empty.v1+json',
  digest: 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a',
  size: 2,
};
const layer = {
  mediaType: 'application/vnd.oci.image.layer.v1.tar',
  digest: digestBytes('hello\n'),
  size: 6,
  annotations: { 'org.opencontainers.image.title': 'a.txt' },
};
const config = { digest: digestBytes('{"a":1}'), size: 7 };
const subject = {
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  digest: `sha256:${'b'.repeat(64)}` as Digest,
  size: 500,
  annotations: { dropped: 'yes' },
};

describe('artifact manifests', () => {
  it('v1.1 without files: unknown artifact type, empty config and the empty layer, with data', () => {
    const manifest = buildManifest({ imageSpec: 'v1.1', layers: [] });
    expect(manifestBytes(manifest).toString()).toBe(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        artifactType: 'application/vnd.unknown.artifact.v1',
        config: { ...EMPTY, data: 'e30=' },
        layers: [{ ...EMPTY, data: 'e30=' }],
      }),
    );
  });

  it('v1.0 without files: the type on the config, no data, no layers, no artifactType', () => {
    expect(buildManifest({ imageSpec: 'v1.0', layers: [] })).toEqual({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { ...EMPTY, mediaType: 'application/vnd.unknown.config.v1+json' },
      layers: [],
    });
    const typed = buildManifest({
      imageSpec: 'v1.0',
      artifactType: 'application/x.sbom',
      layers: [layer],
    });
    expect(typed.config.mediaType).toBe('application/x.sbom');
    expect(typed.artifactType).toBeUndefined();
    expect(typed.layers).toEqual([layer]);
  });

  it('v1.1 with a config file needs an artifact type; the config type defaults to unknown', () => {
    expect(() => buildManifest({ imageSpec: 'v1.1', config, layers: [layer] })).toThrow(SpecError);
    const manifest = buildManifest({
      imageSpec: 'v1.1',
      artifactType: 'application/x.report',
      config,
      configAnnotations: { k: 'v' },
      layers: [layer],
    });
    expect(manifest.config).toEqual({
      mediaType: 'application/vnd.unknown.config.v1+json',
      ...config,
      annotations: { k: 'v' },
    });
    expect(manifest.artifactType).toBe('application/x.report');
  });

  it('v1.0 with a typed config: that type is the artifact type; another artifact type is an error', () => {
    const typedConfig = { ...config, mediaType: 'application/x.config+json' };
    expect(
      buildManifest({ imageSpec: 'v1.0', config: typedConfig, layers: [] }).config.mediaType,
    ).toBe('application/x.config+json');
    expect(() =>
      buildManifest({
        imageSpec: 'v1.0',
        artifactType: 'application/x.other',
        config: typedConfig,
        layers: [],
      }),
    ).toThrow(expect.objectContaining({ input: 'artifact-type' }));
  });

  it('carries only mediaType, digest and size of the subject, and refuses one with v1.0', () => {
    const manifest = buildManifest({
      imageSpec: 'v1.1',
      artifactType: 'application/x.sig',
      layers: [],
      subject,
      annotations: { a: 'b' },
    });
    expect(manifest.subject).toEqual({
      mediaType: subject.mediaType,
      digest: subject.digest,
      size: 500,
    });
    expect(Object.keys(manifest)).toEqual([
      'schemaVersion',
      'mediaType',
      'artifactType',
      'config',
      'layers',
      'subject',
      'annotations',
    ]);
    expect(() => buildManifest({ imageSpec: 'v1.0', layers: [], subject })).toThrow(
      expect.objectContaining({ input: 'image-spec' }),
    );
  });
});
