// `subject` + `artifact-type` on pull: which referrer to pull, such as the SBOM attached to an
// image. The newest by its `org.opencontainers.image.created` annotation (what `attach` with
// `reproducible: false` and ORAS write); when none has one, the last listed, which for the
// referrers tag schema is the one attached last.
import { CREATED } from '../../oci/annotations.js';
import type { Descriptor, Platform } from '../../oci/descriptor.js';
import { isDigest } from '../../oci/digest.js';
import { OciError } from '../../oci/errors.js';
import { isManifestType } from '../../oci/media-types.js';
import type { Fetcher, ReferrerLister, Resolver, TagLister } from '../../oci/target.js';
import { quoted } from '../../oci/untrusted-text.js';
import type { Log } from '../log.js';
import { pickPlatform } from '../pick-platform.js';
import type { NamedTarget } from '../registry/named-target.js';
import { resolveSelected, selectedName } from '../registry/resolve.js';

export interface ReferrerChoice {
  subject: Descriptor;
  referrer: Descriptor;
  /** How many referrers of the type there were. */
  candidates: number;
  /** The chosen one's creation time, when that decided. */
  created?: string;
}

// RFC 3339, as the image-spec asks of this annotation; anything else is no creation time.
const RFC_3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/i;

/** The creation time of a referrer, in milliseconds, when it has a well-formed one. */
function createdAt(referrer: Descriptor): number | undefined {
  const value = referrer.annotations?.[CREATED];
  if (value === undefined || !RFC_3339.test(value)) return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : time;
}

/** The newest by creation time (a later listed one wins a tie), else the last listed. */
export function newestReferrer(referrers: readonly Descriptor[]): Descriptor | undefined {
  let newest: { referrer: Descriptor; time: number } | undefined;
  for (const referrer of referrers) {
    const time = createdAt(referrer);
    if (time !== undefined && (newest === undefined || time >= newest.time)) {
      newest = { referrer, time };
    }
  }
  return newest?.referrer ?? referrers.at(-1);
}

export async function pickReferrer(
  store: NamedTarget<Resolver & TagLister & ReferrerLister & Fetcher>,
  selector: string,
  artifactType: string,
  platform: Platform | undefined,
  log: Log,
): Promise<ReferrerChoice> {
  const what = selectedName(store.name, selector);
  return log.group(`Find the referrer of ${what} of type ${artifactType}`, async () => {
    const named = await resolveSelected(store, selector);
    const subject = await pickPlatform(store.target, named, platform, what, log);
    const listed = await store.target.referrers(subject, artifactType);
    // What a registry lists is taken only when it names a manifest by a well-formed digest.
    const referrers = listed.filter(
      (r) => typeof r.digest === 'string' && isDigest(r.digest) && isManifestType(r.mediaType),
    );
    if (referrers.length < listed.length) {
      log.warning(
        `${listed.length - referrers.length} referrer(s) listed for ${store.name}@${subject.digest} name no manifest by a valid digest; left out`,
      );
    }
    const referrer = newestReferrer(referrers);
    if (referrer === undefined) {
      throw new OciError(
        'NOT_FOUND',
        `${store.name}@${subject.digest} has no referrer of type ${artifactType} (attach one with command: attach, or list what it has with command: discover)`,
      );
    }
    const created = referrer.annotations?.[CREATED];
    const decided = createdAt(referrer) !== undefined && created !== undefined;
    log.info(
      `${referrers.length} referrer(s) of type ${artifactType}; chose ${referrer.digest}, ` +
        (decided
          ? `the newest (created ${quoted(created)})`
          : 'the last listed (none has a creation time)'),
    );
    return {
      subject,
      referrer,
      candidates: referrers.length,
      ...(decided ? { created } : {}),
    };
  });
}
