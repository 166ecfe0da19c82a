import { lstat, mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { OciLayout } from '../../../src/oci/layout/store.js';
import { digestBytes } from '../../../src/oci/digest.js';
import { OCI_LAYER_TAR } from '../../../src/oci/media-types.js';
import type { ProgressEvent } from '../../../src/oci/target.js';
import { makeTempDir } from '../../support/temp.js';
import { artifact, blob, pushGraph, readAll, sourceOf } from '../content.js';

describe('OciLayout', () => {
  let temp: { path: string; remove: () => Promise<void> };
  beforeEach(async () => (temp = await makeTempDir('oci-layout-')));
  afterEach(async () => temp.remove());

  const filesIn = async (dir: string): Promise<string[]> =>
    (await readdir(dir, { recursive: true, withFileTypes: true }))
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
      .sort();

  describe('open', () => {
    it('creates oci-layout and an empty index.json', async () => {
      const dir = join(temp.path, 'new', 'layout');
      const layout = await OciLayout.open(dir, { create: true });
      expect(layout.location).toBe(`oci-layout:${dir}`);
      expect(JSON.parse(await readFile(join(dir, 'oci-layout'), 'utf8'))).toEqual({
        imageLayoutVersion: '1.0.0',
      });
      expect(JSON.parse(await readFile(join(dir, 'index.json'), 'utf8'))).toEqual({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.index.v1+json',
        manifests: [],
      });
      expect(await layout.tags()).toEqual([]);
    });

    it('makes the location absolute', async () => {
      const cwd = process.cwd();
      process.chdir(temp.path);
      try {
        const layout = await OciLayout.open('rel', { create: true });
        expect(layout.location).toBe(`oci-layout:${join(temp.path, 'rel')}`);
      } finally {
        process.chdir(cwd);
      }
    });

    it('refuses a missing folder, or one without oci-layout, unless asked to create', async () => {
      const missing = join(temp.path, 'missing');
      await expect(OciLayout.open(missing, { create: false })).rejects.toMatchObject({
        code: 'NOT_FOUND',
        message: `OCI layout ${missing}: no such folder`,
      });
      await expect(OciLayout.open(temp.path, { create: false })).rejects.toMatchObject({
        code: 'NOT_FOUND',
        message: expect.stringContaining('has no oci-layout file'),
      });
      await expect(lstat(missing)).rejects.toThrow();
    });

    it('refuses an invalid oci-layout or index.json even with create', async () => {
      await writeFile(join(temp.path, 'oci-layout'), '{"imageLayoutVersion":"2.0.0"}');
      await expect(OciLayout.open(temp.path, { create: true })).rejects.toMatchObject({
        code: 'LAYOUT_ERROR',
        message: expect.stringContaining('unsupported imageLayoutVersion "2.0.0"'),
      });
      await writeFile(join(temp.path, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
      await writeFile(join(temp.path, 'index.json'), '{"schemaVersion":2}');
      await expect(OciLayout.open(temp.path, { create: false })).rejects.toMatchObject({
        code: 'LAYOUT_ERROR',
        message: expect.stringContaining('index.json is not an image index'),
      });
    });
  });

  describe('blobs and manifests', () => {
    it('round-trips blobs, manifests and tags', async () => {
      const layout = await OciLayout.open(temp.path, { create: true });
      const graph = artifact({ 'a.txt': 'alpha', 'b.txt': 'beta' });
      const [config, first] = graph.blobs;
      expect(await layout.exists(first!.descriptor)).toBe(false);
      expect(await layout.pushBlob(first!.descriptor, sourceOf(first!.bytes))).toBe('uploaded');
      expect(await layout.pushBlob(first!.descriptor, sourceOf(first!.bytes))).toBe('exists');
      await pushGraph(layout, graph, 'v1');

      expect(await layout.exists(config!.descriptor)).toBe(true);
      expect(await readAll(await layout.fetch(first!.descriptor))).toEqual(first!.bytes);
      const resolved = await layout.resolve('v1');
      expect(resolved).toEqual(graph.root.descriptor);
      expect(await layout.resolve(graph.root.descriptor.digest)).toEqual(graph.root.descriptor);
      const fetched = await layout.fetchManifest('v1');
      expect(fetched.bytes).toEqual(graph.root.bytes);
      expect(await layout.tags()).toEqual(['v1']);
      const hex = graph.root.descriptor.digest.slice(7);
      expect(await readFile(join(temp.path, 'blobs', 'sha256', hex))).toEqual(graph.root.bytes);

      const index = JSON.parse(await readFile(join(temp.path, 'index.json'), 'utf8'));
      expect(index.manifests).toEqual([
        {
          ...graph.root.descriptor,
          annotations: { 'org.opencontainers.image.ref.name': 'v1' },
        },
      ]);
    });

    it('moves a tag to the newest manifest and keeps untagged manifests reachable', async () => {
      const layout = await OciLayout.open(temp.path, { create: true });
      const one = artifact({ 'a.txt': 'one' });
      const two = artifact({ 'a.txt': 'two' });
      await pushGraph(layout, one, 'latest');
      await pushGraph(layout, two, 'latest');
      expect((await layout.resolve('latest')).digest).toBe(two.root.descriptor.digest);
      const untagged = artifact({ 'a.txt': 'three' });
      await pushGraph(layout, untagged);
      const index = JSON.parse(await readFile(join(temp.path, 'index.json'), 'utf8'));
      expect(index.manifests.map((d: { digest: string }) => d.digest)).toEqual([
        two.root.descriptor.digest,
        untagged.root.descriptor.digest,
      ]);
      expect(await layout.resolve(untagged.root.descriptor.digest)).toEqual(
        untagged.root.descriptor,
      );
      await expect(layout.resolve(one.root.descriptor.digest)).resolves.toMatchObject({
        digest: one.root.descriptor.digest,
        mediaType: one.root.descriptor.mediaType,
      });
    });

    it('tags, lists tags sorted, and deletes index entries', async () => {
      const layout = await OciLayout.open(temp.path, { create: true });
      const graph = artifact({ 'a.txt': 'x' });
      await pushGraph(layout, graph, 'b');
      await layout.tag(graph.root.descriptor, 'a');
      await layout.tag(graph.root.descriptor, 'c');
      expect(await layout.tags()).toEqual(['a', 'b', 'c']);
      await layout.delete(graph.root.descriptor);
      expect(await layout.tags()).toEqual([]);
      await expect(layout.resolve('a')).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(layout.delete(graph.root.descriptor)).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
      const ghost = blob('{"ghost":1}', 'application/vnd.oci.image.manifest.v1+json');
      await expect(layout.tag(ghost.descriptor, 'x')).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
      await expect(layout.tag(graph.root.descriptor, 'bad tag')).rejects.toMatchObject({
        code: 'INVALID_REFERENCE',
      });
    });

    it('refuses a manifest whose blobs are missing, writing nothing', async () => {
      const layout = await OciLayout.open(temp.path, { create: true });
      const graph = artifact({ 'a.txt': 'x' });
      await expect(
        layout.pushManifest(graph.root.descriptor, graph.root.bytes, 'v1'),
      ).rejects.toMatchObject({ code: 'INVALID_MANIFEST' });
      expect(await filesIn(temp.path)).toEqual(['index.json', 'oci-layout']);
      expect(await layout.tags()).toEqual([]);
    });

    it('reports progress up to the full size', async () => {
      const layout = await OciLayout.open(temp.path, { create: true });
      const layer = blob(Buffer.alloc(300_000, 7), OCI_LAYER_TAR);
      const pushed: ProgressEvent[] = [];
      await layout.pushBlob(layer.descriptor, sourceOf(layer.bytes), {
        onProgress: (e) => pushed.push(e),
      });
      expect(pushed.at(-1)).toMatchObject({ done: 300_000, total: 300_000 });
      const fetched: ProgressEvent[] = [];
      await readAll(await layout.fetch(layer.descriptor, { onProgress: (e) => fetched.push(e) }));
      expect(fetched.at(-1)).toMatchObject({ done: 300_000, total: 300_000 });
    });
  });

  describe('atomicity and integrity', () => {
    it('leaves no file behind when the content does not match its digest', async () => {
      const layout = await OciLayout.open(temp.path, { create: true });
      const layer = blob('expected bytes', OCI_LAYER_TAR);
      const wrong = sourceOf(Buffer.from('other  bytes!!'));
      await expect(layout.pushBlob(layer.descriptor, wrong)).rejects.toMatchObject({
        code: 'DIGEST_MISMATCH',
      });
      const longer = sourceOf(Buffer.from('expected bytes and more'));
      await expect(layout.pushBlob(layer.descriptor, longer)).rejects.toMatchObject({
        code: 'SIZE_MISMATCH',
      });
      expect(await filesIn(temp.path)).toEqual(['index.json', 'oci-layout']);
      expect(await layout.exists(layer.descriptor)).toBe(false);
    });

    it('leaves no file behind when the source fails half way', async () => {
      const layout = await OciLayout.open(temp.path, { create: true });
      const layer = blob(Buffer.alloc(100_000, 1), OCI_LAYER_TAR);
      const failing = {
        open: () =>
          Readable.from(
            (async function* () {
              yield Buffer.alloc(50_000, 1);
              throw new Error('disk on fire');
            })(),
          ),
      };
      await expect(layout.pushBlob(layer.descriptor, failing)).rejects.toThrow('disk on fire');
      expect(await filesIn(temp.path)).toEqual(['index.json', 'oci-layout']);
    });

    it('fails the fetch stream when a blob was altered at rest', async () => {
      const layout = await OciLayout.open(temp.path, { create: true });
      const layer = blob('original', OCI_LAYER_TAR);
      await layout.pushBlob(layer.descriptor, sourceOf(layer.bytes));
      await writeFile(
        join(temp.path, 'blobs', 'sha256', layer.descriptor.digest.slice(7)),
        'tampere',
      );
      await expect(readAll(await layout.fetch(layer.descriptor))).rejects.toMatchObject({
        code: 'SIZE_MISMATCH',
      });
      await writeFile(
        join(temp.path, 'blobs', 'sha256', layer.descriptor.digest.slice(7)),
        'tampered',
      );
      await expect(readAll(await layout.fetch(layer.descriptor))).rejects.toMatchObject({
        code: 'DIGEST_MISMATCH',
      });
    });

    it('refuses to read a blob through a symbolic link', async () => {
      const layout = await OciLayout.open(temp.path, { create: true });
      const secret = join(temp.path, 'secret');
      await writeFile(secret, 'not yours');
      const layer = blob('not yours', OCI_LAYER_TAR);
      await mkdir(join(temp.path, 'blobs', 'sha256'), { recursive: true });
      await symlink(secret, join(temp.path, 'blobs', 'sha256', layer.descriptor.digest.slice(7)));
      await expect(layout.fetch(layer.descriptor)).rejects.toMatchObject({
        code: 'LAYOUT_ERROR',
        message: expect.stringContaining('symbolic link'),
      });
      expect(await layout.exists(layer.descriptor)).toBe(false);
    });

    it('refuses a manifest larger than 4 MiB', async () => {
      const layout = await OciLayout.open(temp.path, { create: true });
      const big = {
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        digest: digestBytes('x'),
        size: 5 * 1024 * 1024,
      };
      await expect(layout.fetchManifest(big)).rejects.toMatchObject({
        code: 'SIZE_LIMIT_EXCEEDED',
      });
    });
  });

  describe('concurrency', () => {
    it('keeps every tag when many are set at once, from two handles on one folder', async () => {
      const a = await OciLayout.open(temp.path, { create: true });
      const b = await OciLayout.open(temp.path, { create: false });
      const graph = artifact({ 'a.txt': 'x' });
      await pushGraph(a, graph);
      const names = Array.from({ length: 40 }, (_, i) => `t${String(i).padStart(2, '0')}`);
      await Promise.all(names.map((t, i) => (i % 2 ? a : b).tag(graph.root.descriptor, t)));
      expect(await a.tags()).toEqual(names);
    });

    it('keeps every manifest when many are pushed at once', async () => {
      const layout = await OciLayout.open(temp.path, { create: true });
      const graphs = Array.from({ length: 20 }, (_, i) => artifact({ 'a.txt': `n${i}` }));
      await Promise.all(graphs.map((g, i) => pushGraph(layout, g, `v${i}`)));
      for (const [i, g] of graphs.entries()) {
        expect((await layout.resolve(`v${i}`)).digest).toBe(g.root.descriptor.digest);
      }
    });

    it('writes one blob once when the same digest is pushed concurrently', async () => {
      const layout = await OciLayout.open(temp.path, { create: true });
      const layer = blob(Buffer.alloc(200_000, 3), OCI_LAYER_TAR);
      let opened = 0;
      const source = { open: () => (opened++, Readable.from([layer.bytes])) };
      const outcomes = await Promise.all(
        Array.from({ length: 5 }, () => layout.pushBlob(layer.descriptor, source)),
      );
      expect(outcomes.sort()).toEqual(['exists', 'exists', 'exists', 'exists', 'uploaded']);
      expect(opened).toBe(1);
    });
  });

  describe('referrers', () => {
    it('finds manifests whose subject is the given one, filtered by artifact type', async () => {
      const layout = await OciLayout.open(temp.path, { create: true });
      const subject = artifact({ 'app.bin': 'app' });
      await pushGraph(layout, subject, 'v1');
      const sbom = artifact(
        { 'sbom.json': '{}' },
        {
          artifactType: 'application/spdx+json',
          subject: subject.root.descriptor,
          annotations: { purpose: 'sbom' },
        },
      );
      const sig = artifact(
        { sig: 'sig' },
        { artifactType: 'application/vnd.example.sig', subject: subject.root.descriptor },
      );
      await pushGraph(layout, sbom);
      await pushGraph(layout, sig);
      const all = await layout.referrers(subject.root.descriptor);
      expect(all.map((d) => d.digest).sort()).toEqual(
        [sbom.root.descriptor.digest, sig.root.descriptor.digest].sort(),
      );
      expect(await layout.referrers(subject.root.descriptor, 'application/spdx+json')).toEqual([
        {
          ...sbom.root.descriptor,
          artifactType: 'application/spdx+json',
          annotations: { purpose: 'sbom' },
        },
      ]);
      expect(await layout.referrers(sbom.root.descriptor)).toEqual([]);
    });
  });
});
