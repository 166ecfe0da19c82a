// `discover`: the artifacts that refer to a manifest (signatures, SBOMs), through the referrers
// API or the `sha256-<hex>` tag schema.
import type { Annotations, Descriptor, Platform } from '../../oci/descriptor.js';
import { isDigest, shortDigest } from '../../oci/digest.js';
import type { Fetcher, ReferrerLister, Resolver, TagLister } from '../../oci/target.js';
import { logText, quoted } from '../../oci/untrusted-text.js';
import { formatBytes } from '../format.js';
import type { Log } from '../log.js';
import { pickPlatform } from '../pick-platform.js';
import type { NamedTarget } from './named-target.js';
import { resolveSelected, selectedName } from './resolve.js';

/** One referrer as the `referrers` output lists it: every key always present. */
export interface Referrer {
  digest: Descriptor['digest'];
  mediaType: string;
  /** Empty when the manifest declares none. */
  artifactType: string;
  size: number;
  annotations: Annotations;
}

export interface DiscoverResult {
  subject: Descriptor;
  /** Sorted by digest, so the output is the same whichever way the registry listed them. */
  referrers: Referrer[];
}

export async function discoverReferrers(
  store: NamedTarget<Resolver & ReferrerLister & TagLister & Fetcher>,
  selector: string,
  /** Only referrers of this artifact type; all when undefined. */
  artifactType: string | undefined,
  log: Log,
  /** The subject is this platform's manifest when the reference is an index. */
  platform?: Platform,
): Promise<DiscoverResult> {
  const what = selectedName(store.name, selector);
  return log.group(`Discover referrers of ${what}`, async () => {
    const root = await resolveSelected(store, selector);
    const subject = await pickPlatform(store.target, root, platform, what, log);
    log.info(`Subject ${subject.digest}`);
    const found = await store.target.referrers(subject, artifactType);
    // The listing is an index the registry (or anyone who could push the tag-schema index)
    // wrote: a digest that does not parse is never output.
    const valid = found.filter((d) => isDigest(d.digest));
    if (valid.length < found.length) {
      const bad = found.filter((d) => !isDigest(d.digest)).map((d) => quoted(String(d.digest)));
      log.warning(
        `Left out ${bad.length} referrer(s) whose digest is not valid: ${bad.slice(0, 3).join(', ')}`,
      );
    }
    const referrers = valid.map(toReferrer).sort((a, b) => a.digest.localeCompare(b.digest));
    for (const r of referrers) {
      log.info(
        `${shortDigest(r.digest)} ${logText(r.artifactType) || '(no artifact type)'} (${formatBytes(r.size)})`,
      );
    }
    const filter = artifactType === undefined ? '' : ` of type ${artifactType}`;
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
