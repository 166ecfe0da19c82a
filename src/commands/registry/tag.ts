// `tag`: gives an existing manifest more tags.
import type { Descriptor } from '../../oci/descriptor.js';
import type { Resolver, Tagger, TagLister } from '../../oci/target.js';
import type { Log } from '../log.js';
import { describe, resolveSelected } from './resolve.js';

export interface TagResult {
  descriptor: Descriptor;
  /** The tags written, in the order given, without repeats. */
  tags: string[];
}

export async function tagManifest(
  target: Resolver & Tagger & TagLister,
  selector: string,
  tags: readonly string[],
  name: string,
  log: Log,
): Promise<TagResult> {
  return log.group(`Tag ${describe(name, selector)}`, async () => {
    const descriptor = await resolveSelected(target, selector, name);
    log.info(`Manifest ${descriptor.digest}`);
    const written: string[] = [];
    for (const tag of new Set(tags)) {
      await target.tag(descriptor, tag);
      log.info(`Tagged ${name}:${tag}`);
      written.push(tag);
    }
    return { descriptor, tags: written };
  });
}
