// The bundled action deflates folder blocks side by side on libuv's threads: a folder pushed
// through dist/index.js has the golden layer digest of the in-process packer, which is the same
// however many blocks go at once (see parallel-gzip.test.ts).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GOLDEN_FOLDER, writeSampleFolder } from '../commands/push/gzip-samples.js';
import { parseManifest, sha256, succeeded, useTestBed } from './push-support.js';

describe('folder layers from the bundle', () => {
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
});
