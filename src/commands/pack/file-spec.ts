// One line of the `files` input: `path-or-glob[:media/type]`, or `!pattern` to exclude.
import { isValidMediaType } from '../../oci/media-types.js';

export interface IncludeSpec {
  kind: 'include';
  /** The path or glob as written (without the media type suffix). */
  pattern: string;
  /** The media type given after the last ':', when it is one. */
  mediaType?: string;
  /** The whole line, for messages. */
  line: string;
}

export interface ExcludeSpec {
  kind: 'exclude';
  /** The pattern after '!'. */
  pattern: string;
  line: string;
}

export type FileSpec = IncludeSpec | ExcludeSpec;

/**
 * Splits off a `:media/type` suffix only when what follows the last ':' is a valid media type,
 * so `C:\build\x` and file names with colons stay paths (ORAS splits the same way).
 */
export function splitMediaType(value: string): { path: string; mediaType?: string } {
  const colon = value.lastIndexOf(':');
  if (colon <= 0) return { path: value };
  const suffix = value.slice(colon + 1);
  if (!isValidMediaType(suffix)) return { path: value };
  return { path: value.slice(0, colon), mediaType: suffix };
}

/**
 * Why a line that matched nothing may have failed when its end looks like a media type written
 * wrongly, such as `a.txt:text plain` (a space where the `/` belongs) or `a.txt:text/x y` (no
 * valid media type): such a suffix stays part of the path. Undefined when nothing suggests it.
 */
export function mediaTypeHint(spec: IncludeSpec): string | undefined {
  if (spec.mediaType !== undefined) return undefined;
  const colon = spec.pattern.lastIndexOf(':');
  if (colon <= 0) return undefined;
  const suffix = spec.pattern.slice(colon + 1);
  if (suffix.includes('\\')) return undefined; // a Windows path, C:\…
  const slashed = suffix.trim().replace(/\s+/, '/');
  if (/^\S+\s+\S+$/.test(suffix.trim()) && isValidMediaType(slashed)) {
    return `"${suffix}" is not a media type, so it was read as part of the path; did you mean "${spec.pattern.slice(0, colon)}:${slashed}"?`;
  }
  if (/^[^/]+\/./.test(suffix)) {
    return `"${suffix}" is not a valid media type, so it was read as part of the path`;
  }
  return undefined;
}

/** Parses lines that are already trimmed and free of blanks and `#` comments. */
export function parseFileSpecs(lines: readonly string[]): FileSpec[] {
  return lines.map((line): FileSpec => {
    if (line.startsWith('!')) return { kind: 'exclude', pattern: line.slice(1).trim(), line };
    const { path, mediaType } = splitMediaType(line);
    return mediaType === undefined
      ? { kind: 'include', pattern: path, line }
      : { kind: 'include', pattern: path, mediaType, line };
  });
}
