// `artifact-platform` on push, through the bundled action against the real registry: the
// platform is the config, as ORAS writes it, and skopeo (an independent client) reads it so.
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ImageManifest } from '../../src/oci/descriptor.js';
import { useRegistries } from './registry-support.js';

const run = promisify(execFile);

/** The config blob's bytes as skopeo reads them. */
async function skopeoConfig(image: string): Promise<Buffer> {
  const { stdout } = await run(
    'skopeo',
    ['inspect', '--raw', '--config', '--tls-verify=false', `docker://${image}`],
    { encoding: 'buffer' },
  );
  return stdout;
}

describe('artifact-platform on push (bundled action, real registry)', () => {
  const fx = useRegistries();
  let workspace: string;
  beforeAll(async () => {
    workspace = join(fx.temp, 'ws');
    await mkdir(workspace, { recursive: true });
    await writeFile(join(workspace, 'tool'), 'built for arm64\n');
  });
  const push = (inputs: Record<string, string>) =>
    fx.act(
      { command: 'push', registry: fx.registry.host, files: 'tool', ...inputs },
      { workspace },
    );

  it('writes the platform as an image config, byte for byte as ORAS does', async () => {
    const result = await push({
      reference: 'team/tool:arm64',
      'artifact-platform': 'darwin/arm64',
    });
    expect(result.exitCode).toBe(0);
    const manifest = JSON.parse(result.outputs['manifest']!) as ImageManifest;
    // ORAS's own e2e data for `oras push --artifact-platform darwin/arm64`.
    expect(manifest.config).toEqual({
      mediaType: 'application/vnd.oci.image.config.v1+json',
      digest: 'sha256:e94c0ba80a1157ffab5b5c6656fffc089c6446c7ed0604f3382910d1ef7dd40d',
      size: 38,
    });
    // Without an artifact type, ORAS's default (image-spec v1.1 wants one with a config).
    expect(manifest.artifactType).toBe('application/vnd.unknown.artifact.v1');
    expect(result.stdout).toMatch(/^Uploaded config \(platform\) sha256:e94c0ba80a11 \(38 B\)$/m);
    const config = await skopeoConfig(`${fx.registry.host}/team/tool:arm64`);
    expect(config.toString()).toBe('{"architecture":"arm64","os":"darwin"}');
  });

  it('keeps a given artifact type, and records a variant', async () => {
    const result = await push({
      reference: 'team/tool:armv7',
      'artifact-type': 'application/vnd.example.tool.v1',
      'artifact-platform': 'linux/arm/v7',
    });
    expect(result.exitCode).toBe(0);
    const manifest = JSON.parse(result.outputs['manifest']!) as ImageManifest;
    expect(manifest.artifactType).toBe('application/vnd.example.tool.v1');
    expect(result.outputs['artifact-type']).toBe('application/vnd.example.tool.v1');
    const config = await skopeoConfig(`${fx.registry.host}/team/tool:armv7`);
    expect(JSON.parse(config.toString())).toEqual({
      architecture: 'arm',
      os: 'linux',
      variant: 'v7',
    });
  });

  it('with image-spec v1.0, the image config type stands for the artifact type', async () => {
    const result = await push({
      reference: 'team/tool:v10',
      'image-spec': 'v1.0',
      'artifact-platform': 'windows/amd64',
    });
    expect(result.exitCode).toBe(0);
    const manifest = JSON.parse(result.outputs['manifest']!) as ImageManifest;
    expect(manifest.artifactType).toBeUndefined();
    expect(manifest.config.mediaType).toBe('application/vnd.oci.image.config.v1+json');
    expect(result.outputs['artifact-type']).toBe('application/vnd.oci.image.config.v1+json');
  });

  it('refuses a malformed platform, or one with a config, before anything is pushed', async () => {
    expect(
      await fx.fail(
        {
          command: 'push',
          registry: fx.registry.host,
          reference: 'team/refused:a',
          files: 'tool',
          'artifact-platform': 'linux',
        },
        { workspace },
      ),
    ).toBe(
      'Input "artifact-platform": got "linux"; expected os/arch[/variant][:os.version], such as linux/amd64 or linux/arm/v7 (invalid platform "linux": it needs an os and an architecture)',
    );
    await writeFile(join(workspace, 'config.json'), '{}');
    expect(
      await fx.fail(
        {
          command: 'push',
          registry: fx.registry.host,
          reference: 'team/refused:b',
          files: 'tool',
          config: 'config.json',
          'artifact-type': 'application/x.t',
          'artifact-platform': 'linux/amd64',
        },
        { workspace },
      ),
    ).toBe(
      'Input "artifact-platform": got "linux/amd64"; expected nothing when "config" is given: the platform is written as the config',
    );
    expect(
      await fx.fail(
        {
          command: 'push',
          registry: fx.registry.host,
          reference: 'team/refused:c',
          files: 'tool',
          'image-spec': 'v1.0',
          'artifact-type': 'application/x.t',
          'artifact-platform': 'linux/amd64',
        },
        { workspace },
      ),
    ).toMatch(
      /^Input "artifact-type": got "application\/x.t"; expected nothing with "artifact-platform" and image-spec v1.0/,
    );
    const tags = await fetch(`${fx.registry.url}/v2/team/refused/tags/list`);
    expect(tags.status).toBe(404);
  });
});
