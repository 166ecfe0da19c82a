// Moving verified layers into place on every runner: renames tried again while Windows says a
// file is busy, and the probe that tells whether the output folder's file system ignores case.
import { access, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ignoresCase, moveIntoPlace, WorkArea } from '../../../src/commands/pull/placement.js';
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
