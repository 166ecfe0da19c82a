// Links made with the kind Windows needs, decided by what the target is once the layer is
// written; the Windows logic runs on any machine (elsewhere the kind is ignored by the system).
import { lstat, mkdir, readdir, stat, symlink, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  SymlinkMaker,
  type LinkFs,
  type LinkKind,
} from '../../../src/commands/pull/symlink-maker.js';
import { makeTempDir } from '../../support/temp.js';

/** The real file system, with every link made recorded with its kind. */
function recordingFs(): LinkFs & { made: [string, LinkKind | undefined][] } {
  const made: [string, LinkKind | undefined][] = [];
  return {
    made,
    symlink: async (target, path, kind) => {
      made.push([target, kind]);
      await symlink(target, path, kind);
    },
    stat,
    lstat,
    unlink,
  };
}

describe('SymlinkMaker', () => {
  let dir: { path: string; remove(): Promise<void> };
  beforeEach(async () => (dir = await makeTempDir('oci-links-')));
  afterEach(() => dir.remove());

  it('on Windows, makes a link to a folder that appears later again as a folder link', async () => {
    const fs = recordingFs();
    const maker = new SymlinkMaker('win32', fs);
    await writeFile(join(dir.path, 'file.txt'), 'x');
    await maker.make('later', join(dir.path, 'to-later'));
    await maker.make('file.txt', join(dir.path, 'to-file'));
    await mkdir(join(dir.path, 'now'));
    await maker.make('now', join(dir.path, 'to-now'));
    await mkdir(join(dir.path, 'later'));
    await writeFile(join(dir.path, 'later', 'inside.txt'), 'in');
    expect(fs.made).toEqual([
      ['later', 'file'],
      ['file.txt', 'file'],
      ['now', 'dir'],
    ]);
    await maker.retype();
    expect(fs.made.slice(3)).toEqual([['later', 'dir']]);
    // Entered through the link: what a link of the wrong kind cannot do on Windows.
    expect(await readdir(join(dir.path, 'to-later'))).toEqual(['inside.txt']);
  });

  it('on Windows, leaves a link that a later entry replaced', async () => {
    const fs = recordingFs();
    const maker = new SymlinkMaker('win32', fs);
    await maker.make('later', join(dir.path, 'link'));
    await unlink(join(dir.path, 'link'));
    await writeFile(join(dir.path, 'link'), 'a file now');
    await mkdir(join(dir.path, 'later'));
    await maker.retype();
    expect(fs.made).toEqual([['later', 'file']]);
    expect((await lstat(join(dir.path, 'link'))).isFile()).toBe(true);
  });

  it('on Windows, says what to do when the runner may not make links', async () => {
    const refusing: LinkFs = {
      ...recordingFs(),
      symlink: () =>
        Promise.reject(
          Object.assign(new Error('EPERM: operation not permitted'), { code: 'EPERM' }),
        ),
    };
    await expect(
      new SymlinkMaker('win32', refusing).make('a', join(dir.path, 'l')),
    ).rejects.toMatchObject({
      code: 'LINKS_NOT_PERMITTED',
      message: expect.stringContaining('Developer Mode') as unknown,
    });
  });

  it('elsewhere makes plain links, with no kind', async () => {
    const fs = recordingFs();
    const maker = new SymlinkMaker('linux', fs);
    await maker.make('later', join(dir.path, 'link'));
    await mkdir(join(dir.path, 'later'));
    await maker.retype();
    expect(fs.made).toEqual([['later', undefined]]);
  });
});
