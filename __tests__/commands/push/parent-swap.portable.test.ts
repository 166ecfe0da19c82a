// A folder line is judged by real path when the lines are read, and walked later, once the
// files before it are hashed. A parent folder swapped for a link leading out in between must not
// make the walk list and read the folder outside under the inside title: on Linux the kernel's
// name of each opened file would catch it at the read; on macOS and Windows nothing would.
import { mkdir, realpath, rename, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expandFileSpecs } from '../../../src/commands/pack/expand-files.js';
import { parseFileSpecs } from '../../../src/commands/pack/file-spec.js';
import { HiddenTally } from '../../../src/commands/pack/hidden-files.js';
import { KnownSecrets } from '../../../src/commands/pack/known-secrets.js';
import { prepareLayers } from '../../../src/commands/pack/prepare-layers.js';
import { Workspace } from '../../../src/commands/pack/workspace.js';
import { makeTempDir } from '../../support/temp.js';
import { recordingLog } from './recording-log.js';

describe('a parent folder swapped between the check and the walk', () => {
  let dir: { path: string; remove(): Promise<void> };
  beforeAll(async () => {
    dir = await makeTempDir('oci-swap-');
  });
  afterAll(async () => dir.remove());

  it('fails the push, naming the folder and where it leads now', async () => {
    const root = await realpath(dir.path);
    const ws = join(root, 'ws');
    await mkdir(join(ws, 'build', 'site'), { recursive: true });
    await writeFile(join(ws, 'build', 'site', 'index.html'), '<p>hi</p>\n');
    await mkdir(join(root, 'outside', 'site'), { recursive: true });
    await writeFile(join(root, 'outside', 'site', 'index.html'), 'SECRET\n');

    const log = recordingLog();
    const hidden = new HiddenTally();
    const { entries, excludes } = await expandFileSpecs(parseFileSpecs(['build/site']), {
      workspace: await Workspace.open(ws),
      ifNoFilesFound: 'error',
      includeHiddenFiles: false,
      hidden,
      log,
    });
    await rename(join(ws, 'build'), join(ws, 'build-old'));
    await symlink(join(root, 'outside'), join(ws, 'build'), 'junction');

    const packing = prepareLayers(entries, {
      tempDir: root,
      excludes,
      mtime: 0,
      compressionLevel: 6,
      concurrency: 1,
      includeHiddenFiles: false,
      hidden,
      secrets: new KnownSecrets([]),
      log,
    });
    await expect(packing).rejects.toMatchObject({ code: 'FILE_CHANGED' });
    await expect(packing).rejects.toThrow(
      `${join(ws, 'build', 'site')} now leads to ${JSON.stringify(join(root, 'outside', 'site'))} since it was checked`,
    );
  });
});
