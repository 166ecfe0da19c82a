// Manifest, config and layer annotations from the `annotations` input and an ORAS annotation
// file: `{"$manifest": {...}, "$config": {...}, "<title>": {...}}`.
// https://oras.land/docs/how_to_guides/manifest_annotations
import type { Annotations } from '../../oci/descriptor.js';
import { jsonErrorPosition } from './json-position.js';
import { SpecError } from './spec-error.js';

export const MANIFEST_KEY = '$manifest';
export const CONFIG_KEY = '$config';

export interface AnnotationFile {
  manifest: Annotations;
  config: Annotations;
  /** Layer title → its annotations. */
  layers: Map<string, Annotations>;
}

const FILE_FORMAT =
  'a JSON object whose keys are "$manifest", "$config" or layer titles, each holding an object of string values';

/**
 * Parses the file's text; `name` is the path, for messages. Messages never quote the text (a
 * secret file given by mistake must not reach the log): a syntax error gives line and column.
 */
export function parseAnnotationFile(text: string, name: string): AnnotationFile {
  let parsed: unknown;
  // Editors on Windows may start a file with a byte order mark; JSON has none.
  const json = text.startsWith('\uFEFF') ? text.slice(1) : text;
  try {
    parsed = JSON.parse(json);
  } catch {
    const at = jsonErrorPosition(json);
    const where = at === undefined ? '' : ` at line ${at.line}, column ${at.column}`;
    throw new SpecError(
      'annotation-file',
      name,
      `${FILE_FORMAT}, but it is not valid JSON${where}`,
    );
  }
  if (!isObject(parsed)) throw new SpecError('annotation-file', name, FILE_FORMAT);
  const result: AnnotationFile = { manifest: {}, config: {}, layers: new Map() };
  for (const [key, value] of Object.entries(parsed)) {
    if (!isObject(value) || !Object.values(value).every((v) => typeof v === 'string')) {
      throw new SpecError(
        'annotation-file',
        name,
        `${FILE_FORMAT}, but the value of "${key}" is not an object of strings`,
      );
    }
    const annotations = value as Annotations;
    if (key === MANIFEST_KEY) result.manifest = annotations;
    else if (key === CONFIG_KEY) result.config = annotations;
    else result.layers.set(key, annotations);
  }
  return result;
}

/** Fails on titles the file names that no layer has: a typo would otherwise go unnoticed. */
export function checkLayerTitles(
  file: AnnotationFile,
  name: string,
  titles: readonly string[],
): void {
  const known = new Set(titles);
  const unknown = [...file.layers.keys()].filter((title) => !known.has(title));
  if (unknown.length > 0) {
    throw new SpecError(
      'annotation-file',
      name,
      `keys that are "$manifest", "$config" or the title of a pushed file; no file has the title ${unknown
        .map((t) => JSON.stringify(t))
        .join(
          ', ',
        )} (titles: ${titles.length === 0 ? 'none' : titles.map((t) => JSON.stringify(t)).join(', ')})`,
    );
  }
}

/**
 * Merges annotation sets; a key given by two sources is an error unless both give the same
 * value, so nothing the user wrote is silently dropped. The message names the key and both
 * sources but no value: one of them may be a file's content.
 */
export function mergeAnnotations(
  input: string,
  sources: readonly { from: string; values: Annotations }[],
): Annotations {
  const merged: Annotations = {};
  const origin: Record<string, string> = {};
  for (const { from, values } of sources) {
    for (const [key, value] of Object.entries(values)) {
      if (key in merged && merged[key] !== value) {
        throw new SpecError(
          input,
          key,
          `each annotation key once, but ${JSON.stringify(key)} is set to different values by ${origin[key]} and by ${from}`,
        );
      }
      merged[key] = value;
      origin[key] ??= from;
    }
  }
  return merged;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
