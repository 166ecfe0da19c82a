// `index`: create an image index over the manifests listed, or update an existing one with
// `add` and `remove`, then push it (tagged) and give it more tags.
//
// An update is a read-modify-write, and a registry has no compare-and-swap for tags. So after
// pushing, the tag is read back: when another writer replaced it meanwhile, the same edit is
// applied again on top of what is there now, a few times at most. The window that stays: a
// writer that read the index before this push and writes after this read-back.
//
// Cancelled, it stops before the index is sent (nothing tagged) or, once the index is on its
// way, finishes it first and skips the extra tags, as push does (see Cancellation).
import type { Annotations, Descriptor } from '../../oci/descriptor.js';
import { isDigest, parseDigest, shortDigest } from '../../oci/digest.js';
import { buildImageIndex, parseImageIndex, type BuiltIndex } from '../../oci/image-index.js';
import { isIndexType } from '../../oci/media-types.js';
import { formatPlatform } from '../../oci/platform.js';
import { quoted } from '../../oci/untrusted-text.js';
import { processCancellation, type Cancellation } from '../cancellation.js';
import { resolveSelected, selectedName } from '../registry/resolve.js';
import { applyEdit, newEntries, type Removal, type ResolvedEntry } from './edit.js';
import type { EntrySpec, RemovalSpec } from './entry-spec.js';
import { IndexError } from './errors.js';
import { digestOf, readEntry, type EntryContext } from './read-entry.js';

export interface IndexOptions {
  /** Create: the tag to write. Update: the tag or digest of the index to edit. */
  selector: string;
  /** Create: the index's artifact type. Update: replaces the existing one when given. */
  artifactType?: string;
  /** Create: the index's annotations. Update: set over the existing ones. */
  annotations: Annotations;
  /** More tags for the index. */
  tags: readonly string[];
  /** What stops the command from outside; default the process's (signals, `timeout`). */
  cancellation?: Cancellation;
}

export interface IndexResult {
  descriptor: Descriptor;
  bytes: Buffer;
  /** The tags it now has, the main one first. */
  tags: string[];
}

/** How many times an update is applied again after another writer replaced the tag. */
const UPDATE_ATTEMPTS = 4;

export async function createIndex(
  ctx: EntryContext,
  specs: readonly EntrySpec[],
  options: IndexOptions,
): Promise<IndexResult> {
  const { here, log } = ctx;
  return done(
    ctx,
    await log.group(`Create index ${selectedName(here.name, options.selector)}`, async () => {
      const entries: ResolvedEntry[] = [];
      for (const spec of specs) entries.push(await readEntry(spec, ctx));
      const built = buildImageIndex({
        manifests: newEntries(entries),
        ...(options.artifactType ? { artifactType: options.artifactType } : {}),
        annotations: options.annotations,
      });
      await push(ctx, built, options.selector, options);
      return { ...built, tags: await tagMore(ctx, built, [options.selector], options) };
    }),
  );
}

export async function updateIndex(
  ctx: EntryContext,
  additions: readonly EntrySpec[],
  removalSpecs: readonly RemovalSpec[],
  options: IndexOptions,
): Promise<IndexResult> {
  const { here, log } = ctx;
  const where = selectedName(here.name, options.selector);
  return done(
    ctx,
    await log.group(`Update index ${where}`, async () => {
      const removals: Removal[] = [];
      for (const spec of removalSpecs) removals.push(await removalOf(spec, ctx));
      const added: ResolvedEntry[] = [];
      for (const spec of additions) added.push(await readEntry(spec, ctx));
      const byTag = !isDigest(options.selector);
      let current = await resolveSelected(here, options.selector);
      for (let attempt = 1; ; attempt++) {
        const built = await edited(ctx, current, where, removals, added, options, attempt === 1);
        await push(ctx, built, byTag ? options.selector : undefined, options);
        if (!byTag) return { ...built, tags: await tagMore(ctx, built, [], options) };
        // Read back: did another writer replace the tag between our read and our write?
        const now = await here.target.resolve(options.selector);
        if (now.digest === built.descriptor.digest) {
          return { ...built, tags: await tagMore(ctx, built, [options.selector], options) };
        }
        if (attempt >= UPDATE_ATTEMPTS) {
          throw new IndexError(
            'CONCURRENT_UPDATE',
            `${where} was replaced by another writer ${attempt} times while this update wrote it (it is now ${now.digest}); ` +
              'update one index from one job at a time, or create it in one fan-in job',
          );
        }
        log.warning(
          `${where} was replaced by another writer meanwhile (now ${shortDigest(now.digest)}); applying this update again on top of it`,
        );
        current = now;
      }
    }),
  );
}

/** The index `current` with the edit applied, built. */
async function edited(
  ctx: EntryContext,
  current: Descriptor,
  where: string,
  removals: readonly Removal[],
  added: readonly ResolvedEntry[],
  options: IndexOptions,
  strict: boolean,
): Promise<BuiltIndex> {
  if (!isIndexType(current.mediaType)) {
    throw new IndexError(
      'NOT_AN_INDEX',
      `${where} is ${quoted(current.mediaType)}, not an index: "add" and "remove" edit an existing index; list the manifests in "manifests" to create one`,
    );
  }
  const { bytes } = await ctx.here.target.fetchManifest(current);
  const { entries, raw } = parseImageIndex(bytes, where);
  const result = applyEdit(entries, removals, added, strict);
  for (const { written, digests } of result.removed) {
    ctx.log.info(`Removed ${digests.map(shortDigest).join(', ') || 'nothing'} ← ${written}`);
  }
  for (const { written, digests } of result.replaced) {
    ctx.log.info(`Replaced ${digests.map(shortDigest).join(', ')} ← ${written}`);
  }
  const artifactType =
    options.artifactType ?? (typeof raw['artifactType'] === 'string' ? raw['artifactType'] : '');
  const existing = raw['annotations'];
  const annotations: Annotations = {
    ...(typeof existing === 'object' && existing !== null ? (existing as Annotations) : {}),
    ...options.annotations,
  };
  return buildImageIndex({
    manifests: result.manifests,
    ...(artifactType ? { artifactType } : {}),
    ...(raw['subject'] === undefined ? {} : { subject: raw['subject'] }),
    annotations,
  });
}

async function removalOf(spec: RemovalSpec, ctx: EntryContext): Promise<Removal> {
  if (spec.kind === 'platform') return spec;
  // A digest is taken as written: the manifest may be gone from the repository by now.
  const source = spec.source;
  if (source.kind === 'here' && isDigest(source.selector)) {
    return { kind: 'digest', written: spec.written, digest: parseDigest(source.selector) };
  }
  if (source.kind === 'repository' && source.reference.digest !== undefined) {
    return { kind: 'digest', written: spec.written, digest: source.reference.digest };
  }
  return { kind: 'digest', written: spec.written, digest: (await digestOf(source, ctx)).digest };
}

async function push(
  ctx: EntryContext,
  built: BuiltIndex,
  tag: string | undefined,
  options: IndexOptions,
): Promise<void> {
  const cancellation = options.cancellation ?? processCancellation;
  // The last point at which a cancelled index stops with nothing tagged. Once sent, the index
  // (with the referrers index that lists it, when it has a subject) is seen through.
  cancellation.throwIfRequested();
  await cancellation.uninterruptible(() =>
    ctx.here.target.pushManifest(built.descriptor, built.bytes, tag),
  );
  ctx.log.info(
    `Pushed index ${shortDigest(built.descriptor.digest)} (${built.bytes.length} bytes)${tag === undefined ? '' : ` as ${tag}`}`,
  );
}

async function tagMore(
  ctx: EntryContext,
  built: BuiltIndex,
  tags: string[],
  options: IndexOptions,
): Promise<string[]> {
  const cancellation = options.cancellation ?? processCancellation;
  for (const tag of options.tags) {
    if (tags.includes(tag)) continue;
    cancellation.throwIfRequested();
    await ctx.here.target.tag(built.descriptor, tag);
    ctx.log.info(`Tagged ${tag}`);
    tags.push(tag);
  }
  return tags;
}

function done(ctx: EntryContext, result: IndexResult): IndexResult {
  const platforms = parseImageIndex(result.bytes, 'index').entries.map((e) =>
    e.platform ? formatPlatform(e.platform) : 'no platform',
  );
  ctx.log.info(
    `Pushed ${ctx.here.name}@${result.descriptor.digest}: ${platforms.length} manifest(s) (${platforms.join(', ')})`,
  );
  return result;
}
