import { join } from 'node:path';
import type { Descriptor } from '../../src/oci/descriptor.js';
import { OciError } from '../../src/oci/errors.js';
import { buildImageIndex, entryJson, parseImageIndex } from '../../src/oci/image-index.js';
import { OciLayout } from '../../src/oci/layout/store.js';
import { OCI_INDEX } from '../../src/oci/media-types.js';
import { parsePlatform } from '../../src/oci/platform.js';
import { selectPlatform } from '../../src/oci/platform-select.js';
import { makeTempDir } from '../support/temp.js';
import {
  artifact,
  blob,
  image,
  indexOf,
  platformArtifact,
  pushGraph,
  type Graph,
} from './content.js';

const rejection = async (promise: Promise<unknown>): Promise<OciError> => {
  try {
    await promise;
  } catch (error) {
    if (error instanceof OciError) return error;
    throw error;
  }
  throw new Error('it did not fail');
};

describe('selectPlatform (on a real layout store)', () => {
  let temp: { path: string; remove: () => Promise<void> };
  let layout: OciLayout;
  beforeEach(async () => {
    temp = await makeTempDir('oci-platform-');
    layout = await OciLayout.open(join(temp.path, 'layout'), { create: true });
  });
  afterEach(async () => temp.remove());

  const stored = async (graph: Graph): Promise<Descriptor> => {
    await pushGraph(layout, graph);
    return graph.root.descriptor;
  };

  it('picks the first entry of an index that matches, as ORAS does', async () => {
    const amd64 = artifact({ 'a.txt': 'amd64' });
    const arm64 = artifact({ 'a.txt': 'arm64' });
    const index = await stored(indexOf([amd64, arm64]));
    const chosen = await selectPlatform(layout, index, parsePlatform('linux/arm64'), 'the index');
    expect(chosen).toEqual({
      manifest: arm64.root.descriptor,
      platform: { architecture: 'arm64', os: 'linux' },
      index,
    });
    // arm64 without a variant is v8.
    const v8 = await selectPlatform(layout, index, parsePlatform('linux/arm64/v8'), 'the index');
    expect(v8.manifest.digest).toBe(arm64.root.descriptor.digest);
  });

  it('says which platforms an index has when none matches', async () => {
    const index = await stored(indexOf([artifact({ a: '1' }), artifact({ b: '2' })]));
    const error = await rejection(
      selectPlatform(layout, index, parsePlatform('windows/amd64'), 'host/app:v1'),
    );
    expect(error.code).toBe('NOT_FOUND');
    expect(error.message).toBe(
      'host/app:v1 has no manifest for windows/amd64; it lists linux/amd64, linux/arm64',
    );
  });

  it('counts entries without a platform, or with one that is no plain name', async () => {
    const a = artifact({ 'a.txt': 'a' });
    const b = artifact({ 'b.txt': 'b' });
    await pushGraph(layout, a);
    await pushGraph(layout, b);
    const index = blob(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_INDEX,
        manifests: [
          a.root.descriptor,
          { ...b.root.descriptor, platform: { os: 'linux\n::error::x', architecture: 'amd64' } },
        ],
      }),
      OCI_INDEX,
    );
    await layout.pushManifest(index.descriptor, index.bytes);
    const error = await rejection(
      selectPlatform(layout, index.descriptor, parsePlatform('linux/amd64'), 'the index'),
    );
    expect(error.message).toBe(
      'the index has no manifest for linux/amd64; it lists 2 manifest(s) without a platform',
    );
  });

  it('takes a single manifest whose config names the platform', async () => {
    const graph = platformArtifact(
      { 'bin/tool': 'built for arm' },
      { os: 'linux', architecture: 'arm', variant: 'v7' },
    );
    const root = await stored(graph);
    expect(await selectPlatform(layout, root, parsePlatform('linux/arm'), 'it')).toEqual({
      manifest: root,
      platform: { architecture: 'arm', os: 'linux', variant: 'v7' },
    });
    expect(
      (await rejection(selectPlatform(layout, root, parsePlatform('linux/arm/v6'), 'x'))).message,
    ).toBe(
      'x is a single manifest, not an index, and its config names linux/arm/v7, not linux/arm/v6',
    );
  });

  it('reads the platform of a runnable image from its image config', async () => {
    const root = await stored(await image(temp.path, 'hello'));
    const chosen = await selectPlatform(layout, root, parsePlatform('linux/amd64'), 'img');
    expect(chosen.manifest).toEqual(root);
  });

  it('refuses a single manifest with the empty config for any platform', async () => {
    const root = await stored(artifact({ 'a.txt': 'no platform' }));
    expect(
      (await rejection(selectPlatform(layout, root, parsePlatform('linux/amd64'), 'y'))).message,
    ).toBe(
      'y is a single manifest, not an index, and its config names no platform, so it cannot be taken for linux/amd64',
    );
  });
});

describe('image index bytes', () => {
  const a = artifact({ 'a.txt': 'a' }).root.descriptor;
  const b = artifact({ 'b.txt': 'b' }).root.descriptor;
  const amd64 = parsePlatform('linux/amd64');

  it('are the same for the same entries, and differ with their order', () => {
    const entries = [entryJson({ descriptor: a, platform: amd64 }), entryJson({ descriptor: b })];
    const first = buildImageIndex({ manifests: entries, artifactType: 'application/x.set' });
    const again = buildImageIndex({
      manifests: entries.map((e) => ({ ...e })),
      artifactType: 'application/x.set',
    });
    expect(again.bytes.equals(first.bytes)).toBe(true);
    expect(buildImageIndex({ manifests: [...entries].reverse() }).descriptor.digest).not.toBe(
      first.descriptor.digest,
    );
    expect(first.bytes.toString()).toBe(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_INDEX,
        artifactType: 'application/x.set',
        manifests: [{ ...a, platform: { architecture: 'amd64', os: 'linux' } }, b],
      }),
    );
  });

  it('are read back with each entry checked, and kept whole', () => {
    const built = buildImageIndex({
      manifests: [entryJson({ descriptor: a, platform: amd64 }), { ...b, urls: ['x'] }],
    });
    const parsed = parseImageIndex(built.bytes, 'idx');
    expect(parsed.entries.map((e) => e.descriptor)).toEqual([a, b]);
    expect(parsed.entries[0]?.platform).toEqual(amd64);
    expect(parsed.entries[1]?.raw).toEqual({ ...b, urls: ['x'] });
  });

  it('refuse an entry with a bad digest or size', () => {
    const bad = (manifests: unknown[]) => () =>
      parseImageIndex(Buffer.from(JSON.stringify({ manifests })), 'idx');
    expect(bad([{ ...a, digest: 'sha256:nope' }])).toThrow(
      /idx: manifests\[0\]: invalid sha256 digest/,
    );
    expect(bad([{ ...a, size: -1 }])).toThrow('idx: manifests[0] has no valid size');
    expect(bad([{ ...a, mediaType: 'text/plain\r\nX-Injected: 1' }])).toThrow(
      'idx: manifests[0]: its mediaType is not a media type',
    );
    expect(() => parseImageIndex(Buffer.from('{}'), 'idx')).toThrow('idx is not an image index');
  });
});
