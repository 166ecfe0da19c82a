import { posix, win32 } from 'node:path';
import {
  isWithin,
  linkEscape,
  namedPath,
  patternSegments,
  segmentsBelow,
  unspelledHiddenDepth,
} from '../../../src/commands/pack/path-rules.js';

describe('path rules', () => {
  it.each<[string, string, boolean]>([
    ['/ws', '/ws', true],
    ['/ws', '/ws/a/b', true],
    ['/ws', '/ws/..foo', true],
    ['/ws', '/ws/../ws/a', true],
    ['/ws', '/wsx/a', false],
    ['/ws', '/', false],
    ['/ws', '/ws/../etc/passwd', false],
    ['/ws', '/proc/self/environ', false],
  ])('posix: %s contains %s: %s', (root, child, inside) => {
    expect(isWithin(root, child, posix)).toBe(inside);
  });

  it.each<[string, string, boolean]>([
    ['C:\\ws', 'C:\\ws\\a', true],
    // Windows paths compare without case.
    ['C:\\WS', 'c:\\ws\\a', true],
    ['C:\\ws', 'C:/ws/a/b', true],
    ['C:\\ws', 'D:\\ws\\a', false],
    ['C:\\ws', 'C:\\wsx', false],
    ['C:\\ws', 'C:\\', false],
    ['C:\\ws', '\\\\server\\share\\ws\\a', false],
    ['\\\\server\\share\\ws', '\\\\server\\share\\ws\\a', true],
  ])('win32: %s contains %s: %s', (root, child, inside) => {
    expect(isWithin(root, child, win32)).toBe(inside);
  });

  // A files line judged by name on Windows, before the disk is looked at.
  it.each<[string, string | undefined, boolean]>([
    ['dist\\app.exe', 'C:\\ws\\dist\\app.exe', true],
    ['c:\\WS\\Dist\\*.js', 'C:\\ws\\Dist', true],
    // Relative to the working directory's drive: stays inside.
    ['C:notes.txt', 'C:\\ws\\notes.txt', true],
    ['notes:v2.txt', 'C:\\ws\\notes:v2.txt', true],
    ['D:\\secret.txt', 'D:\\secret.txt', false],
    // Relative to another drive's current folder, whatever that is: outside.
    ['D:secret.txt', undefined, false],
    ['/Users/runner/.docker/config.json', 'C:\\Users\\runner\\.docker\\config.json', false],
    ['\\Windows\\win.ini', 'C:\\Windows\\win.ini', false],
    ['..\\secret.txt', 'C:\\secret.txt', false],
    ['dist/../../secret.txt', 'C:\\secret.txt', false],
    ['dist\\*\\..\\..\\..\\x\\*', 'C:\\x', false],
    ['\\\\server\\share\\x', '\\\\server\\share\\x', false],
    // The long and device forms of a path inside are refused, never guessed at.
    ['\\\\?\\C:\\ws\\x', '\\\\?\\C:\\ws\\x', false],
    ['\\\\.\\C:\\ws\\x', '\\\\.\\C:\\ws\\x', false],
    ['\\\\?\\UNC\\server\\share\\x', '\\\\?\\UNC\\server\\share\\x', false],
  ])('win32: the files line %s names %s, inside: %s', (line, prefix, inside) => {
    const named = namedPath('C:\\ws', line, win32);
    expect(named.inside).toBe(inside);
    if (prefix !== undefined) expect(named.prefix).toBe(prefix);
  });

  it('posix: a files line with .. after a glob segment is judged where it lands', () => {
    expect(namedPath('/ws', 'dist/*/../../../etc/*', posix)).toEqual({
      literal: '/etc/*',
      prefix: '/etc',
      inside: false,
    });
    expect(namedPath('/w[s]', 'a/*.txt', posix)).toEqual({
      literal: '/w[s]/a/*.txt',
      prefix: '/w[s]/a',
      inside: true,
    });
  });

  it('splits what lies below a root by the platform separator', () => {
    expect(segmentsBelow('/ws', '/ws/a/.git/config', posix)).toEqual(['a', '.git', 'config']);
    expect(segmentsBelow('C:\\ws', 'C:\\ws\\a\\.env', win32)).toEqual(['a', '.env']);
    expect(segmentsBelow('C:\\ws', 'C:\\ws', win32)).toEqual([]);
  });

  it('splits a pattern into the segments below the working directory, glob characters kept', () => {
    expect(patternSegments('./dist//**/.env', '/ws', posix)).toEqual(['dist', '**', '.env']);
    expect(patternSegments('/ws/.github/*', '/ws', posix)).toEqual(['.github', '*']);
    expect(patternSegments('dist/**\\.env', 'C:\\ws', win32)).toEqual(['dist', '**', '.env']);
    expect(patternSegments('c:\\WS\\.github\\*', 'C:\\ws', win32)).toEqual(['.github', '*']);
  });

  it.each<[string, string, number | undefined]>([
    // Hidden names a wildcard or ** matched are left out, at the topmost one.
    ['a/.git/config', '**', 2],
    ['.env', '*', 1],
    ['dist/.cache/x.js', 'dist/**/*.js', 2],
    ['dist/sub/.x/y', 'dist/*', 3],
    ['.git/HEAD', '**/*', 1],
    // Spelled out by the pattern: honoured.
    ['.github/workflows/ci.yml', '.github/**/*.yml', undefined],
    ['.env', '.*', undefined],
    ['a/b/.env', '**/.env', undefined],
    ['.config/app.json', '.config/*.json', undefined],
    ['src/.eslintrc', 'src/.*rc', undefined],
    ['.github/x', '.git*', undefined],
    // Only the name the dotted segment lines up with is honoured.
    ['.github/.hidden/x', '.github/**', 2],
    ['.git/a/.env', '**/.env', 1],
    ['a/b.txt', '**', undefined],
  ])('%s matched by %s: hidden at depth %s', (path, pattern, depth) => {
    expect(unspelledHiddenDepth(path.split('/'), pattern.split('/'))).toBe(depth);
  });

  it.each<[string, string, ReturnType<typeof linkEscape>]>([
    ['a/link', '../b.txt', undefined],
    ['a/link', 'c/../../b.txt', undefined],
    ['link', 'sub/./x', undefined],
    ['link', '../x', 'climbs-out'],
    ['a/link', '../../x', 'climbs-out'],
    ['a/link', 'x/../../../y', 'climbs-out'],
    ['link', '/etc/passwd', 'absolute'],
    ['link', '/proc/self/environ', 'absolute'],
    // What a Windows extractor would read as absolute is refused on every platform.
    ['link', 'C:\\Windows', 'absolute'],
    ['link', 'c:x', 'absolute'],
    ['link', '', 'empty'],
    // On Linux a backslash is part of a name.
    ['link', '..\\..\\x', undefined],
  ])('posix: link %s -> %s escapes: %s', (link, target, escape) => {
    expect(linkEscape(link.split('/'), target, posix)).toBe(escape);
  });

  it.each<[string, string, ReturnType<typeof linkEscape>]>([
    ['a\\link', '..\\b.txt', undefined],
    ['link', '..\\x', 'climbs-out'],
    ['link', '../x', 'climbs-out'],
    ['a\\link', 'b\\..\\..\\..\\x', 'climbs-out'],
    ['link', '\\\\server\\share\\x', 'absolute'],
    ['link', '\\Windows', 'absolute'],
    ['link', 'D:\\secret', 'absolute'],
  ])('win32: link %s -> %s escapes: %s', (link, target, escape) => {
    expect(linkEscape(link.split('\\'), target, win32)).toBe(escape);
  });
});
