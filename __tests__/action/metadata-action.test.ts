// docker/metadata-action's outputs as `annotations` and `tags`: its formats read as the unit
// functions do, and through the bundled action against a real registry.
import { manifestAnnotations, tagNames } from '../../src/action/inputs/metadata-action.js';
import type { TargetSpec } from '../../src/commands/target-spec.js';
import { parseReference } from '../../src/oci/reference.js';
import { parseManifest, skopeoRaw, skopeoTags, succeeded, useTestBed } from './push-support.js';

const remote = (name: string): TargetSpec => ({
  kind: 'remote',
  reference: parseReference(name),
  options: {},
});

describe("metadata-action's annotations", () => {
  it('applies manifest: and unprefixed lines to the manifest, without the prefix', () => {
    expect(
      manifestAnnotations({
        'manifest:org.opencontainers.image.source': 'https://github.com/octo-org/app',
        'manifest:org.opencontainers.image.version': 'v1.2.3',
        'org.example.note': 'kept',
      }),
    ).toEqual({
      'org.opencontainers.image.source': 'https://github.com/octo-org/app',
      'org.opencontainers.image.version': 'v1.2.3',
      'org.example.note': 'kept',
    });
  });

  it.each([
    'index:org.opencontainers.image.version',
    'manifest-descriptor:org.opencontainers.image.version',
    'index-descriptor:org.opencontainers.image.version',
    'manifest[linux/amd64]:org.opencontainers.image.version',
  ])('refuses %s, naming the line and the level to use', (key) => {
    expect(() => manifestAnnotations({ [key]: 'v1' })).toThrow(
      new RegExp(
        `^Input "annotations": got "${key.replace(/[[\]/]/g, '\\$&')}=v1"; expected manifest annotations, key=value or manifest:key=value .*set DOCKER_METADATA_ANNOTATIONS_LEVELS to manifest`,
      ),
    );
  });

  it('refuses a key given twice, with and without the prefix', () => {
    expect(() => manifestAnnotations({ 'manifest:a.b': '1', 'a.b': '2' })).toThrow(
      'Input "annotations": got "a.b"; expected each key once, but "a.b" repeats',
    );
  });
});

describe("metadata-action's tags", () => {
  it('takes the tag of each reference to the repository pushed, and plain tags', () => {
    expect(
      tagNames(
        ['ghcr.io/octo-org/app:main', 'ghcr.io/octo-org/app:sha-0123abc', 'latest'],
        remote('ghcr.io/octo-org/app'),
      ),
    ).toEqual(['main', 'sha-0123abc', 'latest']);
  });

  it("reads Docker Hub's short names as Docker Hub references", () => {
    const target = remote('docker.io/octocat/app');
    expect(tagNames(['octocat/app:v1', 'index.docker.io/octocat/app:v2'], target)).toEqual([
      'v1',
      'v2',
    ]);
  });

  it.each([
    [
      'ghcr.io/octo-org/other:v1',
      /it names ghcr\.io\/octo-org\/other, another repository, which this push cannot tag/,
    ],
    ['docker.io/octo-org/app:v1', /it names docker\.io\/octo-org\/app, another repository/],
    ['ghcr.io/octo-org/app', /it names no tag/],
    [`ghcr.io/octo-org/app@sha256:${'a'.repeat(64)}`, /it names no tag/],
    ['ghcr.io/Octo-Org/app:v1', /invalid reference/],
  ])('refuses %s', (line, why) => {
    expect(() => tagNames([line], remote('ghcr.io/octo-org/app'))).toThrow(why);
  });

  it('refuses a full reference for a layout folder', () => {
    expect(() =>
      tagNames(['ghcr.io/octo-org/app:v1'], { kind: 'layout', path: 'out/layout' }),
    ).toThrow(/tag names with "layout"/);
  });
});

describe('a metadata-action workflow, through the bundled action', () => {
  const bed = useTestBed({ registry: {}, tree: { 'dist/app.js': 'app\n' } });
  const repo = () => `${bed.registry.host}/octo-org/app`;

  it('pushes with its tags and annotations outputs as they are', async () => {
    // What metadata-action writes for a push of a branch (its outputs, newline-separated).
    const tags = [`${repo()}:main`, `${repo()}:sha-0123abc`].join('\n');
    const annotations = [
      'manifest:org.opencontainers.image.source=https://github.com/octo-org/app',
      'manifest:org.opencontainers.image.revision=0123abc',
    ].join('\n');
    const run = succeeded(
      await bed.run({
        command: 'push',
        'plain-http': 'true',
        reference: `${repo()}:main`,
        tags,
        annotations,
        files: 'dist',
      }),
    );
    expect(JSON.parse(run.outputs['tags']!)).toEqual([`${repo()}:main`, `${repo()}:sha-0123abc`]);
    expect(await skopeoTags(repo())).toEqual(['main', 'sha-0123abc']);
    expect(parseManifest(await skopeoRaw(`${repo()}:sha-0123abc`)).annotations).toEqual({
      'org.opencontainers.image.revision': '0123abc',
      'org.opencontainers.image.source': 'https://github.com/octo-org/app',
    });
  });

  it('refuses index annotations and other repositories before pushing anything', async () => {
    const index = await bed.run({
      command: 'push',
      'plain-http': 'true',
      reference: `${repo()}:v2`,
      annotations: 'index:org.opencontainers.image.version=v2',
      files: 'dist',
    });
    expect(index.exitCode).toBe(1);
    expect(index.errors[0]).toMatch(
      /^Input "annotations": got "index:org\.opencontainers\.image\.version=v2"/,
    );

    const other = await bed.run({
      command: 'push',
      'plain-http': 'true',
      reference: `${repo()}:v2`,
      tags: `${repo()}:v2\nghcr.io/octo-org/app:v2`,
      files: 'dist',
    });
    expect(other.exitCode).toBe(1);
    expect(other.errors[0]).toContain(
      'Input "tags": got "ghcr.io/octo-org/app:v2"; expected tag names, or full references to',
    );
    expect(await skopeoTags(repo())).not.toContain('v2');
  });

  it('tags an existing manifest with full references too (command: tag)', async () => {
    const run = succeeded(
      await bed.run({
        command: 'tag',
        'plain-http': 'true',
        reference: `${repo()}:main`,
        tags: `${repo()}:stable`,
      }),
    );
    expect(JSON.parse(run.outputs['tags']!)).toEqual([`${repo()}:stable`]);
  });
});
