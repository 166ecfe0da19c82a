// The .git rule of pull by name (titles, tar entries, link targets), and through links that
// already exist in the output folder.
import { mkdir, symlink } from 'node:fs/promises';
import { join, posix, win32 } from 'node:path';
import { gitSegment, isGitFolderName } from '../../../src/commands/pull/git-folder.js';
import { checkExistingPaths, titleTarget } from '../../../src/commands/pull/output-path.js';
import { checkSymlinkTarget, entrySegments } from '../../../src/commands/pull/tar-paths.js';
import { useTempDirEach } from './helpers.js';

describe('isGitFolderName', () => {
  it.each([
    '.git',
    '.GIT',
    '.Git',
    '.git.',
    '.git..',
    '.git ',
    '.git . ',
    'git~1',
    'GIT~1',
    'git~2',
    '.git::$INDEX_ALLOCATION',
    '.git:stream',
    '.g\u200cit',
    '\ufeff.git',
    '.gi\u200dt\u200e',
  ])('counts %j as .git (some runner resolves it there)', (name) => {
    expect(isGitFolderName(name)).toBe(true);
  });

  it.each(['.github', '.gitignore', '.git-credentials', 'git', '..git', 'my.git', '.gitx', 'git~'])(
    'lets %j through',
    (name) => {
      expect(isGitFolderName(name)).toBe(false);
    },
  );
});

describe('gitSegment', () => {
  it('finds the segment with either separator, as Windows reads both', () => {
    expect(gitSegment(posix.join('repo', '.git', 'config'))).toBe('.git');
    expect(gitSegment(win32.join('repo', '.GIT', 'hooks', 'post-checkout'))).toBe('.GIT');
    expect(gitSegment('a\\git~1/config')).toBe('git~1');
    expect(gitSegment(win32.join('C:\\work', 'out', 'a.txt'))).toBeUndefined();
    expect(gitSegment('.github/workflows/ci.yml')).toBeUndefined();
  });
});

describe('titles and tar entries with a .git segment', () => {
  const out = '/work/out';

  it.each([
    '.git/config',
    '.GIT/hooks/pre-commit',
    'sub/.git/config',
    'git~1/config',
    '.git.',
    'a\\.git\\config',
    '.git/../x',
  ])('refuses the title %j, whatever allow-path-traversal says', (title) => {
    for (const allow of [false, true]) {
      expect(() => titleTarget(out, title, allow)).toThrow(
        /has the path segment ".*": a pull never writes into a \.git folder, since git runs what it finds there .*; refused whatever allow-path-traversal says/,
      );
    }
  });

  it.each(['site/.git/config', 'site/sub/.GIT/hooks/x', 'site/.git', 'site/git~1/config'])(
    'refuses the tar entry %j',
    (entry) => {
      expect(() => entrySegments(entry, 'site', 'site')).toThrow(
        /^folder layer "site": tar entry ".*" has the path segment ".*": a pull never writes into a \.git folder/,
      );
    },
  );

  it.each(['.git', 'sub/.git/hooks', '../site/.GIT'])('refuses a symbolic link to %j', (target) => {
    expect(() => checkSymlinkTarget(['link'], target, 'site', 'site/link')).toThrow(
      /is a symbolic link into a \.git folder/,
    );
  });
});

describe('existing links into a .git folder', () => {
  const temp = useTempDirEach('oci-pull-git-');

  it('refuses a title whose parent is a link into .git, inside or outside the output folder', async () => {
    const ws = temp.path;
    await mkdir(join(ws, '.git', 'hooks'), { recursive: true });
    await symlink('.git', join(ws, 'docs'));
    await symlink('.git/hooks', join(ws, 'out-hooks'));
    for (const [outputDir, title] of [
      [ws, 'docs/config'],
      [ws, 'out-hooks/pre-commit'],
      [join(ws, 'out'), '../docs/config'],
      [join(ws, 'new', 'out'), '../../docs/config'],
    ] as const) {
      const target = titleTarget(outputDir, title, true);
      for (const allow of [false, true]) {
        await expect(
          checkExistingPaths(outputDir, [{ target, name: title }], allow),
        ).rejects.toMatchObject({
          code: 'UNSAFE_PATH',
          message: expect.stringMatching(
            /would be written into the \.git folder .*\.git.*: a pull never writes into a \.git folder/,
          ),
        });
      }
    }
  });

  it('lets a pull into a folder that is itself inside .git go on (the user chose it)', async () => {
    const outputDir = join(temp.path, '.git', 'x');
    await mkdir(outputDir, { recursive: true });
    const target = titleTarget(outputDir, 'a.txt', false);
    await expect(checkExistingPaths(outputDir, [{ target, name: 'a.txt' }], false)).resolves.toBe(
      undefined,
    );
  });
});
