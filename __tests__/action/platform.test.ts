// `platform` on pull, resolve, copy, attach and discover, through the bundled action against the
// real registry: an index made by `command: index` over three matrix outputs (each with the
// platform in its config), pulled for each platform and for `auto`.
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ImageManifest } from '../../src/oci/descriptor.js';
import { hostPlatform } from '../../src/oci/host-platform.js';
import { OciLayout } from '../../src/oci/layout/store.js';
import { formatPlatform, platformMatches } from '../../src/oci/platform.js';
import { artifact, platformArtifact, pushGraph, type Graph } from '../oci/content.js';
import { repository, seed, skopeoDigest, useRegistries } from './registry-support.js';

const BUILDS = ['linux/amd64', 'windows/amd64', 'darwin/arm64'];

/** The matrix: one build per platform, plus this runner's platform should it be another. */
function platformsToBuild(): string[] {
  const host = hostPlatform();
  const covered = BUILDS.some((p) => platformMatches(parse(p), host));
  return covered ? BUILDS : [...BUILDS, formatPlatform(host)];
}

function parse(text: string) {
  const [os = '', architecture = '', variant] = text.split('/');
  return { os, architecture, ...(variant ? { variant } : {}) };
}

const toolFor = (platform: string): Graph =>
  platformArtifact({ 'bin/tool': `the tool for ${platform}\n` }, parse(platform));

describe('platform on pull, resolve, copy, attach, discover (bundled action, real registry)', () => {
  const fx = useRegistries([{}, {}]);
  const host = () => fx.registry.host;
  const builds = new Map<string, Graph>();
  let indexDigest: string;

  beforeAll(async () => {
    const lines: string[] = [];
    for (const platform of platformsToBuild()) {
      const tag = platform.replace(/\//g, '-');
      builds.set(platform, await seed(fx.registry, 'team/tool', toolFor(platform), tag));
      lines.push(tag);
    }
    const created = await fx.act({
      command: 'index',
      registry: host(),
      reference: 'team/tool:v1',
      manifests: lines.join('\n'),
    });
    expect(created.exitCode).toBe(0);
    indexDigest = created.outputs['digest']!;
  });

  const pullInto = async (inputs: Record<string, string>) => {
    const workspace = await freshWorkspace();
    const result = await fx.act(
      { command: 'pull', registry: host(), reference: 'team/tool:v1', path: 'out', ...inputs },
      { workspace },
    );
    return { result, out: join(workspace, 'out') };
  };
  let workspaces = 0;
  const freshWorkspace = async () => {
    const dir = join(fx.temp, `ws-${++workspaces}`);
    await mkdir(dir, { recursive: true });
    return dir;
  };

  it.each(BUILDS)('pulls the manifest for %s', async (platform) => {
    const { result, out } = await pullInto({ platform });
    expect(result.exitCode).toBe(0);
    expect(await readFile(join(out, 'bin', 'tool'), 'utf8')).toBe(`the tool for ${platform}\n`);
    const chosen = builds.get(platform)!.root.descriptor.digest;
    expect(result.outputs['digest']).toBe(chosen);
    expect(result.outputs['reference']).toBe(`${host()}/team/tool@${chosen}`);
    expect(result.stdout).toContain(
      `Platform ${platform}: manifest ${chosen} (${platform}) of the index ${indexDigest.slice(0, 19)}`,
    );
  });

  it("pulls this runner's own with platform: auto", async () => {
    const { result, out } = await pullInto({ platform: 'auto' });
    expect(result.exitCode).toBe(0);
    const mine = [...builds.keys()].find((p) => platformMatches(parse(p), hostPlatform()))!;
    expect(await readFile(join(out, 'bin', 'tool'), 'utf8')).toBe(`the tool for ${mine}\n`);
    expect(result.outputs['digest']).toBe(builds.get(mine)!.root.descriptor.digest);
  });

  it('without platform, refuses the index and lists its platforms; an absent one likewise', async () => {
    const without = (await pullInto({})).result;
    expect(without.exitCode).toBe(1);
    expect(without.errors[0]).toMatch(
      new RegExp(
        `^${host()}/team/tool:v1 is an image index: give "platform" \\(os/arch, or auto for this runner's\\) to pull the manifest for a platform, or pull one of its manifests by digest: sha256:\\w+ \\(linux/amd64\\), sha256:\\w+ \\(windows/amd64\\), sha256:\\w+ \\(darwin/arm64\\)`,
      ),
    );
    const absent = (await pullInto({ platform: 'linux/s390x' })).result;
    expect(absent.errors).toEqual([
      `${host()}/team/tool:v1 has no manifest for linux/s390x; it lists ${platformsToBuild().join(', ')}`,
    ]);
    expect(await readdir(absent.workspace)).not.toContain('out');
    const malformed = (await pullInto({ platform: 'linux/AMD64' })).result;
    expect(malformed.errors[0]).toMatch(
      /^Input "platform": got "linux\/AMD64"; expected "auto", or os\/arch\[\/variant\]/,
    );
  });

  it('checks expected-digest against the index the reference names', async () => {
    const pinned = await pullInto({ platform: 'windows/amd64', 'expected-digest': indexDigest });
    expect(pinned.result.exitCode).toBe(0);
    const child = builds.get('windows/amd64')!.root.descriptor.digest;
    const wrong = await pullInto({ platform: 'windows/amd64', 'expected-digest': child });
    expect(wrong.result.errors[0]).toMatch(/resolves to sha256:\w+, not the expected/);
  });

  it('resolves to the manifest for a platform', async () => {
    const result = await fx.act({
      command: 'resolve',
      registry: host(),
      reference: `team/tool@${indexDigest}`,
      platform: 'darwin/arm64',
    });
    expect(result.exitCode).toBe(0);
    const darwin = builds.get('darwin/arm64')!.root.descriptor;
    expect(result.outputs).toEqual({
      digest: darwin.digest,
      reference: `${host()}/team/tool@${darwin.digest}`,
      'media-type': darwin.mediaType,
      size: String(darwin.size),
    });
  });

  it('copies one platform of the index, with everything below it', async () => {
    const target = fx.registries[1]!;
    const result = await fx.act({
      command: 'copy',
      source: `${host()}/team/tool:v1`,
      registry: target.host,
      reference: 'mirror/tool-linux',
      platform: 'linux/amd64',
    });
    expect(result.exitCode).toBe(0);
    const linux = builds.get('linux/amd64')!;
    expect(result.outputs['digest']).toBe(linux.root.descriptor.digest);
    // The tag of the source (v1) now names the linux manifest, not an index.
    expect(await skopeoDigest(`${target.host}/mirror/tool-linux:v1`)).toBe(
      linux.root.descriptor.digest,
    );
    const mirror = repository(target, 'mirror/tool-linux');
    for (const blob of linux.blobs) expect(await mirror.exists(blob.descriptor)).toBe(true);
    const windowsLayer = builds.get('windows/amd64')!.blobs.at(-1)!;
    expect(await mirror.exists(windowsLayer.descriptor)).toBe(false);
  });

  it("attaches to a platform's manifest, and discovers its referrers", async () => {
    const workspace = await freshWorkspace();
    await writeFile(join(workspace, 'sbom.json'), '{"sbom":"windows"}');
    const attach = await fx.act(
      {
        command: 'attach',
        registry: host(),
        reference: 'team/tool:v1',
        platform: 'windows/amd64',
        'artifact-type': 'application/spdx+json',
        files: 'sbom.json',
      },
      { workspace },
    );
    expect(attach.exitCode).toBe(0);
    const windows = builds.get('windows/amd64')!.root.descriptor;
    const manifest = JSON.parse(attach.outputs['manifest']!) as ImageManifest;
    expect(manifest.subject?.digest).toBe(windows.digest);

    const discover = (platform?: string) =>
      fx.act({
        command: 'discover',
        registry: host(),
        reference: 'team/tool:v1',
        ...(platform ? { platform } : {}),
      });
    const found = await discover('windows/amd64');
    expect(found.exitCode).toBe(0);
    expect(JSON.parse(found.outputs['referrers']!)).toEqual([
      expect.objectContaining({
        digest: attach.outputs['digest'],
        artifactType: 'application/spdx+json',
      }),
    ]);
    expect(found.summary).toContain(`<code>${host()}/team/tool@${windows.digest}</code>`);
    // The index itself has no referrers; the linux manifest neither.
    expect(JSON.parse((await discover()).outputs['referrers']!)).toEqual([]);
    expect(JSON.parse((await discover('linux/amd64')).outputs['referrers']!)).toEqual([]);
  });

  it('picks a platform in a layout folder, and takes a single manifest whose config matches', async () => {
    const dir = join(fx.temp, 'layout');
    const layout = await OciLayout.open(dir, { create: true });
    const arm = toolFor('linux/arm/v7');
    await pushGraph(layout, arm, 'arm');
    await pushGraph(layout, artifact({ 'plain.txt': 'no platform' }), 'plain');
    const workspace = await freshWorkspace();
    const pulled = await fx.act(
      { command: 'pull', layout: dir, reference: 'arm', platform: 'linux/arm', path: 'out' },
      { workspace },
    );
    expect(pulled.exitCode).toBe(0);
    expect(pulled.stdout).toContain(
      `Platform linux/arm: oci-layout:${dir}:arm is a single manifest for linux/arm/v7`,
    );
    expect(await readFile(join(workspace, 'out', 'bin', 'tool'), 'utf8')).toBe(
      'the tool for linux/arm/v7\n',
    );
    const refused = await fx.act(
      { command: 'pull', layout: dir, reference: 'plain', platform: 'linux/arm', path: 'out2' },
      { workspace },
    );
    expect(refused.errors).toEqual([
      `oci-layout:${dir}:plain is a single manifest, not an index, and its config names no platform, so it cannot be taken for linux/arm`,
    ]);
  });
});
