// The formats of docker/metadata-action's outputs, which most workflows compute tags and
// annotations with, read as this action's `tags` and `annotations`:
// - `annotations`: `<level>:key=value` per line, the level `manifest` (its default), `index`,
//   `manifest-descriptor` or `index-descriptor` (DOCKER_METADATA_ANNOTATIONS_LEVELS), or none,
//   which means the manifest too. A push makes one manifest and nothing else, so the other
//   levels are refused, naming the line, rather than quietly becoming keys with a prefix.
// - `tags`: full references (`ghcr.io/owner/app:v1`), one per line. One naming the repository
//   being pushed gives its tag; any other repository is refused, since this push cannot tag it.
import { OciError } from '../../oci/errors.js';
import { formatReference, isValidTag, parseReference } from '../../oci/reference.js';
import type { TargetSpec } from '../../commands/target-spec.js';
import { InputError } from '../input-error.js';

const TAG_EXPECTED = "1-128 letters, digits, '_', '.' or '-', not starting with '.' or '-'";
const LEVEL = /^(manifest|index|manifest-descriptor|index-descriptor)(\[[^\]]*\])?:(.*)$/;

/**
 * Manifest annotations from `key=value` lines, keys optionally prefixed `manifest:`; refuses the
 * levels a push has no place for.
 */
export function manifestAnnotations(values: Record<string, string>): Record<string, string> {
  const annotations: Record<string, string> = {};
  for (const [given, value] of Object.entries(values)) {
    const level = LEVEL.exec(given);
    const key = level?.[3] ?? given;
    if (level !== null && (level[1] !== 'manifest' || level[2] !== undefined)) {
      throw new InputError(
        'annotations',
        `${given}=${value}`,
        `manifest annotations, key=value or manifest:key=value (docker/metadata-action's ` +
          `default level): a push makes one manifest, with no index or descriptors of its own ` +
          `and no platform, so "${level[1]}${level[2] ?? ''}:" annotations have no place (set ` +
          `DOCKER_METADATA_ANNOTATIONS_LEVELS to manifest, or leave the line out)`,
      );
    }
    if (key === '') throw new InputError('annotations', given, 'key=value per line');
    if (key in annotations) {
      throw new InputError('annotations', given, `each key once, but "${key}" repeats`);
    }
    annotations[key] = value;
  }
  return annotations;
}

/**
 * Tag names from `tags` lines: a tag, or a full reference to the repository `target` names
 * (docker/metadata-action's `tags` output), whose tag is taken.
 */
export function tagNames(lines: readonly string[], target: TargetSpec): string[] {
  return lines.map((line) => {
    // A tag has neither `/` nor `:`; anything with them is a reference.
    if (!/[/:@]/.test(line)) {
      if (!isValidTag(line)) {
        throw new InputError(
          'tags',
          line,
          `a tag per line (${TAG_EXPECTED}), or a full reference to the repository pushed (as docker/metadata-action's tags output gives)`,
        );
      }
      return line;
    }
    if (target.kind === 'layout') {
      throw new InputError(
        'tags',
        line,
        `tag names with "layout" (${TAG_EXPECTED}): a layout folder has no repository for a full reference to name`,
      );
    }
    const pushed = formatReference({
      registry: target.reference.registry,
      repository: target.reference.repository,
    });
    const expected = `tag names, or full references to ${pushed}:<tag> (as docker/metadata-action's tags output gives)`;
    let reference;
    try {
      reference = parseReference(line);
    } catch (error) {
      if (!(error instanceof OciError)) throw error;
      throw new InputError('tags', line, `${expected} (${error.message})`);
    }
    const named = formatReference({
      registry: reference.registry,
      repository: reference.repository,
    });
    if (named.toLowerCase() !== pushed.toLowerCase()) {
      throw new InputError(
        'tags',
        line,
        `${expected}; it names ${named}, another repository, which this push cannot tag (push there in a step of its own, or copy the artifact there)`,
      );
    }
    if (reference.digest !== undefined || reference.tag === undefined) {
      throw new InputError('tags', line, `${expected}; it names no tag`);
    }
    return reference.tag;
  });
}
