// Interoperability with an independent client: skopeo reads the layouts we write and we read
// the layouts skopeo writes, with digests unchanged both ways.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { digestBytes } from '../../../src/oci/digest.js';
import { OciLayout } from '../../../src/oci/layout/store.js';
import { startRegistry, type Registry } from '../../support/registry.js';
import { makeTempDir } from '../../support/temp.js';
import { artifact, image, indexOf, pushGraph, readAll, type Graph } from '../content.js';

const run = promisify(execFile);

async function skopeo(...args: string[]): Promise<string> {
  const { stdout } = await run('skopeo', ['--insecure-policy', ...args], {
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout;
}

describe('OciLayout and skopeo', () => {
  let registry: Registry;
  let temp: { path: string; remove: () => Promise<void> };
  beforeAll(async () => {
    registry = await startRegistry();
    temp = await makeTempDir('oci-layout-skopeo-');
  });
  afterAll(async () => {
    await registry?.stop();
    await temp?.remove();
  });

  const rawDigest = async (reference: string): Promise<string> =>
    digestBytes(await skopeo('inspect', '--raw', '--tls-verify=false', `docker://${reference}`));

  async function expectReadable(layout: OciLayout, tag: string, graph: Graph): Promise<void> {
    const root = await layout.resolve(tag);
    expect(root.digest).toBe(graph.root.descriptor.digest);
    for (const blob of graph.blobs) {
      expect(await readAll(await layout.fetch(blob.descriptor))).toEqual(blob.bytes);
    }
    for (const manifest of graph.manifests) {
      expect((await layout.fetchManifest(manifest.descriptor)).bytes).toEqual(manifest.bytes);
    }
  }

  it('skopeo copies an image from a layout we wrote, digest unchanged', async () => {
    const dir = join(temp.path, 'ours-image');
    const layout = await OciLayout.open(dir, { create: true });
    const graph = await image(temp.path, 'hello from an image');
    await pushGraph(layout, graph, 'v1');
    const destination = `${registry.host}/ours/image:v1`;
    await skopeo('copy', '--dest-tls-verify=false', `oci:${dir}:v1`, `docker://${destination}`);
    expect(await rawDigest(destination)).toBe(graph.root.descriptor.digest);
  });

  it('skopeo copies a multi-platform index and an ORAS-style artifact we wrote', async () => {
    const dir = join(temp.path, 'ours-index');
    const layout = await OciLayout.open(dir, { create: true });
    const index = indexOf([await image(temp.path, 'amd64'), await image(temp.path, 'arm64')]);
    await pushGraph(layout, index, 'multi');
    const oras = artifact({ 'notes.txt': 'some notes' });
    await pushGraph(layout, oras, 'artifact');

    await skopeo(
      'copy',
      '--all',
      '--preserve-digests',
      '--dest-tls-verify=false',
      `oci:${dir}:multi`,
      `docker://${registry.host}/ours/index:multi`,
    );
    expect(await rawDigest(`${registry.host}/ours/index:multi`)).toBe(index.root.descriptor.digest);
    await skopeo(
      'copy',
      '--preserve-digests',
      '--dest-tls-verify=false',
      `oci:${dir}:artifact`,
      `docker://${registry.host}/ours/artifact:v1`,
    );
    expect(await rawDigest(`${registry.host}/ours/artifact:v1`)).toBe(oras.root.descriptor.digest);
  });

  it('reads a layout that skopeo wrote, digest unchanged', async () => {
    const graph = await image(temp.path, 'pushed by us, exported by skopeo');
    const source = join(temp.path, 'source');
    await pushGraph(await OciLayout.open(source, { create: true }), graph, 'src');
    await skopeo(
      'copy',
      '--dest-tls-verify=false',
      `oci:${source}:src`,
      `docker://${registry.host}/theirs/image:v2`,
    );

    const dir = join(temp.path, 'theirs');
    await skopeo(
      'copy',
      '--src-tls-verify=false',
      `docker://${registry.host}/theirs/image:v2`,
      `oci:${dir}:v2`,
    );
    const layout = await OciLayout.open(dir, { create: false });
    expect(JSON.parse(await readFile(join(dir, 'oci-layout'), 'utf8'))).toEqual({
      imageLayoutVersion: '1.0.0',
    });
    await expectReadable(layout, 'v2', graph);
    expect(await layout.tags()).toEqual(['v2']);

    // skopeo adds a second tag to the layout we now share; we add a third; all three resolve.
    await skopeo(
      'copy',
      '--src-tls-verify=false',
      `docker://${registry.host}/theirs/image:v2`,
      `oci:${dir}:again`,
    );
    await layout.tag(await layout.resolve('v2'), 'ours');
    expect(await layout.tags()).toEqual(['again', 'ours', 'v2']);
    for (const tag of ['again', 'ours', 'v2']) await expectReadable(layout, tag, graph);
    await skopeo('inspect', `oci:${dir}:ours`);
  });
});
