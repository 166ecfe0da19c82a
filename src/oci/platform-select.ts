// Picks the manifest for one platform, as oras-go's SelectManifest does: in an index, the first
// entry whose platform matches; a single manifest is taken when the platform its config names
// matches. A config names a platform when it holds one (an image config, or the config ORAS's
// `--artifact-platform` and this action's `artifact-platform` write).
import type { Descriptor, Platform } from './descriptor.js';
import { parseDigest } from './digest.js';
import { OciError } from './errors.js';
import { parseImageIndex, type IndexEntry } from './image-index.js';
import { isIndexType, MAX_MANIFEST_BYTES, OCI_EMPTY } from './media-types.js';
import { formatPlatform, platformMatches, platformOfConfig } from './platform.js';
import type { Fetcher } from './target.js';
import { logText } from './untrusted-text.js';

/** A config bigger than this is no platform config (ORAS caps it alike). */
const MAX_CONFIG_BYTES = MAX_MANIFEST_BYTES;

export interface PlatformSelection {
  /** The manifest for the platform. */
  manifest: Descriptor;
  /** Its platform, as the index entry (or its config) names it. */
  platform: Platform;
  /** The index it was picked from; undefined when the root was that manifest itself. */
  index?: Descriptor;
}

/** `what` names the root in messages, such as `host/repo:v1`. */
export async function selectPlatform(
  source: Fetcher,
  root: Descriptor,
  want: Platform,
  what: string,
): Promise<PlatformSelection> {
  const { bytes } = await source.fetchManifest(root);
  if (isIndexType(root.mediaType)) {
    const { entries } = parseImageIndex(bytes, what);
    const chosen = entries.find((entry) => platformMatches(entry.platform, want));
    if (chosen?.platform === undefined) throw noneFor(what, want, entries);
    return { manifest: chosen.descriptor, platform: chosen.platform, index: root };
  }
  const platform = await manifestPlatform(source, bytes, what);
  if (platform !== undefined && platformMatches(platform, want)) {
    return { manifest: root, platform };
  }
  throw new OciError(
    'NOT_FOUND',
    `${what} is a single manifest, not an index, and ` +
      (platform === undefined
        ? `its config names no platform, so it cannot be taken for ${formatPlatform(want)}`
        : `its config names ${formatPlatform(platform)}, not ${formatPlatform(want)}`),
  );
}

function noneFor(what: string, want: Platform, entries: readonly IndexEntry[]): OciError {
  const listed = entries.flatMap((e) => (e.platform ? [formatPlatform(e.platform)] : []));
  const without = entries.length - listed.length;
  const shown = listed.slice(0, 10).join(', ');
  const parts = [
    ...(listed.length > 0 ? [`${shown}${listed.length > 10 ? ', …' : ''}`] : []),
    ...(without > 0 ? [`${without} manifest(s) without a platform`] : []),
  ];
  return new OciError(
    'NOT_FOUND',
    `${what} has no manifest for ${formatPlatform(want)}; it lists ` +
      (parts.length > 0 ? parts.join(' and ') : 'no manifests at all'),
  );
}

/**
 * The platform a manifest's config names, or undefined: no config, the empty one, a config too
 * big to be one, or one without os and architecture. Index bytes name no platform.
 */
export async function manifestPlatform(
  source: Fetcher,
  manifestBytes: Uint8Array,
  what: string,
): Promise<Platform | undefined> {
  const config = configOf(manifestBytes);
  if (config === undefined || config.mediaType === OCI_EMPTY) return undefined;
  if (config.size > MAX_CONFIG_BYTES || config.size === 0) return undefined;
  let bytes: Buffer;
  try {
    const parts: Buffer[] = [];
    for await (const chunk of await source.fetch(config)) parts.push(chunk as Buffer);
    bytes = Buffer.concat(parts);
  } catch (error) {
    throw new OciError(
      error instanceof OciError ? error.code : 'REGISTRY_ERROR',
      `${what}: reading its config ${config.digest} for its platform failed: ${logText((error as Error).message)}`,
      { cause: error },
    );
  }
  return platformOfConfig(bytes);
}

function configOf(manifestBytes: Uint8Array): Descriptor | undefined {
  try {
    const json = JSON.parse(Buffer.from(manifestBytes).toString('utf8')) as {
      config?: { mediaType?: unknown; digest?: unknown; size?: unknown };
    };
    const config = json.config;
    if (
      typeof config?.mediaType !== 'string' ||
      typeof config.digest !== 'string' ||
      typeof config.size !== 'number' ||
      !Number.isSafeInteger(config.size)
    ) {
      return undefined;
    }
    return { mediaType: config.mediaType, digest: parseDigest(config.digest), size: config.size };
  } catch {
    return undefined;
  }
}
