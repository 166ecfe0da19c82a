// `repo-tags`: the tags of a repository or layout, sorted.
import { OciError } from '../../oci/errors.js';
import type { TagLister } from '../../oci/target.js';
import { logText } from '../../oci/untrusted-text.js';
import type { Log } from '../log.js';
import type { NamedTarget } from './named-target.js';
import { readTagListing } from './tag-listing.js';

/** Tags of the referrers tag schema: `sha256-<hex>` names an index of referrers, not a release. */
const DIGEST_TAG = /^sha256-[a-f0-9]{64}$/;
export const isDigestTag = (tag: string): boolean => DIGEST_TAG.test(tag);

export async function listTags(
  store: NamedTarget<TagLister>,
  /** Keep `sha256-<hex>` referrer-index tags. */
  includeDigestTags: boolean,
  log: Log,
): Promise<string[]> {
  return log.group(`List tags of ${store.name}`, async () => {
    const listing = await readTagListing(store.target, store.inCatalog);
    if (listing.kind === 'unknown-repository') {
      throw new OciError(
        'NOT_FOUND',
        `Cannot list the tags of ${store.name}: the repository does not exist (the registry does not know the name, and its catalog does not list it)`,
        { cause: listing.cause },
      );
    }
    if (listing.kind === 'unknown-or-untagged') {
      throw new OciError(
        'NOT_FOUND',
        `Cannot list the tags of ${store.name}: the registry knows no tags under that name. Either the repository does not exist, or it holds only untagged manifests; the registry answers alike for both, and its catalog, which would tell them apart, could not be read`,
        { cause: listing.cause },
      );
    }
    if (listing.kind === 'untagged') {
      log.info(`0 tags: ${store.name} holds only untagged manifests (pushed by digest)`);
      return [];
    }
    const all = listing.tags;
    const tags = includeDigestTags ? all : all.filter((tag) => !isDigestTag(tag));
    // Tags as the registry sent them: neutralised, since any of them may start a line.
    for (const tag of tags) log.info(logText(tag));
    const hidden = all.length - tags.length;
    const leftOut =
      hidden > 0
        ? ` (${hidden} referrer-index tag${hidden === 1 ? '' : 's'} left out; include-digest-tags: true shows them)`
        : '';
    log.info(`${tags.length} tag${tags.length === 1 ? '' : 's'}${leftOut}`);
    return tags;
  });
}
