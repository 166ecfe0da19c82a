// `resolve`: a tag or digest → the manifest's descriptor, without downloading any blob.
import type { Descriptor, Platform } from '../../oci/descriptor.js';
import { isDigest } from '../../oci/digest.js';
import { OciError, RegistryError } from '../../oci/errors.js';
import type { Fetcher, Resolver, TagLister } from '../../oci/target.js';
import { logText } from '../../oci/untrusted-text.js';
import { formatBytes } from '../format.js';
import type { Log } from '../log.js';
import { pickPlatform } from '../pick-platform.js';
import { isDigestTag } from './list-tags.js';
import type { NamedTarget } from './named-target.js';
import { readTagListing } from './tag-listing.js';

export async function resolveManifest(
  store: NamedTarget<Resolver & TagLister & Fetcher>,
  selector: string,
  log: Log,
  /** The manifest for this platform when the reference is an index. */
  platform?: Platform,
): Promise<Descriptor> {
  return log.group(`Resolve ${selectedName(store.name, selector)}`, async () => {
    const root = await resolveSelected(store, selector);
    const what = selectedName(store.name, selector);
    const descriptor = await pickPlatform(store.target, root, platform, what, log);
    log.info(`Digest:     ${descriptor.digest}`);
    log.info(`Media type: ${logText(descriptor.mediaType)}`);
    log.info(`Size:       ${formatBytes(descriptor.size)} (${descriptor.size} bytes)`);
    return descriptor;
  });
}

/**
 * `target.resolve`, with a registry's bare 404 (a HEAD has no error body) turned into a message
 * that says what is missing: the repository, or the tag (with the tags there are) or digest.
 */
export async function resolveSelected(
  store: NamedTarget<Resolver & TagLister>,
  selector: string,
): Promise<Descriptor> {
  try {
    return await store.target.resolve(selector);
  } catch (error) {
    if (!(error instanceof RegistryError) || error.code !== 'NOT_FOUND') throw error;
    throw new OciError(
      'NOT_FOUND',
      `${selectedName(store.name, selector)} not found: ${await whyMissing(store, selector, error)}`,
      { cause: error },
    );
  }
}

async function whyMissing(
  store: NamedTarget<Resolver & TagLister>,
  selector: string,
  error: RegistryError,
): Promise<string> {
  const unknownRepository = `the repository ${store.name} does not exist`;
  if (error.registryCode === 'NAME_UNKNOWN') return unknownRepository;
  // More requests, only on failure, tell a missing repository from a missing tag. A listing that
  // fails for another reason (rights, network) leaves the plain answer.
  const listing = await readTagListing(store.target, store.inCatalog).catch(() => undefined);
  const byDigest = isDigest(selector);
  if (listing?.kind === 'unknown-repository') return unknownRepository;
  if (listing?.kind === 'unknown-or-untagged') {
    return byDigest
      ? `the repository ${store.name} has no manifest with that digest, or does not exist`
      : `the repository ${store.name} has no tags, or does not exist (the registry answers alike for both)`;
  }
  if (byDigest) return 'the repository has no manifest with that digest';
  if (listing === undefined) return `the repository has no tag "${selector}"`;
  const tags = listing.kind === 'untagged' ? [] : listing.tags.filter((tag) => !isDigestTag(tag));
  if (tags.length === 0) return 'the repository has no tags at all';
  const shown = tags.slice(0, MAX_TAGS_SHOWN).join(', ');
  const more = tags.length > MAX_TAGS_SHOWN ? `, … (${tags.length} in all)` : '';
  return `the repository has no tag "${selector}" (its tags: ${shown}${more})`;
}

const MAX_TAGS_SHOWN = 10;

/** `host/repo:tag` or `host/repo@sha256:…` (a layout path likewise). */
export function selectedName(name: string, selector: string): string {
  return isDigest(selector) ? `${name}@${selector}` : `${name}:${selector}`;
}
