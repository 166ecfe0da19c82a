// `resolve`: a tag or digest → the manifest's descriptor, without downloading any blob.
import type { Descriptor } from '../../oci/descriptor.js';
import { isDigest } from '../../oci/digest.js';
import { OciError, RegistryError } from '../../oci/errors.js';
import type { Resolver, TagLister } from '../../oci/target.js';
import { formatBytes } from '../format.js';
import type { Log } from '../log.js';
import { isDigestTag } from './list-tags.js';

export async function resolveManifest(
  target: Resolver & TagLister,
  selector: string,
  name: string,
  log: Log,
): Promise<Descriptor> {
  return log.group(`Resolve ${describe(name, selector)}`, async () => {
    const descriptor = await resolveSelected(target, selector, name);
    log.info(`Digest:     ${descriptor.digest}`);
    log.info(`Media type: ${descriptor.mediaType}`);
    log.info(`Size:       ${formatBytes(descriptor.size)} (${descriptor.size} bytes)`);
    return descriptor;
  });
}

/**
 * `target.resolve`, with a registry's bare 404 (a HEAD has no error body) turned into a message
 * that says what is missing: the repository, or the tag (with the tags there are) or digest.
 */
export async function resolveSelected(
  target: Resolver & TagLister,
  selector: string,
  name: string,
): Promise<Descriptor> {
  try {
    return await target.resolve(selector);
  } catch (error) {
    if (!(error instanceof RegistryError) || error.code !== 'NOT_FOUND') throw error;
    throw new OciError(
      'NOT_FOUND',
      `${describe(name, selector)} not found: ${await whyMissing(target, selector, name, error)}`,
      { cause: error },
    );
  }
}

async function whyMissing(
  target: TagLister,
  selector: string,
  name: string,
  error: RegistryError,
): Promise<string> {
  const unknownRepository = `the repository ${name} does not exist`;
  if (error.registryCode === 'NAME_UNKNOWN') return unknownRepository;
  // One more request, only on failure, tells a missing repository from a missing tag.
  const listed = await target
    .tags()
    .catch((listing: unknown) =>
      listing instanceof RegistryError && listing.registryCode === 'NAME_UNKNOWN'
        ? null
        : undefined,
    );
  if (listed === null) return unknownRepository;
  const tags = listed?.filter((tag) => !isDigestTag(tag));
  if (isDigest(selector)) return `the repository has no manifest with that digest`;
  if (tags === undefined) return `the repository has no tag "${selector}"`;
  if (tags.length === 0) return `the repository has no tags at all`;
  const shown = tags.slice(0, MAX_TAGS_SHOWN).join(', ');
  const more = tags.length > MAX_TAGS_SHOWN ? `, … (${tags.length} in all)` : '';
  return `the repository has no tag "${selector}" (its tags: ${shown}${more})`;
}

const MAX_TAGS_SHOWN = 10;

/** `host/repo:tag` or `host/repo@sha256:…` (a layout path likewise). */
export function describe(name: string, selector: string): string {
  return isDigest(selector) ? `${name}@${selector}` : `${name}:${selector}`;
}
