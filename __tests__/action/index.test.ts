// `command: index` through the bundled action against the real registry: a matrix fan-in (each
// job pushed with artifact-platform) read by skopeo and copied by `skopeo copy --all`, the same
// entries giving the same digest, updates adding, replacing and removing entries, manifests of
// another repository copied in, a concurrent writer detected by the read-back, layouts, errors.
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ImageIndex } from '../../src/oci/descriptor.js';
import { digestBytes } from '../../src/oci/digest.js';
import { OciLayout } from '../../src/oci/layout/store.js';
import { artifact, platformArtifact, pushGraph } from '../oci/content.js';
import { startFaultProxy } from '../support/fault-proxy.js';
import { repository, seed, useRegistries } from './registry-support.js';

const run = promisify(execFile);

async function skopeoRaw(image: string): Promise<Buffer> {
  const { stdout } = await run(
    'skopeo',
    ['inspect', '--raw', '--tls-verify=false', `docker://${image}`],
    { encoding: 'buffer', maxBuffer: 16 * 1024 * 1024 },
  );
  return stdout;
}

const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const indexOf = (text: string): ImageIndex => JSON.parse(text) as ImageIndex;
const platforms = (index: ImageIndex): string[] =>
  index.manifests.map((m) =>
    m.platform
      ? `${m.platform.os}/${m.platform.architecture}${m.platform.variant ? `/${m.platform.variant}` : ''}`
      : '-',
  );

describe('command: index (bundled action, real registry)', () => {
  const fx = useRegistries([{}, {}]);
  const host = () => fx.registries[0]!.host;
  let workspace: string;
  beforeAll(async () => {
    workspace = join(fx.temp, 'ws');
    await mkdir(workspace, { recursive: true });
  });

  /** A matrix job: pushes its `dist` folder built "for" a platform, with artifact-platform. */
  const pushFor = async (repo: string, tag: string, platform: string, text = platform) => {
    await mkdir(join(workspace, 'dist'), { recursive: true });
    await writeFile(join(workspace, 'dist', 'tool'), `tool for ${text}\n`);
    const result = await fx.act(
      {
        command: 'push',
        registry: host(),
        reference: `${repo}:${tag}`,
        files: 'dist',
        'artifact-type': 'application/vnd.example.tool.v1',
        'artifact-platform': platform,
      },
      { workspace },
    );
    expect(result.exitCode).toBe(0);
    return result.outputs['digest']!;
  };
  const index = (inputs: Record<string, string>) =>
    fx.act({ command: 'index', registry: host(), ...inputs });

  it('lists matrix outputs with the platforms their configs name; skopeo reads and copies it', async () => {
    const linux = await pushFor('team/tool', 'linux', 'linux/amd64');
    const windows = await pushFor('team/tool', 'windows', 'windows/amd64');
    const darwin = await pushFor('team/tool', 'darwin', 'darwin/arm64');

    const result = await index({
      reference: 'team/tool:v1',
      manifests: 'linux\nwindows\n# a comment\ndarwin',
      'artifact-type': 'application/vnd.example.tool.set.v1',
      annotations: 'org.opencontainers.image.source=https://example.com/tool',
    });
    expect(result.exitCode).toBe(0);
    const bytes = result.outputs['manifest']!;
    const digest = digestBytes(bytes);
    expect(result.outputs).toEqual({
      digest,
      reference: `${host()}/team/tool@${digest}`,
      'media-type': OCI_INDEX,
      'artifact-type': 'application/vnd.example.tool.set.v1',
      size: String(Buffer.byteLength(bytes)),
      manifest: bytes,
      tags: JSON.stringify([`${host()}/team/tool:v1`]),
    });
    const body = indexOf(bytes);
    expect(body.mediaType).toBe(OCI_INDEX);
    expect(body.annotations).toEqual({
      'org.opencontainers.image.source': 'https://example.com/tool',
    });
    // In the order given, each with the platform its config names (and, so that skopeo 1.9
    // copies it unchanged, without the manifests' artifactType).
    expect(body.manifests.map((m) => m.digest)).toEqual([linux, windows, darwin]);
    expect(platforms(body)).toEqual(['linux/amd64', 'windows/amd64', 'darwin/arm64']);
    expect(body.manifests.map((m) => m.artifactType)).toEqual([undefined, undefined, undefined]);
    expect(result.stdout).toMatch(
      /^Entry sha256:\w{12} darwin\/arm64 \(from its config\) ← darwin$/m,
    );
    expect(result.stdout).toContain(`::group::Create index ${host()}/team/tool:v1`);
    // A short heading, facts with the full reference, short digests in the table and the full
    // references of its rows to copy from.
    expect(result.summary).toContain('### Created index <code>tool:v1</code>\n');
    expect(result.summary).toContain(`- **Reference:** <code>${host()}/team/tool@${digest}</code>`);
    expect(result.summary).toContain(
      `| <code>windows/amd64</code> | <code>${windows.slice(0, 19)}…</code> | <code>application/<wbr>vnd.oci.image.manifest.v1+json</code> |`,
    );
    expect(result.summary).toContain(
      ['```', ...[linux, windows, darwin].map((d) => `${host()}/team/tool@${d}`), '```'].join('\n'),
    );

    // An independent client reads exactly these bytes…
    expect((await skopeoRaw(`${host()}/team/tool:v1`)).toString()).toBe(bytes);
    // …and copies the index with every platform's manifest to another registry.
    const mirror = `${fx.registries[1]!.host}/mirror/tool:v1`;
    await run('skopeo', [
      'copy',
      '--all',
      // Fails should skopeo need to re-write any manifest (it would lose artifactType: skopeo
      // 1.9 predates image-spec 1.1). A folder layer is gzipped already, so it need not.
      '--preserve-digests',
      '--src-tls-verify=false',
      '--dest-tls-verify=false',
      `docker://${host()}/team/tool:v1`,
      `docker://${mirror}`,
    ]);
    expect((await skopeoRaw(mirror)).toString()).toBe(bytes);
    for (const child of [linux, windows, darwin]) {
      expect(digestBytes(await skopeoRaw(`${fx.registries[1]!.host}/mirror/tool@${child}`))).toBe(
        child,
      );
    }

    // The same entries give the same index, byte for byte: nothing in it depends on time.
    const again = await index({
      reference: 'team/tool:v1-again',
      manifests: 'linux\nwindows\ndarwin',
      'artifact-type': 'application/vnd.example.tool.set.v1',
      annotations: 'org.opencontainers.image.source=https://example.com/tool',
      tags: 'latest',
    });
    expect(again.outputs['digest']).toBe(digest);
    expect(JSON.parse(again.outputs['tags']!)).toEqual([
      `${host()}/team/tool:v1-again`,
      `${host()}/team/tool:latest`,
    ]);
    // Another order is another index.
    const reordered = await index({ reference: 'team/tool:v1-b', manifests: 'darwin\nlinux' });
    expect(reordered.outputs['digest']).not.toBe(digest);
  });

  it('takes platform= from the line, and lists a manifest by digest or full reference', async () => {
    const plain = await seed(fx.registry, 'team/plain', artifact({ 'a.txt': 'no platform' }), 'a');
    const other = await seed(fx.registry, 'team/plain', artifact({ 'b.txt': 'none either' }), 'b');
    const result = await index({
      reference: 'team/plain:set',
      manifests: [
        `a platform=linux/arm/v7`,
        `${host()}/team/plain@${other.root.descriptor.digest} platform=linux/riscv64`,
      ].join('\n'),
    });
    expect(result.exitCode).toBe(0);
    const body = indexOf(result.outputs['manifest']!);
    expect(platforms(body)).toEqual(['linux/arm/v7', 'linux/riscv64']);
    expect(body.manifests[0]!.digest).toBe(plain.root.descriptor.digest);
    expect(body.artifactType).toBeUndefined();
    expect(result.stdout).toMatch(
      /^Entry sha256:\w{12} linux\/arm\/v7 \(given\) ← a platform=linux\/arm\/v7$/m,
    );
  });

  it('warns about a manifest without any platform, and lists it anyway', async () => {
    await seed(fx.registry, 'team/bare', artifact({ 'a.txt': 'bare' }), 'v1');
    const result = await index({ reference: 'team/bare:set', manifests: 'v1' });
    expect(result.exitCode).toBe(0);
    expect(platforms(indexOf(result.outputs['manifest']!))).toEqual(['-']);
    expect(result.stdout).toContain(
      '::warning::"v1" names no platform (none on its line, none in its config): "platform" never picks it.',
    );
  });

  it('updates an index: adds, replaces the entry of the same platform in place, removes', async () => {
    await pushFor('team/app', 'linux', 'linux/amd64');
    const windows = await pushFor('team/app', 'windows', 'windows/amd64');
    await pushFor('team/app', 'darwin', 'darwin/arm64');
    const created = await index({
      reference: 'team/app:v2',
      manifests: 'linux\nwindows\ndarwin',
      'artifact-type': 'application/vnd.example.set.v1',
    });
    expect(created.exitCode).toBe(0);

    // A re-run of the linux job pushes a new build; arm64 linux joins; windows leaves.
    const linuxAgain = await pushFor('team/app', 'linux-2', 'linux/amd64', 'linux, rebuilt');
    const arm64 = await pushFor('team/app', 'linux-arm64', 'linux/arm64');
    const updated = await index({
      reference: 'team/app:v2',
      add: 'linux-2\nlinux-arm64',
      remove: 'platform=windows/amd64',
      annotations: 'org.example.run=2',
    });
    expect(updated.exitCode).toBe(0);
    const body = indexOf(updated.outputs['manifest']!);
    expect(platforms(body)).toEqual(['linux/amd64', 'darwin/arm64', 'linux/arm64']);
    expect(body.manifests[0]!.digest).toBe(linuxAgain);
    expect(body.manifests[2]!.digest).toBe(arm64);
    // Kept from the index, and the annotations set over its own.
    expect(body.artifactType).toBe('application/vnd.example.set.v1');
    expect(body.annotations).toEqual({ 'org.example.run': '2' });
    expect(updated.stdout).toMatch(/^Removed sha256:\w{12} ← platform=windows\/amd64$/m);
    expect(updated.stdout).toMatch(/^Replaced sha256:\w{12} ← linux-2$/m);
    expect(updated.summary).toContain('### Updated index <code>app:v2</code>\n');
    // The tag moved to the new index.
    expect(digestBytes(await skopeoRaw(`${host()}/team/app:v2`))).toBe(updated.outputs['digest']);

    // Removing by tag, and by a digest that is not listed: refused, the tag stays.
    const refused = await fx.fail({
      command: 'index',
      registry: host(),
      reference: 'team/app:v2',
      remove: `linux-arm64\n${windows}`,
    });
    expect(refused).toBe(
      `"remove" line "${windows}" matches no entry of the index; nothing was written`,
    );
    expect(digestBytes(await skopeoRaw(`${host()}/team/app:v2`))).toBe(updated.outputs['digest']);
    const removed = await index({ reference: 'team/app:v2', remove: 'linux-arm64' });
    expect(platforms(indexOf(removed.outputs['manifest']!))).toEqual([
      'linux/amd64',
      'darwin/arm64',
    ]);
  });

  it('copies in the manifests of another repository of the registry, mounting their blobs', async () => {
    const a = await seed(
      fx.registry,
      'team/builds-a',
      platformArtifact({ x: 'a' }, { os: 'linux', architecture: 'amd64' }),
      'v1',
    );
    const b = await seed(
      fx.registry,
      'team/builds-b',
      platformArtifact({ x: 'b' }, { os: 'linux', architecture: 'arm64' }),
      'v1',
    );
    const result = await fx.act({
      command: 'index',
      reference: `${host()}/team/bundle:v1`,
      manifests: `team/builds-a:v1\n${host()}/team/builds-b:v1`,
    });
    expect(result.exitCode).toBe(0);
    expect(platforms(indexOf(result.outputs['manifest']!))).toEqual(['linux/amd64', 'linux/arm64']);
    expect(result.stdout).toContain(
      `Copied ${host()}/team/builds-a@${a.root.descriptor.digest} into ${host()}/team/bundle: 2 blob(s) mounted, 0 uploaded, 0 already there`,
    );
    const bundle = repository(fx.registry, 'team/bundle');
    for (const content of [...a.blobs, ...a.manifests, ...b.blobs, ...b.manifests]) {
      expect(await bundle.exists(content.descriptor)).toBe(true);
    }
    expect(digestBytes(await skopeoRaw(`${host()}/team/bundle:v1`))).toBe(result.outputs['digest']);
  });

  it('applies an update again on top of what another writer put there meanwhile', async () => {
    const proxy = fx.stopAfter(await startFaultProxy(fx.registry.url));
    await pushFor('team/race', 'linux', 'linux/amd64');
    await pushFor('team/race', 'windows', 'windows/amd64');
    await pushFor('team/race', 'darwin', 'darwin/arm64');
    await pushFor('team/race', 'arm64', 'linux/arm64');
    await index({ reference: 'team/race:v1', manifests: 'linux\nwindows' });
    // The other writer's index: the same, plus darwin.
    await index({ reference: 'team/race:theirs', manifests: 'linux\nwindows\ndarwin' });
    // The read-back after our push (the second HEAD of v1) sees the other writer's index.
    proxy.setRules([
      {
        method: 'HEAD',
        path: /\/manifests\/v1$/,
        skip: 1,
        times: 1,
        fault: { kind: 'rewrite', path: (path) => path.replace(/v1$/, 'theirs') },
      },
    ]);
    const result = await fx.act({
      command: 'index',
      registry: proxy.host,
      reference: 'team/race:v1',
      add: 'arm64',
    });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(
      /^::warning::127\.0\.0\.1:\d+\/team\/race:v1 was replaced by another writer meanwhile \(now sha256:\w{12}\); applying this update again on top of it$/m,
    );
    // Both edits are in: theirs (darwin) and ours (arm64).
    const final = indexOf((await skopeoRaw(`${host()}/team/race:v1`)).toString());
    expect(platforms(final)).toEqual([
      'linux/amd64',
      'windows/amd64',
      'darwin/arm64',
      'linux/arm64',
    ]);
    expect(digestBytes(JSON.stringify(final))).toBe(result.outputs['digest']);

    // A writer that keeps replacing it: the update gives up and says so.
    await index({ reference: 'team/race:always', manifests: 'linux\narm64' });
    proxy.setRules([
      {
        method: 'HEAD',
        path: /\/manifests\/v1$/,
        skip: 1,
        fault: { kind: 'rewrite', path: (path) => path.replace(/v1$/, 'always') },
      },
    ]);
    const error = await fx.fail({
      command: 'index',
      registry: proxy.host,
      reference: 'team/race:v1',
      remove: 'platform=linux/arm64',
    });
    expect(error).toMatch(
      /^127\.0\.0\.1:\d+\/team\/race:v1 was replaced by another writer 4 times while this update wrote it \(it is now sha256:\w+\); update one index from one job at a time, or create it in one fan-in job$/,
    );
  });

  it('writes an index into a layout folder over the manifests it holds', async () => {
    const dir = join(fx.temp, 'layout');
    const layout = await OciLayout.open(dir, { create: true });
    const a = platformArtifact({ f: '1' }, { os: 'linux', architecture: 'amd64' });
    const b = platformArtifact({ f: '2' }, { os: 'windows', architecture: 'amd64' });
    await pushGraph(layout, a, 'linux');
    await pushGraph(layout, b);
    const result = await fx.act({
      command: 'index',
      layout: dir,
      reference: 'multi',
      manifests: `linux\n${b.root.descriptor.digest}`,
    });
    expect(result.exitCode).toBe(0);
    expect(result.outputs['reference']).toBe(`${dir}@${result.outputs['digest']}`);
    expect((await layout.resolve('multi')).digest).toBe(result.outputs['digest']);
    expect(platforms(indexOf(result.outputs['manifest']!))).toEqual([
      'linux/amd64',
      'windows/amd64',
    ]);
  });

  it('refuses bad input before writing anything', async () => {
    await pushFor('team/err', 'one', 'linux/amd64');
    await pushFor('team/err', 'two', 'linux/amd64', 'again');
    const fail = (inputs: Record<string, string>) =>
      fx.fail({ command: 'index', registry: host(), reference: 'team/err:set', ...inputs });
    expect(await fail({ manifests: 'one\ntwo' })).toBe(
      '"one" and "two" are both linux/amd64; an index lists one manifest per platform, or "platform" could not tell them apart',
    );
    expect(await fail({ manifests: 'one\none' })).toMatch(
      /^"one" and "one" are the same manifest \(sha256:\w+\); list it once$/,
    );
    expect(await fail({})).toMatch(
      /^Input "manifests": nothing was given; expected the manifests of the index/,
    );
    expect(await fail({ manifests: 'one', add: 'two' })).toMatch(
      /^Input "manifests": got "one"; expected nothing when "add" or "remove" is given/,
    );
    expect(await fail({ manifests: 'other.example.com/team/x:v1' })).toBe(
      `Input "manifests": got "other.example.com/team/x:v1"; expected a manifest on the registry of "reference" (${host()}): copy it there first with command: copy`,
    );
    expect(await fail({ manifests: 'one platform=linux' })).toMatch(
      /^Input "manifests": got "linux"; expected os\/arch\[\/variant\]/,
    );
    expect(await fail({ manifests: 'one colour=blue' })).toMatch(
      /^Input "manifests": got "one colour=blue"; expected a tag or digest of the index's repository/,
    );
    expect(await fail({ manifests: 'nope' })).toContain(
      `${host()}/team/err:nope not found: the repository has no tag "nope" (its tags: one, two): `,
    );
    expect(await fail({ add: 'two' })).toMatch(
      /^127\.0\.0\.1:\d+\/team\/err:set not found: the repository has no tag "set"/,
    );
    expect(await fail({ reference: 'team/err:one', add: 'two' })).toBe(
      `${host()}/team/err:one is "application/vnd.oci.image.manifest.v1+json", not an index: "add" and "remove" edit an existing index; list the manifests in "manifests" to create one`,
    );
    const tags = (await (await fetch(`${fx.registry.url}/v2/team/err/tags/list`)).json()) as {
      tags: string[];
    };
    expect(tags.tags.sort()).toEqual(['one', 'two']);
  });
});
