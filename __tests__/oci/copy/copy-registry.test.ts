// copyGraph through real registries: layout → registry, mount within a registry, registry →
// registry streamed, registry → layout; digests unchanged, referrers through the tag schema.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { copyGraph } from '../../../src/oci/copy.js';
import { digestBytes } from '../../../src/oci/digest.js';
import { OciLayout } from '../../../src/oci/layout/store.js';
import { parseReference } from '../../../src/oci/reference.js';
import type { RemoteOptions } from '../../../src/oci/remote/options.js';
import { RemoteRepository } from '../../../src/oci/remote/repository.js';
import type { PushBlobOutcome } from '../../../src/oci/target.js';
import { startRegistry, type Registry } from '../../support/registry.js';
import { makeTempDir } from '../../support/temp.js';
import { artifact, image, indexOf, pushGraph, readAll } from '../content.js';

const run = promisify(execFile);

describe('copyGraph through registries', () => {
  let first: Registry;
  let second: Registry;
  let temp: { path: string; remove: () => Promise<void> };
  const options: RemoteOptions = { retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 5 } };
  beforeAll(async () => {
    [first, second] = await Promise.all([startRegistry(), startRegistry()]);
    temp = await makeTempDir('oci-copy-registry-');
  });
  afterAll(async () => {
    await Promise.all([first?.stop(), second?.stop()]);
    await temp?.remove();
  });

  const repo = (registry: Registry, name: string): RemoteRepository =>
    new RemoteRepository(parseReference(`${registry.host}/${name}`), options);

  it('carries an index from a layout through two registries and back, digest unchanged', async () => {
    const graph = indexOf([await image(temp.path, 'amd64 bits'), artifact({ 'a.txt': 'arm' })]);
    const origin = await OciLayout.open(join(temp.path, 'origin'), { create: true });
    await pushGraph(origin, graph, 'v1');

    const pushed = repo(first, 'team/app');
    const up = await copyGraph(origin, pushed, graph.root.descriptor, { tag: 'v1' });
    expect(up.blobs.uploaded).toBe(graph.blobs.length);
    expect(await pushed.resolve('v1')).toEqual(graph.root.descriptor);

    // Within one registry: mounted, not transferred.
    const outcomes: PushBlobOutcome[] = [];
    const mirror = repo(first, 'team/mirror');
    await copyGraph(pushed, mirror, graph.root.descriptor, {
      tag: 'v1',
      mountFrom: 'team/app',
      onBlob: (_d, outcome) => outcomes.push(outcome),
    });
    expect(outcomes).toEqual(graph.blobs.map(() => 'mounted'));

    // Across registries: streamed.
    const far = repo(second, 'elsewhere/app');
    const across = await copyGraph(mirror, far, graph.root.descriptor, { tag: 'prod' });
    expect(across.blobs).toEqual({ uploaded: graph.blobs.length, exists: 0, mounted: 0 });
    const { stdout } = await run('skopeo', [
      'inspect',
      '--raw',
      '--tls-verify=false',
      `docker://${second.host}/elsewhere/app:prod`,
    ]);
    expect(digestBytes(stdout)).toBe(graph.root.descriptor.digest);

    const back = await OciLayout.open(join(temp.path, 'back'), { create: true });
    await copyGraph(far, back, await far.resolve('prod'), { tag: 'prod' });
    expect(await back.resolve('prod')).toEqual(graph.root.descriptor);
    for (const blob of graph.blobs) {
      expect(await readAll(await back.fetch(blob.descriptor))).toEqual(blob.bytes);
    }
  });

  it('copies referrers recursively through the tag schema of a registry without the API', async () => {
    const subject = artifact({ 'app.bin': 'the app' });
    const sbom = artifact(
      { 'sbom.json': '{"packages":[]}' },
      { artifactType: 'application/spdx+json', subject: subject.root.descriptor },
    );
    const origin = await OciLayout.open(join(temp.path, 'with-referrers'), { create: true });
    await pushGraph(origin, subject, 'v1');
    await pushGraph(origin, sbom);

    const remote = repo(first, 'team/signed');
    await copyGraph(origin, remote, subject.root.descriptor, { tag: 'v1', recursive: true });
    const referrers = await remote.referrers(subject.root.descriptor);
    expect(referrers.map((d) => [d.digest, d.artifactType])).toEqual([
      [sbom.root.descriptor.digest, 'application/spdx+json'],
    ]);

    const back = await OciLayout.open(join(temp.path, 'referrers-back'), { create: true });
    await copyGraph(remote, back, subject.root.descriptor, { tag: 'v1', recursive: true });
    const local = await back.referrers(subject.root.descriptor);
    expect(local.map((d) => d.digest)).toEqual([sbom.root.descriptor.digest]);
  });
});
