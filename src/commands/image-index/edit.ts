// The entries of a new index, and the edit of an existing one, as pure functions: entries are
// listed in the order given; an update removes what `remove` names, then each added manifest
// replaces the entry with its digest or its platform in place, or is appended.
import type { Descriptor, Platform } from '../../oci/descriptor.js';
import type { Digest } from '../../oci/digest.js';
import { entryJson, type IndexEntry } from '../../oci/image-index.js';
import { formatPlatform, samePlatform } from '../../oci/platform.js';
import type { RemovalSpec } from './entry-spec.js';
import { IndexError } from './errors.js';

type Json = Record<string, unknown>;

/** A manifest to list, read from where the line named it. */
export interface ResolvedEntry {
  written: string;
  descriptor: Descriptor;
  platform?: Platform;
}

/** A `remove` line once the manifest it names is resolved to its digest. */
export type Removal =
  Extract<RemovalSpec, { kind: 'platform' }> | { written: string; kind: 'digest'; digest: Digest };

/** Entries of a new index; two lines with the same manifest or platform are refused. */
export function newEntries(entries: readonly ResolvedEntry[]): Json[] {
  refuseDuplicates(entries);
  return entries.map(jsonOf);
}

export interface EditResult {
  manifests: Json[];
  /** What each removal took out (digests), for the log. */
  removed: { written: string; digests: Digest[] }[];
  /** Added entries that replaced listed ones, and the digests they replaced. */
  replaced: { written: string; digests: Digest[] }[];
  appended: string[];
}

/**
 * Applies removals, then additions, to the entries of an index. With `strict`, a removal that
 * matches nothing is an error; a repeat after a concurrent write is lenient, since another
 * writer may have removed the same entry.
 */
export function applyEdit(
  existing: readonly IndexEntry[],
  removals: readonly Removal[],
  additions: readonly ResolvedEntry[],
  strict: boolean,
): EditResult {
  refuseDuplicates(additions);
  const removed = removals.map((removal) => ({
    written: removal.written,
    digests: [] as Digest[],
  }));
  const kept = existing.filter((entry) => {
    const index = removals.findIndex((removal) => removes(removal, entry));
    if (index < 0) return true;
    removed[index]?.digests.push(entry.descriptor.digest);
    return false;
  });
  if (strict) {
    const idle = removed.find((r) => r.digests.length === 0);
    if (idle) {
      throw new IndexError(
        'NOTHING_REMOVED',
        `"remove" line ${JSON.stringify(idle.written)} matches no entry of the index; nothing was written`,
      );
    }
  }

  const replaced = additions.map((a) => ({ written: a.written, digests: [] as Digest[] }));
  const placed = new Set<number>();
  const manifests: Json[] = [];
  for (const entry of kept) {
    const index = additions.findIndex((addition) => takesThePlaceOf(addition, entry));
    if (index < 0) {
      manifests.push(entry.raw);
      continue;
    }
    replaced[index]?.digests.push(entry.descriptor.digest);
    // Several listed entries for one platform leave one: the addition, where the first was.
    if (!placed.has(index)) manifests.push(jsonOf(additions[index] as ResolvedEntry));
    placed.add(index);
  }
  const appended = additions.filter((_, index) => !placed.has(index));
  manifests.push(...appended.map(jsonOf));
  return {
    manifests,
    removed,
    replaced: replaced.filter((r) => r.digests.length > 0),
    appended: appended.map((a) => a.written),
  };
}

function removes(removal: Removal, entry: IndexEntry): boolean {
  return removal.kind === 'digest'
    ? entry.descriptor.digest === removal.digest
    : entry.platform !== undefined && samePlatform(entry.platform, removal.platform);
}

function takesThePlaceOf(addition: ResolvedEntry, entry: IndexEntry): boolean {
  if (addition.descriptor.digest === entry.descriptor.digest) return true;
  return (
    addition.platform !== undefined &&
    entry.platform !== undefined &&
    samePlatform(addition.platform, entry.platform)
  );
}

function refuseDuplicates(entries: readonly ResolvedEntry[]): void {
  entries.forEach((entry, i) => {
    for (const earlier of entries.slice(0, i)) {
      if (earlier.descriptor.digest === entry.descriptor.digest) {
        throw new IndexError(
          'DUPLICATE_ENTRY',
          `${JSON.stringify(earlier.written)} and ${JSON.stringify(entry.written)} are the same manifest (${entry.descriptor.digest}); list it once`,
        );
      }
      if (earlier.platform && entry.platform && samePlatform(earlier.platform, entry.platform)) {
        throw new IndexError(
          'DUPLICATE_ENTRY',
          `${JSON.stringify(earlier.written)} and ${JSON.stringify(entry.written)} are both ${formatPlatform(entry.platform)}; an index lists one manifest per platform, or "platform" could not tell them apart`,
        );
      }
    }
  });
}

const jsonOf = (entry: ResolvedEntry): Json =>
  entryJson({
    descriptor: entry.descriptor,
    ...(entry.platform ? { platform: entry.platform } : {}),
  });
