// Reading fields of manifest JSON that came from a registry or a layout someone else wrote: the
// shape of a descriptor and the media type a manifest declares. One reading for every caller,
// each of which words the failure for its own context.
// https://github.com/opencontainers/image-spec/blob/v1.1.0/descriptor.md
import type { Descriptor } from './descriptor.js';
import { parseDigest } from './digest.js';
import { isValidMediaType } from './media-types.js';

/** Whether `value` has a descriptor's required fields with their JSON types (nothing more). */
export const hasDescriptorShape = (value: unknown): value is Descriptor =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as Descriptor).mediaType === 'string' &&
  typeof (value as Descriptor).digest === 'string' &&
  typeof (value as Descriptor).size === 'number';

/** The checked fields, or what is wrong, phrased to follow the field's name. */
export type DescriptorCheck = { descriptor: Descriptor } | { fault: string };

export interface DescriptorCheckOptions {
  /** Refuse a mediaType that is not `type/subtype` (one printed or sent in a header). */
  validMediaType?: boolean;
}

/**
 * mediaType, digest and size of the descriptor at `name`, checked: a digest that parses (it
 * becomes a path, a URL, an output) and a size that is a whole number of bytes. Only those three
 * fields are returned.
 */
export function checkDescriptor(
  value: unknown,
  name: string,
  options: DescriptorCheckOptions = {},
): DescriptorCheck {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { fault: `${name} is not a descriptor` };
  }
  const { mediaType, digest, size } = value as Record<string, unknown>;
  if (typeof mediaType !== 'string' || typeof digest !== 'string') {
    return { fault: `${name} needs a mediaType and a digest` };
  }
  if (options.validMediaType && !isValidMediaType(mediaType)) {
    return { fault: `${name}: its mediaType is not a media type` };
  }
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
    return { fault: `${name} has no valid size` };
  }
  try {
    return { descriptor: { mediaType, digest: parseDigest(digest), size } };
  } catch (error) {
    return { fault: `${name}: ${(error as Error).message}` };
  }
}

/**
 * The `mediaType` a manifest's JSON declares; undefined when it is no JSON, or names none that
 * is a media type (`type/subtype`).
 */
export function declaredMediaType(bytes: Uint8Array): string | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(bytes).toString('utf8')) as { mediaType?: unknown };
    return typeof parsed?.mediaType === 'string' && isValidMediaType(parsed.mediaType)
      ? parsed.mediaType
      : undefined;
  } catch {
    return undefined;
  }
}
