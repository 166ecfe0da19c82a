// What the `manifests`, `add` and `remove` lines of `index` ask for, once read.
import type { Platform } from '../../oci/descriptor.js';
import type { Reference } from '../../oci/reference.js';

/** Where a listed manifest is. */
export type ManifestSource =
  /** A tag or digest of the index's own repository (or layout folder). */
  | { kind: 'here'; selector: string }
  /** Another repository of the same registry, by tag or digest: copied in first. */
  | { kind: 'repository'; reference: Reference };

export interface EntrySpec {
  /** The line as written, for messages. */
  written: string;
  source: ManifestSource;
  /** `platform=…` on the line; else the one the manifest's config names, if any. */
  platform?: Platform;
}

export type RemovalSpec = { written: string } & (
  { kind: 'platform'; platform: Platform } | { kind: 'manifest'; source: ManifestSource }
);
