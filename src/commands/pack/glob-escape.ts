import { isAbsolute, join } from 'node:path';

const IS_WINDOWS = process.platform === 'win32';

/**
 * A literal path as an @actions/glob pattern that matches only itself (its own escaping rules:
 * '[' '?' '*' in brackets, and '\' doubled outside Windows).
 */
export function globEscape(path: string): string {
  return (IS_WINDOWS ? path : path.replace(/\\/g, '\\\\'))
    .replace(/(\[)(?=[^/]+\])/g, '[[]')
    .replace(/\?/g, '[?]')
    .replace(/\*/g, '[*]');
}

/** Whether a line uses glob syntax at all. */
export const hasGlobSyntax = (pattern: string): boolean => /[*?[\]]/.test(pattern);

/** A user's pattern made absolute under `base`, with `base` itself taken literally. */
export function rootPattern(base: string, pattern: string): string {
  return isAbsolute(pattern) ? pattern : join(globEscape(base), pattern);
}
