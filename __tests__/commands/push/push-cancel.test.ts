// A push that is cancelled: before its manifest it tags nothing; once the manifest is on its way,
// it finishes it and skips the extra tags. Its packing folder goes either way. Into a layout
// folder, whose writes do not listen to the signal: only the push's own checks stop it.
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Cancellation } from '../../../src/commands/cancellation.js';
import { parseFileSpecs } from '../../../src/commands/pack/file-spec.js';
import { pushArtifact, type PushOptions } from '../../../src/commands/push/push.js';
import { OciLayout } from '../../../src/oci/layout/store.js';
import type { Target } from '../../../src/oci/target.js';
import { memoryLog, useTempDirEach } from '../pull/helpers.js';
import { pushOptions } from './push-options.js';

describe('cancelling a push', () => {
  const dir = useTempDirEach('oci-push-cancel-');

  async function setUp(
    cancellation: Cancellation,
  ): Promise<{ options: PushOptions; layout: string }> {
    const ws = join(dir.path, 'ws');
    await mkdir(ws);
    await writeFile(join(ws, 'a.txt'), 'a\n');
    await writeFile(join(ws, 'b.txt'), 'b\n');
    const options = pushOptions({
      name: 'layout',
      files: parseFileSpecs(['a.txt', 'b.txt']),
      workingDirectory: ws,
      tag: 'v1',
      tags: ['extra'],
      tempRoot: join(dir.path, 'temp'),
      cancellation,
    });
    return { options, layout: join(dir.path, 'layout') };
  }

  it('before the manifest: tags nothing, removes its packing folder', async () => {
    const cancellation = new Cancellation();
    const { options, layout } = await setUp(cancellation);
    const reason = new Error('cancelled by the test');
    const log = memoryLog();
    // The first blob in place is the moment to cancel.
    const info = log.info;
    log.info = (message) => {
      info(message);
      if (message.startsWith('Uploaded')) cancellation.cancel(reason);
    };
    const target = await OciLayout.open(layout, { create: true });
    await expect(pushArtifact(target, options, log)).rejects.toBe(reason);
    expect(await target.tags()).toEqual([]);
    expect(await readdir(options.tempRoot)).toEqual([]);
    expect(log.lines.some((line) => line.startsWith('Pushed manifest'))).toBe(false);
  });

  it('with the manifest on its way: finishes it, then skips the extra tags', async () => {
    const cancellation = new Cancellation();
    const { options, layout } = await setUp(cancellation);
    const reason = new Error('cancelled by the test');
    const layoutTarget = await OciLayout.open(layout, { create: true });
    // A target whose manifest write is where the cancellation comes in.
    const target: Target = Object.assign(Object.create(layoutTarget) as Target, {
      pushManifest: async (...args: Parameters<Target['pushManifest']>) => {
        cancellation.cancel(reason);
        expect(cancellation.signal.aborted).toBe(false);
        return layoutTarget.pushManifest(...args);
      },
    });
    const log = memoryLog();
    await expect(pushArtifact(target, options, log)).rejects.toBe(reason);
    expect(cancellation.signal.aborted).toBe(true);
    expect(await layoutTarget.tags()).toEqual(['v1']);
    expect(
      log.lines.some((line) => /^Pushed manifest sha256:\w+ \(\d+ B\) as v1$/.test(line)),
    ).toBe(true);
    expect(await readdir(options.tempRoot)).toEqual([]);
  });
});
