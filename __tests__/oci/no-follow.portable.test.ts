// Opening without following a final link, with the platform's O_NOFOLLOW and with the check that
// replaces it where the platform has none (Windows), which runs here on any system.
import { lstat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { O_NOFOLLOW, openNoFollow } from '../../src/oci/no-follow.js';
import { makeTempDir } from '../support/temp.js';
import { constants } from 'node:fs';

describe('openNoFollow', () => {
  let dir: { path: string; remove(): Promise<void> };
  let file: string;
  let other: string;
  let link: string;
  beforeAll(async () => {
    dir = await makeTempDir('oci-nofollow-');
    file = join(dir.path, 'file.txt');
    other = join(dir.path, 'other.txt');
    link = join(dir.path, 'link.txt');
    await writeFile(file, 'content');
    await writeFile(other, 'other');
    await symlink('file.txt', link, 'file');
  });
  afterAll(() => dir.remove());

  const ways = [
    ['with the platform flag', O_NOFOLLOW],
    ['with the lstat/fstat check (as on Windows)', undefined],
  ] as const;

  describe.each(ways)('%s', (_name, noFollow) => {
    it('opens a regular file', async () => {
      const handle = await openNoFollow(file, constants.O_RDONLY, { noFollow });
      try {
        expect((await handle.readFile()).toString()).toBe('content');
      } finally {
        await handle.close();
      }
    });

    it('refuses a symbolic link with ELOOP', async () => {
      await expect(openNoFollow(link, constants.O_RDONLY, { noFollow })).rejects.toMatchObject({
        code: 'ELOOP',
      });
    });

    it('lets a missing file fail as missing', async () => {
      await expect(
        openNoFollow(join(dir.path, 'missing'), constants.O_RDONLY, { noFollow }),
      ).rejects.toMatchObject({ code: 'ENOENT' });
    });
  });

  it('without the flag, refuses a file that is not the one looked at (a swap in between)', async () => {
    // The name looked like `other` and opens `file`: what a link put in place meanwhile does.
    const lookedAtOther = () => lstat(other, { bigint: true });
    await expect(
      openNoFollow(file, constants.O_RDONLY, { noFollow: undefined, lstat: lookedAtOther }),
    ).rejects.toMatchObject({ code: 'ELOOP' });
  });
});
