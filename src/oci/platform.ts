// Platforms: `os/arch[/variant][:os.version]` as users write them (the form ORAS reads), the
// canonical JSON of image-spec's platform object, and ORAS's matching rules.
// https://github.com/opencontainers/image-spec/blob/v1.1.0/image-index.md#image-index-property-descriptions
import type { Platform } from './descriptor.js';
import { OciError } from './errors.js';

/** What users write: lower-case GOOS/GOARCH-style names. */
const WRITTEN_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;
/** What a platform read from a registry may hold; anything else is treated as no platform. */
const STORED_NAME = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,127}$/;

export const PLATFORM_SYNTAX =
  'os/arch[/variant][:os.version], such as linux/amd64 or linux/arm/v7';

function invalid(text: string, why: string): OciError {
  return new OciError('INVALID_PLATFORM', `invalid platform ${JSON.stringify(text)}: ${why}`);
}

/** `os/arch[/variant][:os.version]` → a platform. */
export function parsePlatform(text: string): Platform {
  const colon = text.indexOf(':');
  const path = colon < 0 ? text : text.slice(0, colon);
  const osVersion = colon < 0 ? undefined : text.slice(colon + 1);
  const parts = path.split('/');
  if (parts.length < 2 || parts.length > 3) {
    throw invalid(text, 'it needs an os and an architecture');
  }
  for (const part of parts) {
    if (!WRITTEN_NAME.test(part)) {
      throw invalid(text, `"${part}" is not lower-case letters, digits, '.', '_' or '-'`);
    }
  }
  if (osVersion !== undefined && !STORED_NAME.test(osVersion)) {
    throw invalid(text, `the os.version "${osVersion}" is empty or holds unusual characters`);
  }
  const [os = '', architecture = '', variant] = parts;
  return canonicalPlatform({
    os,
    architecture,
    ...(variant === undefined ? {} : { variant }),
    ...(osVersion === undefined ? {} : { 'os.version': osVersion }),
  });
}

/** `linux/arm/v7`, `windows/amd64:10.0.17763`; `+feature` for each os.feature. */
export function formatPlatform(platform: Platform): string {
  let text = `${platform.os}/${platform.architecture}`;
  if (platform.variant) text += `/${platform.variant}`;
  if (platform['os.version']) text += `:${platform['os.version']}`;
  for (const feature of platform['os.features'] ?? []) text += `+${feature}`;
  return text;
}

/**
 * The platform object with its keys in the order Go's image-spec types write them (as ORAS and
 * docker do), so the same platform always gives the same bytes, and so the same digest.
 */
export function canonicalPlatform(platform: Platform): Platform {
  const out: Platform = { architecture: platform.architecture, os: platform.os };
  if (platform['os.version']) out['os.version'] = platform['os.version'];
  if (platform['os.features'] && platform['os.features'].length > 0) {
    out['os.features'] = [...platform['os.features']];
  }
  if (platform.variant) out.variant = platform.variant;
  return out;
}

/**
 * A platform read from a registry (an index entry, a config blob), or undefined when the value
 * is no platform: os and architecture must be present, and every field a plain name. A value
 * kept this way is safe to print.
 */
export function storedPlatform(value: unknown): Platform | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const fields = value as Record<string, unknown>;
  const name = (key: string): string | undefined | false => {
    const v = fields[key];
    if (v === undefined || v === '') return undefined;
    return typeof v === 'string' && STORED_NAME.test(v) ? v : false;
  };
  const os = name('os');
  const architecture = name('architecture');
  const variant = name('variant');
  const osVersion = name('os.version');
  if (!os || !architecture || variant === false || osVersion === false) return undefined;
  const features = fields['os.features'];
  if (
    features !== undefined &&
    !(
      Array.isArray(features) && features.every((f) => typeof f === 'string' && STORED_NAME.test(f))
    )
  ) {
    return undefined;
  }
  return canonicalPlatform({
    os,
    architecture,
    ...(variant ? { variant } : {}),
    ...(osVersion ? { 'os.version': osVersion } : {}),
    ...(features ? { 'os.features': features as string[] } : {}),
  });
}

/**
 * The platform a config blob names (an image config, or the config ORAS and `artifact-platform`
 * write: the platform object itself), or undefined when it names none.
 */
export function platformOfConfig(bytes: Uint8Array): Platform | undefined {
  try {
    return storedPlatform(JSON.parse(Buffer.from(bytes).toString('utf8')));
  } catch {
    return undefined;
  }
}

/** arm64 without a variant is ARMv8 (image-spec's platform variants table). */
function variantOf(platform: Platform): string | undefined {
  return platform.variant || (platform.architecture === 'arm64' ? 'v8' : undefined);
}

/**
 * ORAS's rule (oras-go `internal/platform.Match`): os and architecture must be equal; variant
 * and os.version only when `want` gives them; `want`'s os.features must all be in `got`'s.
 * One addition: an arm64 entry without a variant counts as v8, as the image-spec says it is.
 */
export function platformMatches(got: Platform | undefined, want: Platform): boolean {
  if (got === undefined) return false;
  if (got.os !== want.os || got.architecture !== want.architecture) return false;
  if (want['os.version'] && got['os.version'] !== want['os.version']) return false;
  if (want.variant && variantOf(got) !== variantOf(want)) return false;
  const features = got['os.features'] ?? [];
  return (want['os.features'] ?? []).every((feature) => features.includes(feature));
}

/** The same platform, for telling duplicate index entries apart. */
export function samePlatform(a: Platform, b: Platform): boolean {
  const features = (p: Platform): string => [...(p['os.features'] ?? [])].sort().join(',');
  return (
    a.os === b.os &&
    a.architecture === b.architecture &&
    variantOf(a) === variantOf(b) &&
    (a['os.version'] ?? '') === (b['os.version'] ?? '') &&
    features(a) === features(b)
  );
}
