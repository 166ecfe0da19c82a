// `delete`: removes a manifest. A registry deletes by digest, so every tag of that manifest goes.
import type { Descriptor } from '../../oci/descriptor.js';
import { isDigest } from '../../oci/digest.js';
import type { Deleter, Resolver, TagLister } from '../../oci/target.js';
import type { Log } from '../log.js';
import type { NamedTarget } from './named-target.js';
import { resolveSelected, selectedName } from './resolve.js';

export async function deleteManifest(
  store: NamedTarget<Resolver & Deleter & TagLister>,
  selector: string,
  log: Log,
): Promise<Descriptor> {
  return log.group(`Delete ${selectedName(store.name, selector)}`, async () => {
    const descriptor = await resolveSelected(store, selector);
    if (!isDigest(selector)) {
      log.info(
        `${selector} is ${descriptor.digest}; every tag of that manifest is removed with it`,
      );
    }
    await store.target.delete(descriptor);
    log.info(`Deleted ${store.name}@${descriptor.digest}`);
    return descriptor;
  });
}
