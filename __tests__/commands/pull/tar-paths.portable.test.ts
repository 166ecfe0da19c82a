// Entry names and link targets of a folder layer judged with the rules of the runner's file
// system; Windows' through path.win32, on any machine.
import path from 'node:path';
import {
  checkSymlinkTarget,
  entrySegments,
  linkSteps,
} from '../../../src/commands/pull/tar-paths.js';

describe('entrySegments on Windows', () => {
  const segments = (entry: string) => entrySegments(entry, 'site', 'site', path.win32);

  it('reads a backslash as the separator it is there', () => {
    expect(segments('site\\docs\\a.md')).toEqual(['docs', 'a.md']);
    expect(segments('site/docs\\a.md')).toEqual(['docs', 'a.md']);
  });

  it.each(['site/a\\..\\..\\x', 'site\\..\\x', '..\\site\\x'])(
    'refuses %j, which climbs out there',
    (entry) => {
      expect(() => segments(entry)).toThrow(/leaves the layer folder|is not inside/);
    },
  );

  it.each([
    ['site/a:b', '"a:b" holds ":"'],
    ['site/docs/con', '"con" is the name of a device'],
    ['site/trail./x', '"trail." ends with a dot'],
    ['site/C:/x', '"C:" holds ":"'],
  ])('refuses %j, a name Windows cannot hold', (entry, why) => {
    expect(() => segments(entry)).toThrow(why);
    expect(() => segments(entry)).toThrow(expect.objectContaining({ code: 'UNPORTABLE_NAME' }));
  });

  it('keeps POSIX names as they are on Linux and macOS', () => {
    expect(entrySegments('site/a\\b', 'site', 'site', path.posix)).toEqual(['a\\b']);
    expect(entrySegments('site/a:b', 'site', 'site', path.posix)).toEqual(['a:b']);
  });
});

describe('link targets', () => {
  it.each([
    ['a/b', path.posix, ['a', 'b']],
    ['a\\b', path.posix, ['a\\b']],
    ['a\\b', path.win32, ['a', 'b']],
    ['../x', path.win32, ['..', 'x']],
    ['/x', path.posix, 'absolute'],
    ['/x', path.win32, 'absolute'],
    ['C:\\x', path.posix, 'absolute'],
    ['C:/x', path.win32, 'absolute'],
    ['C:x', path.win32, 'absolute'],
    ['\\x', path.win32, 'absolute'],
    ['\\\\server\\share', path.win32, 'absolute'],
  ] as const)('%j with %s rules: %j', (target, rules, steps) => {
    expect(linkSteps(target, rules)).toEqual(steps);
  });

  it.each([
    ['..\\..\\x', /leaves the layer folder/],
    ['a\\..\\..\\..\\x', /leaves the layer folder/],
    ['\\Windows\\x', /absolute path/],
    ['C:secret', /absolute path/],
  ])('refuses %j on Windows', (target, why) => {
    expect(() =>
      checkSymlinkTarget(['docs', 'link'], target, 'site', 'site/docs/link', path.win32),
    ).toThrow(why);
  });

  it('accepts a target that stays inside, written with either separator', () => {
    for (const target of ['..\\index.html', '../img/logo.svg', 'api\\v1']) {
      expect(() =>
        checkSymlinkTarget(['docs', 'link'], target, 'site', 'site/docs/link', path.win32),
      ).not.toThrow();
    }
  });
});
