// `repo-tags`: the tags of a repository or layout, sorted.
import type { TagLister } from '../../oci/target.js';
import type { Log } from '../log.js';

/** Tags of the referrers tag schema: `sha256-<hex>` names an index of referrers, not a release. */
const DIGEST_TAG = /^sha256-[a-f0-9]{64}$/;
export const isDigestTag = (tag: string): boolean => DIGEST_TAG.test(tag);

export interface ListTagsOptions {
  /** `host/repo` or the layout path, for the log. */
  name: string;
  /** Keep `sha256-<hex>` referrer-index tags. */
  includeDigestTags: boolean;
}

export async function listTags(
  target: TagLister,
  options: ListTagsOptions,
  log: Log,
): Promise<string[]> {
  return log.group(`List tags of ${options.name}`, async () => {
    const all = await target.tags();
    const tags = options.includeDigestTags ? all : all.filter((tag) => !isDigestTag(tag));
    for (const tag of tags) log.info(tag);
    const hidden = all.length - tags.length;
    log.info(
      `${tags.length} tag${tags.length === 1 ? '' : 's'}${hidden > 0 ? ` (${hidden} referrer-index tag${hidden === 1 ? '' : 's'} left out; include-digest-tags: true shows them)` : ''}`,
    );
    return tags;
  });
}
