// A repository's tags, telling "no tags" from "no such repository" where the registry allows it.
// distribution answers a tag list with NAME_UNKNOWN both for a repository that does not exist and
// for one that holds only untagged manifests (pushed by digest: its tags folder comes with the
// first tag), so that answer alone proves neither. The registry's catalog lists every repository
// that holds a manifest, and settles it when it can be read.
import { OciError } from '../../oci/errors.js';
import type { TagLister } from '../../oci/target.js';

/** Whether the registry's catalog lists the repository; undefined when it cannot be read. */
export type CatalogLookup = () => Promise<boolean | undefined>;

export type TagListing =
  | { kind: 'tags'; tags: string[] }
  /** The registry does not know the name, but its catalog lists it: only untagged manifests. */
  | { kind: 'untagged' }
  /** The registry does not know the name, and its catalog does not list it. */
  | { kind: 'unknown-repository'; cause: OciError }
  /** The registry does not know the name, and no catalog could say whether it holds manifests. */
  | { kind: 'unknown-or-untagged'; cause: OciError };

/** The tags (sorted), or why there are none to list. */
export async function readTagListing(
  target: TagLister,
  inCatalog?: CatalogLookup,
): Promise<TagListing> {
  try {
    return { kind: 'tags', tags: await target.tags() };
  } catch (error) {
    if (!(error instanceof OciError) || error.code !== 'NOT_FOUND') throw error;
    const listed = inCatalog === undefined ? undefined : await inCatalog();
    if (listed === true) return { kind: 'untagged' };
    return { kind: listed === false ? 'unknown-repository' : 'unknown-or-untagged', cause: error };
  }
}
