// A glob over thousands of files makes a manifest with a layer each: past the 4 MiB a registry
// and our own pull take, the push must fail while packing, before a blob is sent.
import { mkdir, realpath, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { packArtifact, type ArtifactSpec } from '../../../src/commands/pack/pack-artifact.js';
import { parseFileSpecs } from '../../../src/commands/pack/file-spec.js';
import { makeTempDir } from '../../support/temp.js';
import { artifactSpec } from './push-options.js';
import { recordingLog } from './recording-log.js';

describe('the manifest a push packs', () => {
  let dir: { path: string; remove: () => Promise<void> };
  let ws = '';
  beforeAll(async () => {
    dir = await makeTempDir('oci-limit-');
    ws = join(await realpath(dir.path), 'ws');
    // Long titles (about 3.9 KB each) reach 4 MiB with a thousand files, as 20,000 short ones would.
    const deep = join(ws, 'out', ...Array.from({ length: 14 }, (_, i) => `${i}`.padEnd(250, 'd')));
    await mkdir(deep, { recursive: true });
    for (let i = 0; i < 1100; i++) {
      await writeFile(join(deep, `${i}`.padStart(200, 'f')), `${i}`);
    }
  });
  afterAll(async () => dir.remove());

  const spec = (files: string[]): ArtifactSpec =>
    artifactSpec({
      files: parseFileSpecs(files),
      workingDirectory: ws,
      compressionLevel: 1,
      concurrency: 8,
      tempDir: dir.path,
    });

  it('refuses one over 4 MiB, saying how to push those files instead', async () => {
    await expect(packArtifact(spec(['out/**']), recordingLog())).rejects.toThrow(
      /^files: got "out\/\*\*"; expected a manifest of at most 4 MiB \(what registries and pulls accept\), but these 1100 layers make one of 4\.\d MiB: push their folder as one layer \(a line naming the folder\) instead of a glob over its files$/,
    );
  });

  it('packs the same files as one folder layer', async () => {
    const packed = await packArtifact(spec(['out']), recordingLog());
    expect(packed.kind === 'packed' && packed.manifest.layers).toHaveLength(1);
  });
});
