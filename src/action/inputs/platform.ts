// `platform` (which manifest of an index a command works on) and `artifact-platform` (the
// platform push records in the artifact's config).
import type { Platform } from '../../oci/descriptor.js';
import { OciError } from '../../oci/errors.js';
import { hostPlatform } from '../../oci/host-platform.js';
import { parsePlatform, PLATFORM_SYNTAX } from '../../oci/platform.js';
import { InputError } from '../input-error.js';
import { readString } from './read.js';

/** `platform`: undefined when empty; `auto` is the runner's own OS and architecture. */
export function readPlatform(): Platform | undefined {
  const value = readString('platform');
  if (value === '') return undefined;
  if (value.toLowerCase() === 'auto') return hostPlatform();
  return parsePlatformInput('platform', value, `"auto", or ${PLATFORM_SYNTAX}`);
}

/**
 * `artifact-platform`, checked against the inputs it cannot go with: the platform is written
 * as the config, so not with `config`; and with image-spec v1.0 the config's media type is the
 * artifact type, so not with `artifact-type` (ORAS refuses both alike).
 */
export function readArtifactPlatform(): Platform | undefined {
  const value = readString('artifact-platform');
  if (value === '') return undefined;
  const platform = parsePlatformInput('artifact-platform', value, PLATFORM_SYNTAX);
  if (readString('config') !== '') {
    throw new InputError(
      'artifact-platform',
      value,
      'nothing when "config" is given: the platform is written as the config',
    );
  }
  if (readString('image-spec') === 'v1.0' && readString('artifact-type') !== '') {
    throw new InputError(
      'artifact-type',
      readString('artifact-type'),
      'nothing with "artifact-platform" and image-spec v1.0: there the config media type is the artifact type, and the platform config is an image config',
    );
  }
  return platform;
}

/** A platform as written in an input (or in a line of one, as `platform=…`). */
export function parsePlatformInput(input: string, value: string, expected: string): Platform {
  try {
    return parsePlatform(value);
  } catch (error) {
    if (error instanceof OciError) {
      throw new InputError(input, value, `${expected} (${error.message})`);
    }
    throw error;
  }
}
