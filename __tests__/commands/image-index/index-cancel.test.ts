// An index that is cancelled: before it is sent it tags nothing; once it is on its way, it is
// finished and the extra tags are skipped, as push does. Into a layout folder, whose writes do
// not listen to the signal: only the command's own checks stop it.
import { join } from 'node:path';
import { Cancellation } from '../../../src/commands/cancellation.js';
import type { EntrySpec } from '../../../src/commands/image-index/entry-spec.js';
import type { EntryContext } from '../../../src/commands/image-index/read-entry.js';
import {
  createIndex,
  updateIndex,
  type IndexOptions,
} from '../../../src/commands/image-index/write-index.js';
import { OCI_INDEX } from '../../../src/oci/media-types.js';
import { OciLayout } from '../../../src/oci/layout/store.js';
import type { Target } from '../../../src/oci/target.js';
import { platformArtifact, pushGraph } from '../../oci/content.js';
import { memoryLog, useTempDirEach, type MemoryLog } from '../pull/helpers.js';

const entry = (tag: string): EntrySpec => ({
  written: tag,
  source: { kind: 'here', selector: tag },
});

describe('cancelling an index', () => {
  const dir = useTempDirEach('oci-index-cancel-');

  /** A layout holding a linux and a windows build, tagged by their names. */
  async function layoutWithBuilds(): Promise<OciLayout> {
    const layout = await OciLayout.open(join(dir.path, 'layout'), { create: true });
    await pushGraph(
      layout,
      platformArtifact({ 'a.txt': 'l' }, { os: 'linux', architecture: 'amd64' }),
      'linux',
    );
    await pushGraph(
      layout,
      platformArtifact({ 'a.txt': 'w' }, { os: 'windows', architecture: 'amd64' }),
      'windows',
    );
    return layout;
  }

  const context = (target: Target, log: MemoryLog): EntryContext => ({
    here: { target, name: 'layout' },
    open: () => Promise.reject(new Error('no other repository in this test')),
    concurrency: 1,
    log,
  });

  const options = (cancellation: Cancellation, selector = 'v1'): IndexOptions => ({
    selector,
    annotations: {},
    tags: ['extra'],
    cancellation,
  });

  it('before the index is sent: tags nothing, writes no index', async () => {
    const layout = await layoutWithBuilds();
    const cancellation = new Cancellation();
    const reason = new Error('cancelled by the test');
    const log = memoryLog();
    // The last entry read is the moment to cancel.
    const info = log.info;
    log.info = (message) => {
      info(message);
      if (message.endsWith('← windows')) cancellation.cancel(reason);
    };
    await expect(
      createIndex(context(layout, log), [entry('linux'), entry('windows')], options(cancellation)),
    ).rejects.toBe(reason);
    expect((await layout.tags()).sort()).toEqual(['linux', 'windows']);
    expect(log.lines.some((line) => line.startsWith('Pushed index'))).toBe(false);
  });

  it('with the index on its way: finishes it, then skips the extra tags', async () => {
    const layout = await layoutWithBuilds();
    const cancellation = new Cancellation();
    const reason = new Error('cancelled by the test');
    // A target whose index write is where the cancellation comes in.
    const target: Target = Object.assign(Object.create(layout) as Target, {
      pushManifest: async (...args: Parameters<Target['pushManifest']>) => {
        if (args[0].mediaType === OCI_INDEX) {
          cancellation.cancel(reason);
          expect(cancellation.signal.aborted).toBe(false);
        }
        return layout.pushManifest(...args);
      },
    });
    const log = memoryLog();
    await expect(
      createIndex(context(target, log), [entry('linux'), entry('windows')], options(cancellation)),
    ).rejects.toBe(reason);
    expect(cancellation.signal.aborted).toBe(true);
    expect((await layout.tags()).sort()).toEqual(['linux', 'v1', 'windows']);
    expect((await layout.resolve('v1')).mediaType).toBe(OCI_INDEX);
    expect(
      log.lines.some((line) => /^Pushed index sha256:\w+ \(\d+ bytes\) as v1$/.test(line)),
    ).toBe(true);
  });

  it('an update cancelled before the new index is sent leaves the tag on the old one', async () => {
    const layout = await layoutWithBuilds();
    const log = memoryLog();
    const first = await createIndex(context(layout, log), [entry('linux')], {
      selector: 'v1',
      annotations: {},
      tags: [],
    });
    const cancellation = new Cancellation();
    const reason = new Error('cancelled by the test');
    const info = log.info;
    log.info = (message) => {
      info(message);
      if (message.endsWith('← windows')) cancellation.cancel(reason);
    };
    await expect(
      updateIndex(context(layout, log), [entry('windows')], [], options(cancellation)),
    ).rejects.toBe(reason);
    expect((await layout.resolve('v1')).digest).toBe(first.descriptor.digest);
    expect((await layout.tags()).sort()).toEqual(['linux', 'v1', 'windows']);
  });
});
