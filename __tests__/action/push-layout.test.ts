// `command: push` into an OCI image layout folder (no network), read back by skopeo and copied
// by skopeo into a real registry with the digest unchanged.
import { execFile } from 'node:child_process';
import { mkdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ActionRun } from '../support/run-action.js';
import { parseManifest, sha256, skopeoRaw, succeeded, useTestBed } from './push-support.js';

const run = promisify(execFile);

describe('push into an OCI layout folder', () => {
  const bed = useTestBed({
    registry: {},
    tree: {
      'a.txt': 'a\n',
      'site/index.html': '<h1>hi</h1>\n',
      'site/tool': { content: '#!/bin/sh\n', mode: 0o755 },
    },
  });

  const push = async (inputs: Record<string, string>): Promise<ActionRun> =>
    succeeded(await bed.run({ command: 'push', ...inputs }));

  it('writes a layout skopeo reads, tagged latest by default, with the layout path in the outputs', async () => {
    const pushed = await push({ layout: 'out/layout', files: 'a.txt\nsite' });
    const digest = pushed.outputs['digest']!;
    expect(pushed.outputs['reference']).toBe(`out/layout@${digest}`);
    expect(JSON.parse(pushed.outputs['tags']!)).toEqual(['out/layout:latest']);

    const layout = join(bed.ws, 'out', 'layout');
    const { stdout } = await run('skopeo', ['inspect', '--raw', `oci:${layout}:latest`], {
      encoding: 'buffer',
    });
    expect(sha256(stdout)).toBe(digest);
    const index = JSON.parse(await readFile(join(layout, 'index.json'), 'utf8')) as {
      manifests: { digest: string; annotations?: Record<string, string> }[];
    };
    expect(index.manifests).toContainEqual(
      expect.objectContaining({
        digest,
        annotations: { 'org.opencontainers.image.ref.name': 'latest' },
      }),
    );
    for (const layer of parseManifest(stdout).layers) {
      const blob = await readFile(join(layout, 'blobs', 'sha256', layer.digest.slice(7)));
      expect(sha256(blob)).toBe(layer.digest);
    }
    expect(pushed.summary).toContain(`- **Reference:** <code>out/layout@${digest}</code>`);
    // No pull step: a later job does not have this runner's layout folder.
    expect(pushed.summary).not.toContain('command: pull');
  });

  it('tags inside the layout with reference and tags; skopeo copies it into a registry unchanged', async () => {
    const pushed = await push({
      layout: 'copy/layout',
      reference: 'v2',
      tags: 'stable',
      files: 'site',
    });
    const digest = pushed.outputs['digest']!;
    expect(JSON.parse(pushed.outputs['tags']!)).toEqual(['copy/layout:v2', 'copy/layout:stable']);
    await run('skopeo', [
      'copy',
      '--dest-tls-verify=false',
      `oci:${join(bed.ws, 'copy', 'layout')}:stable`,
      `docker://${bed.registry.host}/copied/site:v2`,
    ]);
    expect(sha256(await skopeoRaw(`${bed.registry.host}/copied/site:v2`))).toBe(digest);

    // The same content pushed straight to the registry gives the same digest.
    const direct = await push({
      registry: bed.registry.host,
      'plain-http': 'true',
      reference: 'direct/site:v2',
      files: 'site',
    });
    expect(direct.outputs['digest']).toBe(digest);
  });

  it('attaches to an artifact in the layout, listed by digest, untagged', async () => {
    const subject = await push({ layout: 'att/layout', reference: 'v1', files: 'a.txt' });
    const attached = await bed.run({
      command: 'attach',
      layout: 'att/layout',
      reference: 'v1',
      'artifact-type': 'application/vnd.example.note',
      files: 'site/index.html',
    });
    expect(attached.exitCode).toBe(0);
    expect(attached.outputs['tags']).toBe('[]');
    const digest = attached.outputs['digest']!;
    const layout = join(bed.ws, 'att', 'layout');
    const raw = await readFile(join(layout, 'blobs', 'sha256', digest.slice(7)));
    expect(sha256(raw)).toBe(digest);
    expect(parseManifest(raw).subject?.digest).toBe(subject.outputs['digest']);
    const { stdout } = await run('skopeo', ['inspect', '--raw', `oci:${layout}:v1`]);
    expect(sha256(stdout)).toBe(subject.outputs['digest']);
  });

  it('refuses a digest as the reference inside the layout', async () => {
    const refused = await bed.run({
      command: 'push',
      layout: 'bad/layout',
      reference: `sha256:${'a'.repeat(64)}`,
      files: 'a.txt',
    });
    expect(refused.exitCode).toBe(1);
    expect(refused.errors[0]).toContain('Input "reference": got "sha256:aaaa');
    expect(refused.errors[0]).toContain('expected a tag inside the layout');
    await expect(stat(join(bed.ws, 'bad'))).rejects.toThrow('ENOENT');

    const badFiles = await bed.run({ command: 'push', layout: 'bad/layout', files: 'missing.txt' });
    expect(badFiles.exitCode).toBe(1);
    expect(badFiles.errors[0]).toContain('Input "files": got "missing.txt"');
    await expect(stat(join(bed.ws, 'bad'))).rejects.toThrow('ENOENT');
  });

  // A layout folder in the workspace is the workspace's: its files may be links to anything.
  it.each(['index.json', 'oci-layout'])(
    'fails without quoting a word of the secret its %s leads to',
    async (name) => {
      const secret = join(bed.dir, `secret-${name}`);
      await writeFile(secret, 'TOKEN=s3cr3t-0123456789\n');
      const layout = join(bed.ws, `hostile-${name}`);
      await mkdir(layout);
      await writeFile(join(layout, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
      await writeFile(join(layout, 'index.json'), '{"schemaVersion":2,"manifests":[]}');
      await rm(join(layout, name));
      await symlink(secret, join(layout, name));
      const failed = await bed.run({ command: 'push', layout: `hostile-${name}`, files: 'a.txt' });
      expect(failed.exitCode).toBe(1);
      expect(failed.errors).toEqual([
        expect.stringContaining(`${name} is not ${name === 'index.json' ? 'JSON' : 'valid JSON'}`),
      ]);
      for (const text of [failed.stdout, failed.stderr]) expect(text).not.toContain('TOKEN=s');
    },
  );
});
