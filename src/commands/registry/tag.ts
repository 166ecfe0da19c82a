// `tag`: gives an existing manifest more tags.
import type { Descriptor } from '../../oci/descriptor.js';
import type { Resolver, Tagger, TagLister } from '../../oci/target.js';
import type { Log } from '../log.js';
import type { NamedTarget } from './named-target.js';
import { resolveSelected, selectedName } from './resolve.js';

export interface TagResult {
  descriptor: Descriptor;
  /** The tags written, in the order given, without repeats. */
  tags: string[];
}

export async function tagManifest(
  store: NamedTarget<Resolver & Tagger & TagLister>,
  selector: string,
  tags: readonly string[],
  log: Log,
): Promise<TagResult> {
  return log.group(`Tag ${selectedName(store.name, selector)}`, async () => {
    const descriptor = await resolveSelected(store, selector);
    log.info(`Manifest ${descriptor.digest}`);
    const written: string[] = [];
    for (const tag of new Set(tags)) {
      await store.target.tag(descriptor, tag);
      log.info(`Tagged ${store.name}:${tag}`);
      written.push(tag);
    }
    return { descriptor, tags: written };
  });
}
