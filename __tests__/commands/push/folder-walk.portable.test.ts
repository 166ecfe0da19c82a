// A folder walked on the system the test runs on (Linux, macOS or Windows in CI): the modes and
// link targets stored are the same everywhere, except the execute bit Windows does not have.
import { chmod, mkdir, realpath, symlink, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { walkFolder, type WalkOptions } from '../../../src/commands/pack/folder-walk.js';
import { makeTempDir } from '../../support/temp.js';

const windows = process.platform === 'win32';

describe('walking a folder on this system', () => {
  let dir: { path: string; remove(): Promise<void> };
  let root: string;
  beforeAll(async () => {
    dir = await makeTempDir('oci-walk-');
    root = join(await realpath(dir.path), 'site');
    await mkdir(join(root, 'nested', 'deeper'), { recursive: true });
    await writeFile(join(root, 'nested', 'deeper', 'page.html'), '<p>hi</p>\n');
    await writeFile(join(root, 'run.sh'), '#!/bin/sh\necho hi\n');
    await chmod(join(root, 'run.sh'), 0o755);
    await chmod(join(root, 'nested'), 0o700);
    // Written with `/`; Windows stores it with `\`, and readlink gives that back.
    await symlink('nested/deeper', join(root, 'latest'), 'dir');
    await symlink('../run.sh', join(root, 'nested', 'run'), 'file');
  });
  afterAll(async () => {
    await chmod(join(root, 'nested'), 0o755);
    await dir.remove();
  });

  const options = (): WalkOptions => ({
    root,
    realRoot: root,
    title: 'site',
    excludes: [],
    includeHiddenFiles: false,
    blame: { input: 'files', given: 'site' },
    mtime: 0,
  });

  it('stores 0755 folders, 0644 files (0755 when executable, where there is such a bit), and `/` in links', async () => {
    const entries = (await walkFolder(options())).map(({ entry }) => [
      entry.name,
      entry.type,
      entry.mode.toString(8),
      entry.linkName ?? '',
    ]);
    expect(entries).toEqual([
      ['site', 'directory', '755', ''],
      ['site/latest', 'symlink', '777', 'nested/deeper'],
      ['site/nested', 'directory', '755', ''],
      ['site/nested/deeper', 'directory', '755', ''],
      ['site/nested/deeper/page.html', 'file', '644', ''],
      ['site/nested/run', 'symlink', '777', '../run.sh'],
      ['site/run.sh', 'file', windows ? '644' : '755', ''],
    ]);
  });

  it('stores a junction to a folder inside as a relative link (Windows); elsewhere an absolute link is refused', async () => {
    const link = join(root, 'nested', 'junction');
    // Windows makes a junction (its target absolute, always); other systems a plain link.
    await symlink(join(root, 'nested', 'deeper'), link, 'junction');
    try {
      if (windows) {
        const found = (await walkFolder(options())).find(
          ({ entry }) => entry.name === 'site/nested/junction',
        );
        expect(found?.entry.linkName).toBe('deeper');
      } else {
        await expect(walkFolder(options())).rejects.toThrow(
          /"site\/nested\/junction" links to ".*", which is absolute/,
        );
      }
    } finally {
      await unlink(link);
    }
  });
});
