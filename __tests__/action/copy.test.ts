// `command: copy` through the bundled action: between registries (digest kept, files pulled back
// intact), within one registry (mounted), recursive, layouts both ways, source credentials.
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { OciLayout } from '../../src/oci/layout/store.js';
import { parseReference } from '../../src/oci/reference.js';
import { RemoteRepository } from '../../src/oci/remote/repository.js';
import { startRegistry, type Registry } from '../support/registry.js';
import { makeTempDir } from '../support/temp.js';
import { artifact, pushGraph } from '../oci/layout/content.js';
import {
  actionRunner,
  attachTo,
  failure,
  repository,
  seed,
  skopeoDigest,
} from './registry-support.js';

/** The log without the runner's mask commands (the only place a secret may appear). */
const unmasked = (stdout: string): string =>
  stdout
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n');

describe('command: copy (bundled action, real registries)', () => {
  let first: Registry;
  let second: Registry;
  let guarded: Registry;
  let temp: { path: string; remove: () => Promise<void> };
  const { act, cleanup } = actionRunner();
  beforeAll(async () => {
    [first, second, guarded] = await Promise.all([
      startRegistry(),
      startRegistry(),
      startRegistry({ htpasswd: { username: 'reader', password: 'open sesame' } }),
    ]);
    temp = await makeTempDir('oci-copy-action-');
  });
  afterAll(async () => {
    await Promise.all([first?.stop(), second?.stop(), guarded?.stop()]);
    await temp?.remove();
    await cleanup();
  });

  it('copies between registries keeping the digest, and the files pull back intact', async () => {
    const workspace = join(temp.path, 'push-ws');
    await mkdir(join(workspace, 'site'), { recursive: true });
    await writeFile(join(workspace, 'report.txt'), 'the report\n');
    await writeFile(join(workspace, 'site', 'index.html'), '<h1>hello</h1>\n');
    const push = await act(
      {
        command: 'push',
        registry: first.host,
        reference: 'team/app:v1',
        files: 'report.txt\nsite',
      },
      { workspace },
    );
    expect(push.exitCode).toBe(0);
    const digest = push.outputs['digest']!;

    const copy = await act({
      command: 'copy',
      source: `${first.host}/team/app:v1`,
      registry: second.host,
      reference: 'mirror/app',
    });
    expect(copy.exitCode).toBe(0);
    expect(copy.outputs).toEqual({ digest, reference: `${second.host}/mirror/app@${digest}` });
    // No destination tag given: the source's tag is kept.
    expect(await skopeoDigest(`${second.host}/mirror/app:v1`)).toBe(digest);
    expect(copy.stdout).toContain(
      `::group::Copy ${first.host}/team/app:v1 to ${second.host}/mirror/app:v1`,
    );
    expect(copy.summary).toContain(`| Digest | <code>${digest}</code> |`);

    const pullWs = join(temp.path, 'pull-ws');
    await mkdir(pullWs);
    const pull = await act(
      { command: 'pull', registry: second.host, reference: `mirror/app@${digest}`, path: 'out' },
      { workspace: pullWs },
    );
    expect(pull.exitCode).toBe(0);
    expect(await readFile(join(pullWs, 'out', 'report.txt'), 'utf8')).toBe('the report\n');
    expect(await readFile(join(pullWs, 'out', 'site', 'index.html'), 'utf8')).toBe(
      '<h1>hello</h1>\n',
    );
  });

  it('mounts blobs within one registry instead of transferring them', async () => {
    const graph = await seed(first, 'team/base', artifact({ 'a.txt': 'a', 'b.txt': 'b' }), 'v1');
    const copy = await act({
      command: 'copy',
      source: `${first.host}/team/base:v1`,
      registry: first.host,
      reference: 'team/promoted:prod',
    });
    expect(copy.exitCode).toBe(0);
    expect(copy.stdout.match(/^Mounted /gm)).toHaveLength(graph.blobs.length);
    expect(copy.summary).toContain(`0 copied (0 B), ${graph.blobs.length} mounted`);
    expect(await skopeoDigest(`${first.host}/team/promoted:prod`)).toBe(
      graph.root.descriptor.digest,
    );
  });

  it('copies referrers only with recursive: true', async () => {
    const subject = await seed(first, 'team/signed', artifact({ 'app.bin': 'app' }), 'v1');
    const sbom = await attachTo(first, 'team/signed', subject, 'application/spdx+json');
    const source = `${first.host}/team/signed:v1`;

    const plain = await act({
      command: 'copy',
      source,
      registry: second.host,
      reference: 'plain/signed',
    });
    expect(plain.exitCode).toBe(0);
    expect(await repository(second, 'plain/signed').referrers(subject.root.descriptor)).toEqual([]);

    const deep = await act({
      command: 'copy',
      source,
      registry: second.host,
      reference: 'deep/signed',
      recursive: 'true',
    });
    expect(deep.exitCode).toBe(0);
    const found = await repository(second, 'deep/signed').referrers(subject.root.descriptor);
    expect(found.map((d) => d.digest)).toEqual([sbom.root.descriptor.digest]);
  });

  it('copies from a layout folder to a registry and from a registry to a new layout folder', async () => {
    const origin = join(temp.path, 'origin');
    const graph = artifact({ 'l.txt': 'from a layout' });
    await pushGraph(await OciLayout.open(origin, { create: true }), graph, 'v1');
    const up = await act({
      command: 'copy',
      'source-layout': origin,
      source: 'v1',
      registry: second.host,
      reference: 'from/layout:v7',
    });
    expect(up.exitCode).toBe(0);
    expect(await skopeoDigest(`${second.host}/from/layout:v7`)).toBe(graph.root.descriptor.digest);

    const copyDir = join(temp.path, 'copy-dir');
    const down = await act({
      command: 'copy',
      source: `${second.host}/from/layout:v7`,
      layout: copyDir,
      reference: 'local',
    });
    expect(down.exitCode).toBe(0);
    expect(down.outputs['reference']).toBe(`${copyDir}@${graph.root.descriptor.digest}`);
    const local = await OciLayout.open(copyDir, { create: false });
    expect(await local.resolve('local')).toEqual(graph.root.descriptor);
  });

  it('reads the source with source-username and source-password', async () => {
    const credentials = { kind: 'basic' as const, username: 'reader', password: 'open sesame' };
    const guardedRepo = new RemoteRepository(parseReference(`${guarded.host}/private/app`), {
      credentials,
    });
    const graph = artifact({ 'p.txt': 'private' });
    await pushGraph(guardedRepo, graph, 'v1');

    const copy = await act({
      command: 'copy',
      source: `${guarded.host}/private/app:v1`,
      'source-username': 'reader',
      'source-password': 'open sesame',
      registry: second.host,
      reference: 'public/app',
    });
    expect(copy.exitCode).toBe(0);
    expect(copy.stdout).toContain('::add-mask::open sesame');
    expect(unmasked(copy.stdout)).not.toContain('open sesame');
    expect(await skopeoDigest(`${second.host}/public/app:v1`)).toBe(graph.root.descriptor.digest);

    const dir = join(temp.path, 'never-made');
    const wrong = await act({
      command: 'copy',
      source: `${guarded.host}/private/app:v1`,
      'source-username': 'reader',
      'source-password': 'wrong password',
      layout: dir,
    });
    const message = failure(wrong);
    expect(message).toContain(`${guarded.host}/private/app`);
    expect(message).toContain('HTTP 401');
    expect(unmasked(wrong.stdout)).not.toContain('wrong password');
    await expect(stat(dir)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('names the input at fault, and the missing source', async () => {
    expect(failure(await act({ command: 'copy', registry: second.host, reference: 'x/y' }))).toBe(
      'Input "source": nothing was given; expected a full reference host/repo[:tag][@digest], or with "source-layout" a tag or digest in that folder',
    );
    expect(
      failure(
        await act({
          command: 'copy',
          source: `${first.host}/team/base:v1`,
          registry: second.host,
          reference: `x/y@sha256:${'a'.repeat(64)}`,
        }),
      ),
    ).toContain('Input "reference": got "x/y@sha256:');
    expect(
      failure(
        await act({
          command: 'copy',
          source: `${first.host}/team/base:nope`,
          registry: second.host,
          reference: 'x/y',
        }),
      ),
    ).toContain(`${first.host}/team/base:nope not found`);
    expect(
      failure(
        await act({
          command: 'copy',
          source: `${first.host}/no/such:v1`,
          registry: second.host,
          reference: 'x/y',
        }),
      ),
    ).toContain(`${first.host}/no/such:v1 not found`);
    expect(
      await repository(second, 'x/y')
        .tags()
        .catch((e: Error) => e.message),
    ).toContain('404');
  });
});
