// Removing a pull's folders even when a folder layer made them read-only (runners are not root).
import { chmod, mkdir, readdir, writeFile } from 'node:fs/promises';
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
});
