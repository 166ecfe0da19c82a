// A lone file keeps its execute bit through push and pull, through the bundled action against a
// real registry: push records the mode in this action's own layer annotation, which skopeo (an
// independent client) sees in the manifest, and pull restores it within the umask.
import { execFileSync } from 'node:child_process';
import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FILE_MODE, TITLE } from '../../src/oci/annotations.js';
import { fileLayer, pushArtifact } from '../commands/pull/fixtures.js';
import { useUmask } from '../commands/pull/helpers.js';
import { parseManifest, skopeoRaw } from './push-support.js';
import { pullFixture, repository, succeeded } from './pull-support.js';

const modeOf = async (path: string) => (await stat(path)).mode & 0o7777;

describe('modes of single files', () => {
  const fixture = pullFixture();
  const { pull, run, tempDir } = fixture;

  const push = async (files: Record<string, number>, reference: string) => {
    const source = await tempDir();
    for (const [name, mode] of Object.entries(files)) {
      await writeFile(join(source, name), `#!/bin/sh\necho ${name}\n`, { mode });
    }
    return succeeded(
      await run(
        {
          command: 'push',
          registry: fixture.registry.host,
          'plain-http': 'true',
          reference,
          files: Object.keys(files).join('\n'),
        },
        { workspace: source },
      ),
    );
  };

  it('records 0755 for an executable and nothing for a plain file; pull makes them so', async () => {
    const pushed = await push({ 'tool.sh': 0o755, 'notes.txt': 0o600 }, 'modes/one:v1');
    const manifest = parseManifest(await skopeoRaw(`${fixture.registry.host}/modes/one:v1`));
    expect(manifest.layers.map((layer) => layer.annotations)).toEqual([
      { [FILE_MODE]: '0755', [TITLE]: 'tool.sh' },
      { [TITLE]: 'notes.txt' },
    ]);
    expect(pushed.outputs['manifest']).toContain(`"${FILE_MODE}":"0755"`);

    const ws = await tempDir();
    succeeded(await pull({ reference: 'modes/one:v1', path: 'out' }, { workspace: ws }));
    expect(await modeOf(join(ws, 'out', 'tool.sh'))).toBe(0o755);
    expect(await modeOf(join(ws, 'out', 'notes.txt'))).toBe(0o644);
    expect(execFileSync(join(ws, 'out', 'tool.sh')).toString()).toBe('tool.sh\n');
  });

  it('keeps the digest the same for the same files, and changes it with the execute bit', async () => {
    const first = await push({ 'tool.sh': 0o755 }, 'modes/two:a');
    const again = await push({ 'tool.sh': 0o700 }, 'modes/two:b');
    const plain = await push({ 'tool.sh': 0o644 }, 'modes/two:c');
    expect(again.outputs['digest']).toBe(first.outputs['digest']);
    expect(plain.outputs['digest']).not.toBe(first.outputs['digest']);
  });

  it('never restores setuid, setgid or sticky bits, and warns about a mode that is not one', async () => {
    await pushArtifact(
      repository(fixture.registry.host, 'modes/crafted'),
      [
        { ...fileLayer('suid', 'x'), annotations: { [FILE_MODE]: '6755' } },
        { ...fileLayer('sticky', 'y'), annotations: { [FILE_MODE]: '1777' } },
        { ...fileLayer('odd', 'z'), annotations: { [FILE_MODE]: 'rwxr-xr-x\n::warning::x' } },
      ],
      'v1',
    );
    const ws = await tempDir();
    const pulled = succeeded(
      await pull({ reference: 'modes/crafted:v1', path: 'out' }, { workspace: ws }),
    );
    expect(await modeOf(join(ws, 'out', 'suid'))).toBe(0o755);
    // Within the umask (022): 0777 becomes 0755.
    expect(await modeOf(join(ws, 'out', 'sticky'))).toBe(0o755);
    expect(await modeOf(join(ws, 'out', 'odd'))).toBe(0o644);
    expect(pulled.stdout).toContain(
      `::warning::layer "odd": its ${FILE_MODE} annotation "rwxr-xr-x\\n::warning::x" is not an octal mode such as 0755; the file is written with mode 0644`,
    );
  });

  describe('under a stricter umask', () => {
    useUmask(0o077);

    it('gives the executable 0700 and the plain file 0600', async () => {
      await push({ 'tool.sh': 0o755, 'notes.txt': 0o644 }, 'modes/three:v1');
      const ws = await tempDir();
      succeeded(await pull({ reference: 'modes/three:v1', path: 'out' }, { workspace: ws }));
      expect(await modeOf(join(ws, 'out', 'tool.sh'))).toBe(0o700);
      expect(await modeOf(join(ws, 'out', 'notes.txt'))).toBe(0o600);
    });
  });
});
