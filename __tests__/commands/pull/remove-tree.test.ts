// Removing a pull's folders even when a folder layer made them read-only (runners are not root;
// where the tests run as root, which may remove them anyway, the refusal is injected).
import { lstatSync, rmSync } from 'node:fs';
import { chmod, lstat, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { removeTree, removeTreeSync } from '../../../src/commands/pull/remove-tree.js';
import { useTempDirEach } from './helpers.js';

describe('removeTree and removeTreeSync', () => {
  const dir = useTempDirEach('oci-remove-tree-');

  async function readOnlyTree(name: string): Promise<string> {
    const root = join(dir.path, name);
    await mkdir(join(root, 'a', 'b'), { recursive: true });
    await writeFile(join(root, 'a', 'b', 'file'), 'x');
    await chmod(join(root, 'a', 'b'), 0o555);
    await chmod(join(root, 'a'), 0o555);
    return root;
  }

  it.each([
    ['removeTree', removeTree],
    ['removeTreeSync', async (path: string) => removeTreeSync(path)],
  ])('%s removes folders it has to make writable first', async (_name, remove) => {
    await readOnlyTree('work');
    await remove(join(dir.path, 'work'));
    expect(await readdir(dir.path)).toEqual([]);
    await remove(join(dir.path, 'missing')); // nothing there: nothing to do
  });

  const refused = (): Error => Object.assign(new Error('permission denied'), { code: 'EACCES' });
  const modes = async (root: string): Promise<number[]> => [
    (await lstat(join(root, 'a'))).mode & 0o777,
    (await lstat(join(root, 'a', 'b'))).mode & 0o777,
  ];

  it('makes every folder below writable when the removal is refused, then removes again', async () => {
    const root = await readOnlyTree('refused');
    const seen: number[][] = [];
    let calls = 0;
    await removeTree(root, async (path, options) => {
      if (++calls === 1) throw refused();
      seen.push(await modes(root));
      await rm(path, options);
    });
    expect(seen).toEqual([[0o700, 0o700]]);
    expect(await readdir(dir.path)).toEqual([]);
  });

  it('does the same synchronously, for the moment the process exits', async () => {
    const root = await readOnlyTree('refused-sync');
    const seen: number[][] = [];
    let calls = 0;
    removeTreeSync(root, (path, options) => {
      if (++calls === 1) throw refused();
      seen.push(['a', 'a/b'].map((folder) => lstatSync(join(root, folder)).mode & 0o777));
      rmSync(path, options);
    });
    expect(seen).toEqual([[0o700, 0o700]]);
    expect(await readdir(dir.path)).toEqual([]);
  });

  it('passes on a failure other than a refusal, and ignores a tree gone meanwhile', async () => {
    const root = await readOnlyTree('other');
    const full = Object.assign(new Error('no space'), { code: 'ENOSPC' });
    await expect(
      removeTree(root, async () => {
        throw full;
      }),
    ).rejects.toBe(full);
    let calls = 0;
    await removeTree(join(dir.path, 'gone'), async () => {
      if (++calls === 1) throw refused();
    });
    expect(calls).toBe(2);
  });
});
