// `discover`: the artifacts that refer to a manifest (signatures, SBOMs), through the referrers
// API or the `sha256-<hex>` tag schema.
import type { Annotations, Descriptor } from '../../oci/descriptor.js';
import { shortDigest } from '../../oci/digest.js';
import type { ReferrerLister, Resolver, TagLister } from '../../oci/target.js';
import { formatBytes } from '../format.js';
import type { Log } from '../log.js';
import { describe, resolveSelected } from './resolve.js';

/** One referrer as the `referrers` output lists it: every key always present. */
export interface Referrer {
  digest: string;
  mediaType: string;
  /** Empty when the manifest declares none. */
  artifactType: string;
  size: number;
  annotations: Annotations;
}

export interface DiscoverResult {
  subject: Descriptor;
  referrers: Referrer[];
}

export async function discoverReferrers(
  target: Resolver & ReferrerLister & TagLister,
  selector: string,
  options: { name: string; artifactType?: string },
  log: Log,
): Promise<DiscoverResult> {
  return log.group(`Discover referrers of ${describe(options.name, selector)}`, async () => {
    const subject = await resolveSelected(target, selector, options.name);
    log.info(`Subject ${subject.digest}`);
    const found = await target.referrers(subject, options.artifactType);
    const referrers = found.map(toReferrer).sort((a, b) => a.digest.localeCompare(b.digest));
    for (const r of referrers) {
      log.info(
        `${shortDigest(r.digest as Descriptor['digest'])} ${r.artifactType || '(no artifact type)'} (${formatBytes(r.size)})`,
      );
    }
    const filter = options.artifactType === undefined ? '' : ` of type ${options.artifactType}`;
    log.info(`${referrers.length} referrer${referrers.length === 1 ? '' : 's'}${filter}`);
    return { subject, referrers };
  });
}

function toReferrer(d: Descriptor): Referrer {
  return {
    digest: d.digest,
    mediaType: d.mediaType,
    artifactType: d.artifactType ?? '',
    size: d.size,
    annotations: d.annotations ?? {},
  };
}
