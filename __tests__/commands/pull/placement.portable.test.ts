// Moving verified layers into place on every runner: renames tried again while Windows says a
// file is busy, and the probe that tells whether the output folder's file system ignores case.
import {
  access,
  mkdir,
  readdir,
  readFile,
  readlink,
  rename,
  stat,
  symlink,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import {
  ignoresCase,
  moveIntoPlace,
  WORK_PREFIX,
  WorkArea,
} from '../../../src/commands/pull/placement.js';
import { makeTempDir } from '../../support/temp.js';

const busy = () => Object.assign(new Error('EBUSY: resource busy or locked'), { code: 'EBUSY' });

describe('moveIntoPlace', () => {
  let dir: { path: string; remove(): Promise<void> };
  beforeEach(async () => (dir = await makeTempDir('oci-place-')));
  afterEach(() => dir.remove());

  /** A rename that fails `times` times as a file a scanner holds open does, then works. */
  const busyFor = (times: number) => {
    const calls = { count: 0 };
    const flaky = async (from: string, to: string) => {
      if (++calls.count <= times) throw busy();
      await rename(from, to);
    };
    return { calls, flaky };
  };

  it('tries a rename again on Windows while the file is busy', async () => {
    await writeFile(join(dir.path, 'staged'), 'verified');
    const { calls, flaky } = busyFor(2);
    await moveIntoPlace(join(dir.path, 'staged'), join(dir.path, 'out', 'file.txt'), {
      platform: 'win32',
      rename: flaky,
    });
    expect(calls.count).toBe(3);
    expect(await readFile(join(dir.path, 'out', 'file.txt'), 'utf8')).toBe('verified');
  });

  it('tries again when a folder is moved aside and when it is put in place', async () => {
    await mkdir(join(dir.path, 'staged'));
    await writeFile(join(dir.path, 'staged', 'new.txt'), 'new');
    await mkdir(join(dir.path, 'site'));
    await writeFile(join(dir.path, 'site', 'old.txt'), 'old');
    let calls = 0;
    const everyOtherBusy = async (from: string, to: string) => {
      if (++calls % 2 === 1) throw busy();
      await rename(from, to);
    };
    await moveIntoPlace(join(dir.path, 'staged'), join(dir.path, 'site'), {
      platform: 'win32',
      rename: everyOtherBusy,
    });
    expect(calls).toBe(4);
    expect(await readFile(join(dir.path, 'site', 'new.txt'), 'utf8')).toBe('new');
    await expect(access(join(dir.path, 'site', 'old.txt'))).rejects.toMatchObject({
      code: 'ENOENT',
    });
  });

  it('fails at once elsewhere, where EBUSY is not a passing scanner', async () => {
    await writeFile(join(dir.path, 'staged'), 'verified');
    const { calls, flaky } = busyFor(1);
    await expect(
      moveIntoPlace(join(dir.path, 'staged'), join(dir.path, 'file.txt'), {
        platform: 'linux',
        rename: flaky,
      }),
    ).rejects.toMatchObject({ code: 'EBUSY' });
    expect(calls.count).toBe(1);
  });
});

describe('moveIntoPlace across file systems (EXDEV)', () => {
  let dir: { path: string; remove(): Promise<void> };
  beforeEach(async () => (dir = await makeTempDir('oci-exdev-')));
  afterEach(() => dir.remove());

  const exdev = () => Object.assign(new Error('EXDEV: cross-device link'), { code: 'EXDEV' });
  /**
   * A rename as between two file systems: out of `work/` it fails with EXDEV, as a work folder on
   * another device would; within the output folder it works.
   */
  const renames: [string, string][] = [];
  const acrossDevices = async (from: string, to: string) => {
    renames.push([from, to]);
    if (from.startsWith(join(dir.path, 'work'))) throw exdev();
    await rename(from, to);
  };
  beforeEach(() => (renames.length = 0));

  /** What the output folder holds besides `keep`: no copy may be left beside the target. */
  const leftovers = async (keep: string[]) =>
    (await readdir(join(dir.path, 'out'))).filter((name) => !keep.includes(name));

  it('copies a file next to the target and renames it there, keeping its mtime', async () => {
    await mkdir(join(dir.path, 'work'));
    await mkdir(join(dir.path, 'out'));
    const staged = join(dir.path, 'work', 'staged');
    await writeFile(staged, 'verified');
    const mtime = new Date('2020-01-02T03:04:05Z');
    await utimes(staged, mtime, mtime);
    await writeFile(join(dir.path, 'out', 'file.txt'), 'old');

    await moveIntoPlace(staged, join(dir.path, 'out', 'file.txt'), { rename: acrossDevices });

    expect(await readFile(join(dir.path, 'out', 'file.txt'), 'utf8')).toBe('verified');
    expect((await stat(join(dir.path, 'out', 'file.txt'))).mtime.getTime()).toBe(mtime.getTime());
    // The last rename is the copy's, from beside the target: atomic on the target's device.
    const [from, to] = renames.at(-1) as [string, string];
    expect(dirname(from)).toBe(join(dir.path, 'out'));
    expect(basename(from)).toMatch(new RegExp(`^${WORK_PREFIX.replace('.', '\\.')}.+\\.new$`));
    expect(to).toBe(join(dir.path, 'out', 'file.txt'));
    expect(await leftovers(['file.txt'])).toEqual([]);
  });

  it('copies a folder with its links as written and replaces the old folder', async () => {
    await mkdir(join(dir.path, 'work', 'staged', 'sub'), { recursive: true });
    await writeFile(join(dir.path, 'work', 'staged', 'sub', 'a.txt'), 'a');
    await symlink('sub/a.txt', join(dir.path, 'work', 'staged', 'link'), 'file');
    await mkdir(join(dir.path, 'out', 'site'), { recursive: true });
    await writeFile(join(dir.path, 'out', 'site', 'old.txt'), 'old');

    await moveIntoPlace(join(dir.path, 'work', 'staged'), join(dir.path, 'out', 'site'), {
      rename: acrossDevices,
    });

    expect(await readFile(join(dir.path, 'out', 'site', 'sub', 'a.txt'), 'utf8')).toBe('a');
    // Windows stores the target with a backslash, and readlink gives that back.
    const link = await readlink(join(dir.path, 'out', 'site', 'link'));
    expect(link.split('\\').join('/')).toBe('sub/a.txt');
    await expect(access(join(dir.path, 'out', 'site', 'old.txt'))).rejects.toMatchObject({
      code: 'ENOENT',
    });
    expect(await leftovers(['site'])).toEqual([]);
  });

  it('removes its copy and puts the old folder back when the last rename fails', async () => {
    await mkdir(join(dir.path, 'work', 'staged'), { recursive: true });
    await writeFile(join(dir.path, 'work', 'staged', 'new.txt'), 'new');
    await mkdir(join(dir.path, 'out', 'site'), { recursive: true });
    await writeFile(join(dir.path, 'out', 'site', 'old.txt'), 'old');
    const copyRefused = async (from: string, to: string) => {
      if (from.endsWith('.new')) throw Object.assign(new Error('EACCES'), { code: 'EACCES' });
      await acrossDevices(from, to);
    };

    await expect(
      moveIntoPlace(join(dir.path, 'work', 'staged'), join(dir.path, 'out', 'site'), {
        rename: copyRefused,
      }),
    ).rejects.toMatchObject({ code: 'EACCES' });

    expect(await readFile(join(dir.path, 'out', 'site', 'old.txt'), 'utf8')).toBe('old');
    expect(await leftovers(['site'])).toEqual([]);
  });

  it('says where the old folder is kept when it cannot be put back either', async () => {
    await mkdir(join(dir.path, 'work', 'staged'), { recursive: true });
    await mkdir(join(dir.path, 'out', 'site'), { recursive: true });
    await writeFile(join(dir.path, 'out', 'site', 'old.txt'), 'old');
    // The first rename (the old folder aside) works; every one after it is refused.
    let renamed = 0;
    const refusedAfterOne = async (from: string, to: string) => {
      if (renamed++ > 0) throw Object.assign(new Error('EACCES'), { code: 'EACCES' });
      await rename(from, to);
    };

    const failure = await moveIntoPlace(
      join(dir.path, 'work', 'staged'),
      join(dir.path, 'out', 'site'),
      { rename: refusedAfterOne, platform: 'linux' },
    ).catch((error: unknown) => error as Error & { code?: string; cause?: { code?: string } });

    const kept = await leftovers(['site']);
    expect(kept).toHaveLength(1);
    const aside = join(dir.path, 'out', kept[0] as string);
    expect(await readFile(join(aside, 'old.txt'), 'utf8')).toBe('old');
    expect(failure).toMatchObject({ name: 'PullError', code: 'NOT_RESTORED' });
    expect(failure?.message).toContain(`it is kept at ${aside}`);
    expect(failure?.cause).toMatchObject({ code: 'EACCES' });
  });

  it('lets any other rename failure through without copying', async () => {
    await mkdir(join(dir.path, 'work'));
    await writeFile(join(dir.path, 'work', 'staged'), 'verified');
    const refused = () => Promise.reject(Object.assign(new Error('EACCES'), { code: 'EACCES' }));
    await expect(
      moveIntoPlace(join(dir.path, 'work', 'staged'), join(dir.path, 'out', 'file.txt'), {
        rename: refused,
      }),
    ).rejects.toMatchObject({ code: 'EACCES' });
    expect(await readdir(join(dir.path, 'out'))).toEqual([]);
  });
});

describe('whether the output folder ignores case', () => {
  const missing = () => Promise.reject(Object.assign(new Error('ENOENT'), { code: 'ENOENT' }));

  it('looks the work folder up upper-cased: found means the file system ignores case', async () => {
    const looked: string[] = [];
    const found = (path: string) => {
      looked.push(path);
      return Promise.resolve();
    };
    expect(await ignoresCase('/out', '.oci-pull-4f2a', found)).toBe(true);
    expect(looked).toEqual([join('/out', '.OCI-PULL-4F2A')]);
    expect(await ignoresCase('/out', '.oci-pull-4f2a', missing)).toBe(false);
  });

  it('lets any other failure through, and needs a name with lower-case letters', async () => {
    const denied = () => Promise.reject(Object.assign(new Error('EACCES'), { code: 'EACCES' }));
    await expect(ignoresCase('/out', '.oci-pull-1', denied)).rejects.toMatchObject({
      code: 'EACCES',
    });
    await expect(ignoresCase('/out', '0123', missing)).rejects.toThrow(/lower-case letters/);
  });

  it('agrees with what this system does with a file of its own', async () => {
    const dir = await makeTempDir('oci-case-');
    try {
      await writeFile(join(dir.path, 'probe-file'), '');
      const independent = await access(join(dir.path, 'PROBE-FILE')).then(
        () => true,
        () => false,
      );
      const work = await WorkArea.create(dir.path);
      expect(work.caseInsensitive).toBe(independent);
    } finally {
      await dir.remove();
    }
  });
});
