// Golden digests through the bundle (dist/index.js), as the runner runs it: a folder layer, and a
// whole multi-file artifact (files, an executable, a media type, the folder, an artifact type and
// an annotation), pushed and then pulled back. A change of any of these digests is a change of
// what every user's push produces (a new zlib, another tar header, another manifest field order):
// CHANGELOG material, never an accident. The bundle deflates folder blocks side by side on
// libuv's threads; its folder layer has the golden digest of the in-process packer, which is the
// same however many blocks go at once (see parallel-gzip.test.ts).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GOLDEN_FOLDER, writeSampleFolder } from '../commands/push/gzip-samples.js';
import { parseManifest, sha256, succeeded, useTestBed, writeTree } from './push-support.js';

/** The files beside the sample folder, with fixed content and modes. */
const FILES = {
  'README.md': '# golden\n\nAn artifact whose digest changes only on purpose.\n',
  'bin/tool.sh': { content: '#!/bin/sh\necho tool\n', mode: 0o755 },
  'report.json': '{"passed":42,"failed":0}\n',
};

/** The manifest of the multi-file artifact below, byte for byte. */
const GOLDEN_ARTIFACT = 'sha256:568596812859db954011120dc73ca14865b124aa6fe8ca9f2d9f114893571d92';

describe('golden digests from the bundle', () => {
  const bed = useTestBed();

  it('packs a folder to the golden digest, and the blob is that digest', async () => {
    await writeSampleFolder(bed.ws);
    const pushed = succeeded(
      await bed.run({ command: 'push', layout: 'out/layout', files: 'site' }),
    );
    const layer = parseManifest(pushed.outputs['manifest']!).layers[0]!;
    expect(layer.digest).toBe(GOLDEN_FOLDER);
    const blob = await readFile(
      join(bed.ws, 'out', 'layout', 'blobs', 'sha256', layer.digest.slice(7)),
    );
    expect(sha256(blob)).toBe(GOLDEN_FOLDER);
  });

  it('pushes a multi-file artifact to the golden manifest digest, and pulls it back whole', async () => {
    await writeSampleFolder(bed.ws);
    await writeTree(bed.ws, FILES);
    const pushed = succeeded(
      await bed.run({
        command: 'push',
        layout: 'out/golden',
        files: 'README.md\nbin/tool.sh\nreport.json:application/json\nsite',
        'artifact-type': 'application/vnd.example.golden',
        annotations: 'org.example.purpose=golden',
      }),
    );
    expect(pushed.outputs['digest']).toBe(GOLDEN_ARTIFACT);
    const manifest = parseManifest(pushed.outputs['manifest']!);
    expect(sha256(pushed.outputs['manifest']!)).toBe(GOLDEN_ARTIFACT);
    expect(manifest.layers.map((layer) => layer.digest)).toEqual([
      sha256(FILES['README.md']),
      sha256(FILES['bin/tool.sh'].content),
      sha256(FILES['report.json']),
      GOLDEN_FOLDER,
    ]);

    const pulled = succeeded(
      await bed.run({
        command: 'pull',
        layout: 'out/golden',
        reference: GOLDEN_ARTIFACT,
        path: 'back',
      }),
    );
    expect(pulled.outputs['digest']).toBe(GOLDEN_ARTIFACT);
    for (const name of ['README.md', 'bin/tool.sh', 'report.json', 'site/index.html']) {
      expect(await readFile(join(bed.ws, 'back', name))).toEqual(
        await readFile(join(bed.ws, name)),
      );
    }
  });
});
