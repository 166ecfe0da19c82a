// `delete`: removes a manifest. A registry deletes by digest, so every tag of that manifest goes.
import type { Descriptor } from '../../oci/descriptor.js';
import type { Deleter, Resolver, TagLister } from '../../oci/target.js';
import { isDigest } from '../../oci/digest.js';
import type { Log } from '../log.js';
import { describe, resolveSelected } from './resolve.js';

export async function deleteManifest(
  target: Resolver & Deleter & TagLister,
  selector: string,
  name: string,
  log: Log,
): Promise<Descriptor> {
  return log.group(`Delete ${describe(name, selector)}`, async () => {
    const descriptor = await resolveSelected(target, selector, name);
    if (!isDigest(selector)) {
      log.info(
        `${selector} is ${descriptor.digest}; every tag of that manifest is removed with it`,
      );
    }
    await target.delete(descriptor);
    log.info(`Deleted ${name}@${descriptor.digest}`);
    return descriptor;
  });
}
