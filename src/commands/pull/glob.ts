// Glob patterns matched against layer titles (names, not the filesystem, so @actions/glob does
// not fit). The syntax is the usual one:
//   *      any characters except '/'
//   ?      one character except '/'
//   [abc] [a-z] [!a-z] [^a-z]   one character of (or not of) a class, never '/'
//   **     as a whole path segment: zero or more segments (`a/**` matches `a` and all below it)
//   \x     the character x itself
// A pattern also matches every title below what it matches (`docs` matches `docs/a.md`), as
// @actions/glob's implicit descendants do. Leading `./` and trailing `/` are ignored. Matching is
// case-sensitive, and `*` matches names that start with a dot.

export class GlobSyntaxError extends Error {
  constructor(
    readonly pattern: string,
    why: string,
  ) {
    super(`invalid glob "${pattern}": ${why}`);
    this.name = 'GlobSyntaxError';
  }
}

const escapeRegExp = (text: string): string => text.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');

/** Compiles one glob (without a leading `!`) to an anchored regular expression. */
export function globToRegExp(glob: string): RegExp {
  let pattern = glob;
  while (pattern.startsWith('./')) pattern = pattern.slice(2);
  while (pattern.length > 1 && pattern.endsWith('/')) pattern = pattern.slice(0, -1);
  if (pattern === '' || pattern === '.') throw new GlobSyntaxError(glob, 'it matches nothing');

  // `a/**/**/b` is `a/**/b`.
  const segments = pattern.split('/').filter((s, i, all) => !(s === '**' && all[i - 1] === '**'));
  let source = '';
  segments.forEach((segment, i) => {
    const last = i === segments.length - 1;
    if (segment === '**') {
      // Zero or more whole segments, with the separators around them.
      if (i === 0) source += last ? '.*' : '(?:.*/)?';
      else source += last ? '(?:/.*)?' : '(?:/.*)?/';
      return;
    }
    if (i > 0 && segments[i - 1] !== '**') source += '/';
    source += segmentToRegExp(segment, glob);
  });
  return new RegExp(`^${source}(?:/.*)?$`, 's');
}

function segmentToRegExp(segment: string, glob: string): string {
  let out = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i] as string;
    if (c === '\\') {
      const next = segment[++i];
      if (next === undefined) throw new GlobSyntaxError(glob, 'it ends with a lone "\\"');
      out += escapeRegExp(next);
    } else if (c === '*') {
      while (segment[i + 1] === '*') i++;
      out += '[^/]*';
    } else if (c === '?') {
      out += '[^/]';
    } else if (c === '[') {
      const end = classEnd(segment, i);
      if (end < 0)
        throw new GlobSyntaxError(
          glob,
          `the class starting at "${segment.slice(i)}" is not closed`,
        );
      out += classToRegExp(segment.slice(i + 1, end));
      i = end;
    } else {
      out += escapeRegExp(c);
    }
  }
  return out;
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

function classToRegExp(body: string): string {
  let negate = false;
  let rest = body;
  if (rest.startsWith('!') || rest.startsWith('^')) {
    negate = true;
    rest = rest.slice(1);
  }
  let out = '';
  for (let i = 0; i < rest.length; i++) {
    let c = rest[i] as string;
    if (c === '\\' && i + 1 < rest.length) c = rest[++i] as string;
    // Inside a class only these need escaping; '-' between two characters stays a range.
    out += c === '-' && i > 0 && i < rest.length - 1 ? '-' : c.replace(/[\\\]^-]/g, '\\$&');
  }
  return negate ? `(?!/)[^${out}]` : `(?!/)[${out}]`;
}
