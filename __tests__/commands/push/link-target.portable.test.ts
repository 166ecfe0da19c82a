// Link targets as a folder layer stores them, from what readlink gives on each platform, with the
// Windows rules tested through path.win32 on any machine.
import path from 'node:path';
import { linkEscape, storedLinkTarget } from '../../../src/commands/pack/path-rules.js';

describe('storedLinkTarget', () => {
  const root = 'C:\\ws\\site';
  const folder = 'C:\\ws\\site\\docs';

  it.each([
    // Symbolic links with relative targets: backslashes become the tar format's `/`.
    ['..\\index.html', '../index.html'],
    ['img\\logo.svg', 'img/logo.svg'],
    ['a/b\\c', 'a/b/c'],
    // Junctions (always absolute) and absolute links inside the folder travel as relative links.
    ['C:\\ws\\site\\img', '../img'],
    ['c:\\WS\\Site\\img\\logo.svg', '../img/logo.svg'],
    ['\\\\?\\C:\\ws\\site\\img', '../img'],
    ['\\??\\C:\\ws\\site\\docs\\api', 'api'],
    ['C:\\ws\\site\\docs', '.'],
    // Absolute targets outside stay absolute (and are refused by linkEscape).
    ['C:\\ws\\other', 'C:/ws/other'],
    ['D:\\ws\\site\\img', 'D:/ws/site/img'],
    ['\\\\server\\share\\x', '//server/share/x'],
    ['\\\\?\\UNC\\server\\share\\x', '//?/UNC/server/share/x'],
    // Relative to the process's current drive or folder: never rewritten, always refused.
    ['\\ws\\site\\img', '/ws/site/img'],
    ['C:img', 'C:img'],
  ])('win32: %s is stored as %s', (target, stored) => {
    expect(storedLinkTarget(folder, target, root, path.win32)).toBe(stored);
  });

  it.each([
    ['C:\\ws\\other', 'absolute'],
    ['\\\\server\\share\\x', 'absolute'],
    ['\\ws\\site\\img', 'absolute'],
    ['C:img', 'absolute'],
    ['..\\..\\..\\x', 'climbs-out'],
    ['C:\\ws\\site\\img', undefined],
  ] as const)('win32: a link in docs to %s is judged %s', (target, escape) => {
    const stored = storedLinkTarget(folder, target, root, path.win32);
    expect(linkEscape(['docs', 'link'], stored, path.win32)).toBe(escape);
  });

  it('keeps a POSIX target as readlink gave it, backslashes included (a name there)', () => {
    expect(storedLinkTarget('/ws/site/docs', 'a\\b', '/ws/site', path.posix)).toBe('a\\b');
    expect(storedLinkTarget('/ws/site/docs', '/ws/site/img', '/ws/site', path.posix)).toBe(
      '/ws/site/img',
    );
  });
});
