import { readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { copyGraph } from '../../../src/oci/copy.js';
import type { Descriptor } from '../../../src/oci/descriptor.js';
import { OciLayout } from '../../../src/oci/layout/store.js';
import type { PushBlobOutcome } from '../../../src/oci/target.js';
import { makeTempDir } from '../../support/temp.js';
import { artifact, indexOf, pushGraph, readAll, sourceOf, type Graph } from '../content.js';
import { recording } from './recording-target.js';

describe('copyGraph between OCI layouts', () => {
  let temp: { path: string; remove: () => Promise<void> };
  let source: OciLayout;
  let destination: OciLayout;
  beforeEach(async () => {
    temp = await makeTempDir('oci-copy-');
    source = await OciLayout.open(join(temp.path, 'src'), { create: true });
    destination = await OciLayout.open(join(temp.path, 'dst'), { create: true });
  });
  afterEach(async () => temp.remove());

  async function expectCopied(graph: Graph): Promise<void> {
    for (const blob of graph.blobs) {
      expect(await readAll(await destination.fetch(blob.descriptor))).toEqual(blob.bytes);
    }
    for (const m of graph.manifests) {
      expect((await destination.fetchManifest(m.descriptor)).bytes).toEqual(m.bytes);
    }
  }

  it('copies an index with its manifests and blobs byte for byte, and tags the root', async () => {
    const graph = indexOf([artifact({ 'a.txt': 'a' }), artifact({ 'b.txt': 'b', 'c.txt': 'c' })]);
    await pushGraph(source, graph, 'src-tag');
    const outcomes: PushBlobOutcome[] = [];
    const result = await copyGraph(source, destination, graph.root.descriptor, {
      tag: 'copied',
      onBlob: (_d, outcome) => outcomes.push(outcome),
    });
    expect(result.root).toEqual(graph.root.descriptor);
    // The empty config is shared by both manifests: copied once.
    expect(result.blobs).toEqual({ uploaded: 4, exists: 0, mounted: 0 });
    expect(outcomes).toEqual(['uploaded', 'uploaded', 'uploaded', 'uploaded']);
    expect(result.manifests).toEqual({ copied: 3, exists: 0 });
    expect(result.bytesUploaded).toBe(2 + 3);
    expect(await destination.resolve('copied')).toEqual(graph.root.descriptor);
    expect(await destination.tags()).toEqual(['copied']);
    await expectCopied(graph);
  });

  it('pushes children before parents and moves at most `concurrency` blobs at once', async () => {
    const files = Object.fromEntries(
      Array.from({ length: 12 }, (_, i) => [`f${i}.txt`, `content ${i}`]),
    );
    const shared = { 'shared.txt': 'in both manifests' };
    const graph = indexOf([artifact({ ...files, ...shared }), artifact({ ...shared, x: 'x' })]);
    await pushGraph(source, graph);
    const rec = recording(destination);
    await copyGraph(source, rec.target, graph.root.descriptor, { concurrency: 3 });

    expect(rec.maxInFlight).toBe(3);
    expect(rec.overlapping).toEqual([]);
    expect(new Set(rec.pushBlobCalls).size).toBe(rec.pushBlobCalls.length);
    for (const m of graph.manifests) {
      const at = rec.pushed.indexOf(m.descriptor.digest);
      const children = JSON.parse(m.bytes.toString()) as {
        manifests?: Descriptor[];
        layers?: Descriptor[];
        config?: Descriptor;
      };
      const below = [...(children.manifests ?? []), ...(children.layers ?? [])];
      if (children.config) below.push(children.config);
      for (const child of below) expect(rec.pushed.indexOf(child.digest)).toBeLessThan(at);
    }
    expect(rec.pushed.at(-1)).toBe(graph.root.descriptor.digest);
    await expectCopied(graph);
  });

  it('skips blobs the destination has, and a manifest it has, with everything below', async () => {
    const graph = artifact({ 'a.txt': 'a', 'b.txt': 'b' });
    await pushGraph(source, graph);
    const present = graph.blobs[1]!;
    await destination.pushBlob(present.descriptor, sourceOf(present.bytes));
    const first = await copyGraph(source, destination, graph.root.descriptor);
    expect(first.blobs).toEqual({ uploaded: 2, exists: 1, mounted: 0 });

    const again = await copyGraph(source, destination, graph.root.descriptor, { tag: 'later' });
    expect(again.blobs).toEqual({ uploaded: 0, exists: 0, mounted: 0 });
    expect(again.manifests).toEqual({ copied: 0, exists: 1 });
    expect((await destination.resolve('later')).digest).toBe(graph.root.descriptor.digest);
  });

  it('copies referrers, and theirs, only when recursive', async () => {
    const subject = artifact({ 'app.bin': 'app' });
    await pushGraph(source, subject, 'v1');
    const sbom = artifact(
      { 'sbom.json': '{"sbom":1}' },
      { artifactType: 'application/spdx+json', subject: subject.root.descriptor },
    );
    await pushGraph(source, sbom);
    const signature = artifact(
      { sig: 'signature of the sbom' },
      { artifactType: 'application/vnd.example.sig', subject: sbom.root.descriptor },
    );
    await pushGraph(source, signature);

    await copyGraph(source, destination, subject.root.descriptor, { tag: 'plain' });
    expect(await destination.referrers(subject.root.descriptor)).toEqual([]);

    await copyGraph(source, destination, subject.root.descriptor, { recursive: true });
    const [found] = await destination.referrers(subject.root.descriptor);
    expect(found?.digest).toBe(sbom.root.descriptor.digest);
    const [sig] = await destination.referrers(sbom.root.descriptor);
    expect(sig?.digest).toBe(signature.root.descriptor.digest);
    await expectCopied(signature);
  });

  it('fails on a blob altered in the source, leaving no manifest and no bad blob', async () => {
    const graph = artifact({ 'a.txt': 'genuine', 'b.txt': 'fine' });
    await pushGraph(source, graph);
    const victim = graph.blobs[1]!;
    await writeFile(
      join(temp.path, 'src', 'blobs', 'sha256', victim.descriptor.digest.slice(7)),
      'altered',
    );
    await expect(
      copyGraph(source, destination, graph.root.descriptor, { tag: 'v1' }),
    ).rejects.toMatchObject({ code: 'DIGEST_MISMATCH' });
    expect(await destination.tags()).toEqual([]);
    expect(await destination.exists(victim.descriptor)).toBe(false);
    expect(await destination.exists(graph.root.descriptor)).toBe(false);
    const left = await readdir(join(temp.path, 'dst', 'blobs', 'sha256'));
    expect(left.filter((name) => name.startsWith('.'))).toEqual([]);
  });

  it('reports a missing child of the source by its digest', async () => {
    const graph = artifact({ 'a.txt': 'a' });
    await pushGraph(source, graph);
    const missing = graph.blobs[1]!.descriptor;
    await rm(join(temp.path, 'src', 'blobs', 'sha256', missing.digest.slice(7)));
    await expect(copyGraph(source, destination, graph.root.descriptor)).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringContaining(missing.digest),
    });
  });
});
