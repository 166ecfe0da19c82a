// Glob patterns matched against layer titles (names, not the file system, so @actions/glob does
// not fit; its own matcher, minimatch, does the matching). The syntax is the usual one:
//   *      any characters except '/'
//   ?      one character except '/'
//   [abc] [a-z] [!a-z] [^a-z]   one character of (or not of) a class, never '/'; `\-` is '-'
//   **     as a whole path segment: zero or more segments (`a/**` matches `a` and all below it)
//   \x     the character x itself
// A pattern also matches every title below what it matches (`docs` matches `docs/a.md`), as
// @actions/glob's implicit descendants do. Leading `./` and trailing `/` are ignored. Matching is
// case-sensitive, `*` matches names that start with a dot, and no wildcard matches a `.` or `..`
// segment. Braces and extended globs are not glob syntax here: `{a,b}` and `+(x)` are literal.
import { Minimatch } from 'minimatch';

export class GlobSyntaxError extends Error {
  constructor(
    readonly pattern: string,
    why: string,
  ) {
    super(`invalid glob "${pattern}": ${why}`);
    this.name = 'GlobSyntaxError';
  }
}

/** Whether a title is matched. */
export type TitleMatcher = (title: string) => boolean;

const OPTIONS = {
  dot: true,
  nobrace: true,
  noext: true,
  nonegate: true,
  nocomment: true,
  // Titles are `/`-separated on every runner, and `\` escapes in patterns on every runner.
  platform: 'linux',
} as const;

/** Compiles one glob (without a leading `!`); a malformed one is a GlobSyntaxError. */
export function compileGlob(glob: string): TitleMatcher {
  let pattern = glob;
  while (pattern.startsWith('./')) pattern = pattern.slice(2);
  while (pattern.length > 1 && pattern.endsWith('/')) pattern = pattern.slice(0, -1);
  if (pattern === '' || pattern === '.') throw new GlobSyntaxError(glob, 'it matches nothing');
  refuseMalformed(pattern, glob);
  // `a/**` is `a` with what is below it, which every pattern matches anyway.
  while (pattern.endsWith('/**')) pattern = pattern.slice(0, -3);
  const matcher = new Minimatch(pattern, OPTIONS);
  return (title) => {
    const segments = title.split('/');
    for (let depth = segments.length; depth > 0; depth--) {
      if (matcher.match(segments.slice(0, depth).join('/'))) return true;
    }
    return false;
  };
}

/**
 * minimatch takes a `\` at the end of a segment or an unclosed `[` literally; here they are
 * refused, since they are most likely a typing error that would quietly match nothing.
 */
function refuseMalformed(pattern: string, glob: string): void {
  for (const segment of pattern.split('/')) {
    for (let i = 0; i < segment.length; i++) {
      if (segment[i] === '\\') {
        if (++i === segment.length) throw new GlobSyntaxError(glob, 'it ends with a lone "\\"');
      } else if (segment[i] === '[') {
        const end = classEnd(segment, i);
        if (end < 0) {
          throw new GlobSyntaxError(
            glob,
            `the class starting at "${segment.slice(i)}" is not closed`,
          );
        }
        i = end;
      }
    }
  }
}

/** Index of the `]` closing the class that opens at `start`, or -1. A `]` first is literal. */
function classEnd(segment: string, start: number): number {
  let i = start + 1;
  if (segment[i] === '!' || segment[i] === '^') i++;
  if (segment[i] === ']') i++;
  for (; i < segment.length; i++) {
    if (segment[i] === '\\') i++;
    else if (segment[i] === ']') return i;
  }
  return -1;
}
