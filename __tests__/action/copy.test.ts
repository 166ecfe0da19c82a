// `command: copy` through the bundled action: between registries (digest kept, files pulled back
// intact, an index whole, blobs streamed), within one registry (mounted, or uploaded where the
// mount is refused), recursive, layouts both ways, source credentials.
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { blobPath } from '../../src/oci/layout/blob-path.js';
import { OciLayout } from '../../src/oci/layout/store.js';
import { artifact, indexOf, pushGraph, randomBytes } from '../oci/content.js';
import { basicAuthField, writeDockerConfig } from '../support/docker-config.js';
import { startFaultProxy } from '../support/fault-proxy.js';
import type { RunOptions } from '../support/run-action.js';
import { attachTo, repository, seed, skopeoDigest, useRegistries } from './registry-support.js';

/** The log without the runner's mask commands (the only place a secret may appear). */
const unmasked = (stdout: string): string =>
  stdout
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n');

const READER = { username: 'reader', password: 'open sesame' };

describe('command: copy (bundled action, real registries)', () => {
  const fx = useRegistries([{}, {}, { htpasswd: READER }]);
  const first = () => fx.registries[0]!;
  const second = () => fx.registries[1]!;
  const guarded = () => fx.registries[2]!;
  /** `command: copy` from one full reference to another (`registry` left empty). */
  const copyTo = (
    source: string,
    destination: string,
    more: Record<string, string> = {},
    options?: RunOptions,
  ) => fx.act({ command: 'copy', source, reference: destination, ...more }, options);

  it('copies between registries keeping the digest, and the files pull back intact', async () => {
    const workspace = join(fx.temp, 'push-ws');
    await mkdir(join(workspace, 'site'), { recursive: true });
    await writeFile(join(workspace, 'report.txt'), 'the report\n');
    await writeFile(join(workspace, 'site', 'index.html'), '<h1>hello</h1>\n');
    const push = await fx.act(
      {
        command: 'push',
        registry: first().host,
        reference: 'team/app:v1',
        files: 'report.txt\nsite',
      },
      { workspace },
    );
    expect(push.exitCode).toBe(0);
    const digest = push.outputs['digest']!;

    const copy = await fx.act({
      command: 'copy',
      source: `${first().host}/team/app:v1`,
      registry: second().host,
      reference: 'mirror/app',
    });
    expect(copy.exitCode).toBe(0);
    expect(copy.outputs).toEqual({ digest, reference: `${second().host}/mirror/app@${digest}` });
    // No destination tag given: the source's tag is kept.
    expect(await skopeoDigest(`${second().host}/mirror/app:v1`)).toBe(digest);
    expect(copy.stdout).toContain(
      `::group::Copy ${first().host}/team/app:v1 to ${second().host}/mirror/app:v1`,
    );
    expect(copy.summary).toContain(
      `### Copied to <code>app:v1</code>\n\n- **From:** <code>${first().host}/team/app:v1</code>\n- **To:** <code>${second().host}/mirror/app:v1</code>`,
    );
    expect(copy.summary).toContain(`- **Digest:** <code>${digest}</code>`);

    const pullWs = join(fx.temp, 'pull-ws');
    await mkdir(pullWs);
    const pull = await fx.act(
      { command: 'pull', registry: second().host, reference: `mirror/app@${digest}`, path: 'out' },
      { workspace: pullWs },
    );
    expect(pull.exitCode).toBe(0);
    expect(await readFile(join(pullWs, 'out', 'report.txt'), 'utf8')).toBe('the report\n');
    expect(await readFile(join(pullWs, 'out', 'site', 'index.html'), 'utf8')).toBe(
      '<h1>hello</h1>\n',
    );
  });

  it('copies an index with every manifest and blob below it', async () => {
    const index = await seed(
      first(),
      'team/multi',
      indexOf([artifact({ 'amd64.bin': 'for amd64' }), artifact({ 'arm64.bin': 'for arm64' })]),
      'v2',
    );
    const copy = await copyTo(
      `${first().host}/team/multi:v2`,
      `${second().host}/mirror/multi:stable`,
    );
    expect(copy.exitCode).toBe(0);
    expect(copy.outputs['digest']).toBe(index.root.descriptor.digest);
    expect(copy.summary).toContain('- **Manifests:** 3 copied, 0 already there');
    expect(await skopeoDigest(`${second().host}/mirror/multi:stable`)).toBe(
      index.root.descriptor.digest,
    );
    const mirror = repository(second(), 'mirror/multi');
    for (const content of [...index.manifests, ...index.blobs]) {
      expect(await mirror.exists(content.descriptor)).toBe(true);
    }
  });

  it('streams each blob from the source into the destination, never holding it whole', async () => {
    // The source's answer stops after 64 KiB until the destination receives the upload of that
    // very blob. A copy that read the blob whole before sending it would wait forever.
    const source = fx.stopAfter(await startFaultProxy(first().url));
    const destination = fx.stopAfter(await startFaultProxy(second().url));
    const graph = await seed(
      first(),
      'team/big',
      artifact({ 'big.bin': randomBytes(1024 * 1024).toString('base64') }),
      'v1',
    );
    const big = graph.blobs.find((b) => b.descriptor.size > 1024 * 1024)!.descriptor;
    const uploadStarted = new Promise<void>((resolve) => {
      destination.onRequest((request) => {
        const path = decodeURIComponent(request.path);
        if (
          request.method === 'PUT' &&
          path.includes('/blobs/uploads/') &&
          path.includes(big.digest)
        ) {
          resolve();
        }
      });
    });
    source.setRules([
      {
        method: 'GET',
        path: new RegExp(`/blobs/${big.digest}$`),
        fault: { kind: 'hold', afterBytes: 64 * 1024, until: uploadStarted },
      },
    ]);

    const copy = await copyTo(`${source.host}/team/big:v1`, `${destination.host}/mirror/big`);
    expect(copy.exitCode).toBe(0);
    expect(copy.stdout).toMatch(/^Copied +sha256:\w+ \(1\.3 MiB\)$/m);
    // One download, held mid-body: the upload began while it was unfinished.
    const downloads = source.requests.filter(
      (r) => r.method === 'GET' && r.path.includes(big.digest),
    );
    expect(downloads.map((r) => r.status)).toEqual([200]);
    expect(await repository(second(), 'mirror/big').exists(big)).toBe(true);
  }, 30_000);

  it('mounts blobs within one registry instead of transferring them', async () => {
    const graph = await seed(first(), 'team/base', artifact({ 'a.txt': 'a', 'b.txt': 'b' }), 'v1');
    const copy = await copyTo(`${first().host}/team/base:v1`, `${first().host}/team/promoted:prod`);
    expect(copy.exitCode).toBe(0);
    expect(copy.stdout.match(/^Mounted /gm)).toHaveLength(graph.blobs.length);
    expect(copy.summary).toContain(`0 copied (0 B), ${graph.blobs.length} mounted`);
    expect(await skopeoDigest(`${first().host}/team/promoted:prod`)).toBe(
      graph.root.descriptor.digest,
    );
  });

  it('uploads the blobs within one registry when the registry refuses to mount them', async () => {
    const proxy = fx.stopAfter(await startFaultProxy(first().url));
    proxy.setRules([
      {
        method: 'POST',
        path: /[?&]mount=/,
        fault: {
          kind: 'status',
          status: 403,
          headers: { 'content-type': 'application/json' },
          body: '{"errors":[{"code":"DENIED","message":"no mounting here"}]}',
        },
      },
    ]);
    const graph = await seed(first(), 'team/unmountable', artifact({ 'u.txt': 'upload me' }), 'v1');
    const copy = await copyTo(`${proxy.host}/team/unmountable:v1`, `${proxy.host}/team/uploaded`);
    expect(copy.exitCode).toBe(0);
    const mounts = proxy.requests.filter((r) => r.method === 'POST' && /[?&]mount=/.test(r.path));
    expect(mounts.map((r) => r.status)).toEqual(graph.blobs.map(() => 403));
    expect(copy.stdout.match(/^Copied +sha256:/gm)).toHaveLength(graph.blobs.length);
    expect(copy.summary).toContain(`- **Blobs:** ${graph.blobs.length} copied (`);
    expect(await skopeoDigest(`${first().host}/team/uploaded:v1`)).toBe(
      graph.root.descriptor.digest,
    );
  });

  it('copies referrers only with recursive: true', async () => {
    const subject = await seed(first(), 'team/signed', artifact({ 'app.bin': 'app' }), 'v1');
    const sbom = await attachTo(first(), 'team/signed', subject, 'application/spdx+json');
    const source = `${first().host}/team/signed:v1`;

    const plain = await copyTo(source, `${second().host}/plain/signed`);
    expect(plain.exitCode).toBe(0);
    expect(await repository(second(), 'plain/signed').referrers(subject.root.descriptor)).toEqual(
      [],
    );

    const deep = await copyTo(source, `${second().host}/deep/signed`, { recursive: 'true' });
    expect(deep.exitCode).toBe(0);
    const found = await repository(second(), 'deep/signed').referrers(subject.root.descriptor);
    expect(found.map((d) => d.digest)).toEqual([sbom.root.descriptor.digest]);
    expect(deep.summary).toContain('- **Referrers:** copied (recursive)');
  });

  it('copies from a layout folder to a registry and from a registry to a new layout folder', async () => {
    const origin = join(fx.temp, 'origin');
    const graph = artifact({ 'l.txt': 'from a layout' });
    await pushGraph(await OciLayout.open(origin, { create: true }), graph, 'v1');
    const up = await fx.act({
      command: 'copy',
      'source-layout': origin,
      source: 'v1',
      registry: second().host,
      reference: 'from/layout:v7',
    });
    expect(up.exitCode).toBe(0);
    expect(await skopeoDigest(`${second().host}/from/layout:v7`)).toBe(
      graph.root.descriptor.digest,
    );

    const copyDir = join(fx.temp, 'copy-dir');
    const down = await fx.act({
      command: 'copy',
      source: `${second().host}/from/layout:v7`,
      layout: copyDir,
      reference: 'local',
    });
    expect(down.exitCode).toBe(0);
    expect(down.outputs['reference']).toBe(`${copyDir}@${graph.root.descriptor.digest}`);
    const local = await OciLayout.open(copyDir, { create: false });
    expect(await local.resolve('local')).toEqual(graph.root.descriptor);
  });

  it('removes the layout folder it created when the copy fails, and keeps one that was there', async () => {
    const origin = join(fx.temp, 'damaged-origin');
    const graph = artifact({ 'd.txt': 'these bytes will not match' });
    await pushGraph(await OciLayout.open(origin, { create: true }), graph, 'v1');
    const layer = graph.blobs.at(-1)!.descriptor;
    await writeFile(blobPath(origin, layer.digest), 'other bytes, same length!!');
    const copyFrom = (layout: string) =>
      fx.act({ command: 'copy', 'source-layout': origin, source: 'v1', layout, reference: 'v1' });

    const fresh = join(fx.temp, 'fresh-layout');
    const failed = await copyFrom(fresh);
    expect(failed.exitCode).toBe(1);
    expect(failed.errors.join('\n')).toContain(layer.digest);
    await expect(stat(fresh)).rejects.toMatchObject({ code: 'ENOENT' });

    const kept = join(fx.temp, 'kept-layout');
    const earlier = artifact({ 'e.txt': 'already here' });
    await pushGraph(await OciLayout.open(kept, { create: true }), earlier, 'old');
    expect((await copyFrom(kept)).exitCode).toBe(1);
    const still = await OciLayout.open(kept, { create: false });
    expect(await still.resolve('old')).toEqual(earlier.root.descriptor);
  });

  it('reads the source with source-username and source-password, never with the destination login', async () => {
    const graph = artifact({ 'p.txt': 'private' });
    await pushGraph(repository(guarded(), 'private/app', READER), graph, 'v1');
    const source = `${guarded().host}/private/app:v1`;

    const copy = await copyTo(source, `${second().host}/public/app`, {
      'source-username': READER.username,
      'source-password': READER.password,
    });
    expect(copy.exitCode).toBe(0);
    expect(copy.stdout).toContain(`::add-mask::${READER.password}`);
    expect(unmasked(copy.stdout)).not.toContain(READER.password);
    expect(await skopeoDigest(`${second().host}/public/app:v1`)).toBe(graph.root.descriptor.digest);

    // The destination's login is for the destination's registry only.
    const dir = join(fx.temp, 'never-made');
    const wrong = await fx.act({
      command: 'copy',
      source,
      username: READER.username,
      password: READER.password,
      layout: dir,
    });
    expect(wrong.errors).toEqual([expect.stringContaining('HTTP 401')]);
    const rejected = await fx.act({
      command: 'copy',
      source,
      'source-username': READER.username,
      'source-password': 'wrong password',
      layout: dir,
    });
    expect(rejected.errors).toEqual([
      expect.stringMatching(new RegExp(`${guarded().host}/private/app.*HTTP 401`)),
    ]);
    expect(unmasked(rejected.stdout)).not.toContain('wrong password');
    await expect(stat(dir)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it("reads the source's login from the Docker config when no source-username is given", async () => {
    const config = await writeDockerConfig(join(fx.temp, 'docker-config'), {
      auths: { [guarded().host]: { auth: basicAuthField(READER.username, READER.password) } },
    });
    const copy = await copyTo(
      `${guarded().host}/private/app:v1`,
      `${second().host}/from/config`,
      {},
      { env: { DOCKER_CONFIG: config } },
    );
    expect(copy.exitCode).toBe(0);
    expect(await skopeoDigest(`${second().host}/from/config:v1`)).toBe(copy.outputs['digest']);
  });

  it('names the input at fault', async () => {
    const cases: [Record<string, string>, string][] = [
      [
        { registry: second().host, reference: 'x/y' },
        'Input "source": nothing was given; expected a full reference host/repo[:tag][@digest], or with "source-layout" a tag or digest in that folder',
      ],
      [
        {
          source: `${first().host}/team/base:v1`,
          registry: second().host,
          reference: `x/y@sha256:${'a'.repeat(64)}`,
        },
        `Input "reference": got "x/y@sha256:${'a'.repeat(64)}"; expected a destination without a digest, such as repo or repo:tag: the copy keeps the source digest`,
      ],
      [
        { 'source-layout': join(fx.temp, 'origin'), source: 'not a tag', layout: 'x' },
        'Input "source": got "not a tag"; expected a tag or digest inside "source-layout"',
      ],
      [
        { source: 'Bad Reference', registry: second().host, reference: 'x/y' },
        'Input "source": got "Bad Reference"; expected a full reference',
      ],
    ];
    for (const [inputs, message] of cases) {
      expect(await fx.fail({ command: 'copy', ...inputs })).toContain(message);
    }
    await expect(repository(second(), 'x/y').tags()).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
