import { compileGlob, GlobSyntaxError } from '../../../src/commands/pull/glob.js';
import { titleFilter } from '../../../src/commands/pull/title-filter.js';

const matches = (glob: string, title: string): boolean => compileGlob(glob)(title);

describe('compileGlob', () => {
  it.each([
    ['*.txt', 'a.txt', true],
    ['*.txt', 'dir/a.txt', false],
    ['*.txt', '.hidden.txt', true],
    ['**/*.txt', 'a.txt', true],
    ['**/*.txt', 'x/y/a.txt', true],
    ['**/*.txt', 'x/y/a.txt.bak', false],
    ['a/**', 'a', true],
    ['a/**', 'a/b/c', true],
    ['a/**', 'ab', false],
    ['a/**/b', 'a/b', true],
    ['a/**/**/b', 'a/x/y/b', true],
    ['a/**/b', 'a/x/y/b', true],
    ['a/**/b', 'a/x/yb', false],
    ['?.md', 'a.md', true],
    ['?.md', 'ab.md', false],
    ['?', '/', false],
    ['[ab].md', 'b.md', true],
    ['[!ab].md', 'c.md', true],
    ['[!ab].md', 'a.md', false],
    ['[a-c]x', 'bx', true],
    ['[a-c]x', 'dx', false],
    ['[^a]', '/', false],
    ['\\*', '*', true],
    ['\\*', 'a', false],
    ['docs', 'docs/readme.md', true],
    ['docs', 'docs2', false],
    ['./docs/', 'docs/x', true],
    ['a.b', 'axb', false],
    ['(x)+', '(x)+', true],
    ['Readme', 'readme', false],
    // An escaped '-' in a class is the character itself, not a range.
    ['[a\\-z]', '-', true],
    ['[a\\-z]', 'z', true],
    ['[a\\-z]', 'b', false],
    ['[]]', ']', true],
    ['[[:digit:]].txt', '7.txt', true],
    ['**', 'a/b/.c', true],
    ['a/**/b/**', 'a/x/b', true],
    ['docs/**', 'docs', true],
    ['docs/**', 'docs/a/b.md', true],
    // Braces and extended globs are literal; a pattern is never a negation of its own.
    ['{a,b}', 'a', false],
    ['{a,b}', '{a,b}', true],
    ['+(x)', '+(x)', true],
    ['!x', '!x', true],
    // No wildcard matches a '.' or '..' segment: such titles are named literally.
    ['*', '..', false],
    ['**', '../x', false],
    ['../x', '../x', true],
    // Titles are '/'-separated everywhere: a '\\' in a title is a character.
    ['*', 'a\\b', true],
  ])('%s against %s is %s', (glob, title, expected) => {
    expect(matches(glob, title)).toBe(expected);
  });

  it.each(['[abc', 'x\\', '', './', 'a\\/b', 'a/[b/c]'])('refuses %j', (glob) => {
    expect(() => compileGlob(glob)).toThrow(GlobSyntaxError);
  });
});

describe('titleFilter', () => {
  const titles = ['a.txt', 'b.txt', 'bin/tool', 'docs/x.md', 'docs/private/y.md'];
  const pick = (patterns: string[]): string[] => titles.filter(titleFilter(patterns));

  it('selects everything without patterns', () => {
    expect(pick([])).toEqual(titles);
  });

  it('selects what includes match, minus later excludes', () => {
    expect(pick(['*.txt', 'docs', '!docs/private', '!b.txt'])).toEqual(['a.txt', 'docs/x.md']);
  });

  it('lets a later include win over an earlier exclude', () => {
    expect(pick(['**', '!docs', 'docs/private/**'])).toEqual([
      'a.txt',
      'b.txt',
      'bin/tool',
      'docs/private/y.md',
    ]);
  });

  it('selects everything but the excluded when there are only excludes', () => {
    expect(pick(['!*.txt'])).toEqual(['bin/tool', 'docs/x.md', 'docs/private/y.md']);
  });
});
