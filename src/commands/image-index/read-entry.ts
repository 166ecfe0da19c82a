// Reads what a `manifests`/`add` line names: resolved by tag or digest, and its platform (the line's `platform=`, else the one its config names). A manifest of another
// repository of the same registry is copied in first (blobs mounted, so nothing moves), since
// a registry accepts an index only over manifests its repository holds.
import type { Descriptor, Platform } from '../../oci/descriptor.js';
import { copyGraph } from '../../oci/copy.js';
import { shortDigest } from '../../oci/digest.js';
import { isIndexType, isManifestType } from '../../oci/media-types.js';
import { formatPlatform } from '../../oci/platform.js';
import { manifestPlatform } from '../../oci/platform-select.js';
import { formatReference, referenceSelector, type Reference } from '../../oci/reference.js';
import { quoted } from '../../oci/untrusted-text.js';
import type { Log } from '../log.js';
import type { NamedTarget } from '../registry/named-target.js';
import { resolveSelected, selectedName } from '../registry/resolve.js';
import type { ResolvedEntry } from './edit.js';
import type { EntrySpec, ManifestSource } from './entry-spec.js';
import { IndexError } from './errors.js';

export interface EntryContext {
  /** The index's own repository or layout folder. */
  here: NamedTarget;
  /** Another repository of the same registry. */
  open(reference: Reference): Promise<NamedTarget>;
  concurrency: number;
  log: Log;
}

/** The store and the tag or digest a source names. */
async function locate(
  source: ManifestSource,
  ctx: EntryContext,
): Promise<{ store: NamedTarget; selector: string; mountFrom?: string }> {
  if (source.kind === 'here') return { store: ctx.here, selector: source.selector };
  const { reference } = source;
  const selector = referenceSelector(reference);
  if (selector === undefined) throw new Error(`${formatReference(reference)}: no tag or digest`);
  return { store: await ctx.open(reference), selector, mountFrom: reference.repository };
}

/** The digest a source names now (a digest is taken as it is). */
export async function digestOf(source: ManifestSource, ctx: EntryContext): Promise<Descriptor> {
  const { store, selector } = await locate(source, ctx);
  return resolveSelected(store, selector);
}

export async function readEntry(spec: EntrySpec, ctx: EntryContext): Promise<ResolvedEntry> {
  const { log } = ctx;
  const { store, selector, mountFrom } = await locate(spec.source, ctx);
  const what = selectedName(store.name, selector);
  const descriptor = await resolveSelected(store, selector);
  if (!isManifestType(descriptor.mediaType)) {
    throw new IndexError(
      'NOT_A_MANIFEST',
      `${what} is ${quoted(descriptor.mediaType)}, not a manifest or index that an index can list`,
    );
  }
  const { bytes } = await store.target.fetchManifest(descriptor);
  if (mountFrom !== undefined) await copyIn(store, descriptor, mountFrom, ctx);

  let platform: Platform | undefined = spec.platform;
  let from = 'given';
  if (platform === undefined && !isIndexType(descriptor.mediaType)) {
    platform = await manifestPlatform(store.target, bytes, what);
    from = 'from its config';
  }
  log.info(
    `Entry ${shortDigest(descriptor.digest)} ` +
      (platform ? `${formatPlatform(platform)} (${from})` : 'without a platform') +
      ` ← ${spec.written}`,
  );
  if (platform === undefined) {
    log.warning(
      `${JSON.stringify(spec.written)} names no platform (none on its line, none in its config): "platform" never picks it. ` +
        'Give it platform=os/arch on its line, or push it with artifact-platform.',
    );
  }
  return {
    written: spec.written,
    descriptor: {
      mediaType: descriptor.mediaType,
      digest: descriptor.digest,
      size: descriptor.size,
    },
    ...(platform ? { platform } : {}),
  };
}

/** Copies a manifest of another repository (and what it reaches) into the index's one. */
async function copyIn(
  store: NamedTarget,
  descriptor: Descriptor,
  mountFrom: string,
  ctx: EntryContext,
): Promise<void> {
  const result = await copyGraph(store.target, ctx.here.target, descriptor, {
    concurrency: ctx.concurrency,
    mountFrom,
  });
  const { uploaded, mounted, exists } = result.blobs;
  ctx.log.info(
    `Copied ${store.name}@${descriptor.digest} into ${ctx.here.name}: ` +
      `${mounted} blob(s) mounted, ${uploaded} uploaded, ${exists} already there`,
  );
}
