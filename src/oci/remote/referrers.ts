// Referrers: the referrers API when the registry has one, else the `<alg>-<hex>` tag schema,
// which the client maintains itself when pushing a manifest with a subject.
// https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#listing-referrers
// https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#referrers-tag-schema
import type { Descriptor, ImageIndex } from '../descriptor.js';
import { digestAlgorithm, digestBytes, digestHex } from '../digest.js';
import { OciError } from '../errors.js';
import { KeyedQueue } from '../keyed-queue.js';
import { MAX_MANIFEST_BYTES, OCI_INDEX, isIndexType } from '../media-types.js';
import { pullScope, pushScope } from './auth/scopes.js';
import { repoPath, type RepositoryContext } from './context.js';
import type { RegistryResponse } from './http-client.js';
import { BodyTooLarge, readJson } from './bounded-body.js';
import { fetchManifest, putManifest } from './manifests.js';
import { sleep } from './retry.js';
import { backOff } from './retry-loop.js';
import { header } from './transport.js';

/** `sha256-<hex>`, truncated as the tag schema says (algorithm ≤ 32, encoded ≤ 64). */
export function referrersTag(subject: Descriptor): string {
  return `${digestAlgorithm(subject.digest).slice(0, 32)}-${digestHex(subject.digest).slice(0, 64)}`;
}

export async function listReferrers(
  ctx: RepositoryContext,
  subject: Descriptor,
  artifactType?: string,
): Promise<Descriptor[]> {
  const fromApi = await referrersApi(ctx, subject, artifactType);
  if (Array.isArray(fromApi)) return fromApi;
  ctx.client.transport.logger.info(
    `${ctx.location} has no referrers API (${fromApi.noApi}); reading the referrers tag ${referrersTag(subject)} instead`,
  );
  const index = await tagSchemaIndex(ctx, subject, [pullScope(ctx.name)]);
  return filterByType(index?.manifests ?? [], artifactType);
}

/** Why the registry is taken to have no referrers API, for the log. */
type NoApi = { noApi: string };

/**
 * The API's answer, or why the registry has none. Anything but an OCI index means none, at once:
 * a 404; a redirect, which is not followed (ghcr.io answers 303 to a rate-limited github.com URL
 * that then answers 429, so following it only spends the retry budget, artifacthub/hub#4785);
 * a 429; an HTML page. Only a network failure, a 408 or a 5xx is tried again, with the client's
 * backoff: a registry that has the API may stumble, and the tag schema would then miss its
 * referrers.
 */
async function referrersApi(
  ctx: RepositoryContext,
  subject: Descriptor,
  artifactType: string | undefined,
): Promise<Descriptor[] | NoApi> {
  const query = artifactType ? `?artifactType=${encodeURIComponent(artifactType)}` : '';
  const what = { operation: 'list referrers of', reference: `${ctx.location}@${subject.digest}` };
  const answer = await askReferrers(
    ctx,
    repoPath(ctx, `referrers/${subject.digest}${query}`),
    what,
  );
  const type = header(answer.response, 'content-type')?.split(';')[0]?.trim();
  if (answer.status !== 200 || type !== OCI_INDEX) {
    await answer.response.body.dump();
    return {
      noApi: `its referrers endpoint answered HTTP ${answer.status}${answer.status === 200 ? ', not an OCI index' : ''}`,
    };
  }
  let index: Partial<ImageIndex>;
  try {
    // The index the API answers is a manifest, with a manifest's bound.
    index = (await readJson(answer.response.body, MAX_MANIFEST_BYTES)) as Partial<ImageIndex>;
  } catch (error) {
    if (error instanceof BodyTooLarge) {
      throw new OciError(
        'SIZE_LIMIT_EXCEEDED',
        `${what.operation} ${what.reference}: the registry's referrers index is ${error.message}, more than a manifest may have`,
      );
    }
    return { noApi: 'its referrers endpoint answered no JSON' };
  }
  if (!Array.isArray(index.manifests)) return { noApi: 'its referrers endpoint answered no index' };
  const filtered = (header(answer.response, 'oci-filters-applied') ?? '')
    .split(',')
    .map((f) => f.trim())
    .includes('artifactType');
  return filtered ? index.manifests : filterByType(index.manifests, artifactType);
}

/**
 * The referrers endpoint: a stumble (a network failure, a 408 or a 5xx) is tried again, but a
 * redirect is not followed and a 429 not waited out (see referrersApi).
 */
function askReferrers(
  ctx: RepositoryContext,
  url: string,
  what: { operation: string; reference: string },
): Promise<RegistryResponse> {
  return ctx.client.send({
    method: 'GET',
    url,
    headers: { accept: OCI_INDEX },
    scopes: [pullScope(ctx.name)],
    repeatable: true,
    waitOutRateLimit: false,
    followRedirects: false,
    what,
  });
}

function filterByType(manifests: Descriptor[], artifactType: string | undefined): Descriptor[] {
  return artifactType === undefined
    ? manifests
    : manifests.filter((d) => d.artifactType === artifactType);
}

/** The tag-schema index, or undefined when there is none (or the tag is not an index). */
async function tagSchemaIndex(
  ctx: RepositoryContext,
  subject: Descriptor,
  scopes: string[],
): Promise<ImageIndex | undefined> {
  let fetched;
  try {
    fetched = await fetchManifest(ctx, referrersTag(subject), scopes);
  } catch (error) {
    if (error instanceof OciError && error.code === 'NOT_FOUND') return undefined;
    throw error;
  }
  // Some registries (GitLab) resolve `sha256-<hex>` to the subject itself: that is no index.
  if (!isIndexType(fetched.descriptor.mediaType) || fetched.descriptor.digest === subject.digest) {
    return undefined;
  }
  try {
    const index = JSON.parse(fetched.bytes.toString('utf8')) as ImageIndex;
    return Array.isArray(index.manifests) ? index : undefined;
  } catch {
    return undefined;
  }
}

// One update at a time per subject in this process: read-modify-write of the same index.
const updates = new KeyedQueue();

/** Adds a referrer to the subject's tag-schema index (creating it when missing). */
export function addToTagSchema(
  ctx: RepositoryContext,
  subject: Descriptor,
  referrer: Descriptor,
): Promise<void> {
  return updates.run(`${ctx.location}@${subject.digest}`, () =>
    updateIndex(ctx, subject, referrer),
  );
}

/**
 * Read, merge, write, read back: a registry tag has no compare-and-swap, so another writer that
 * read the index before our write and writes after it replaces our entry. Such a writer lands
 * within about one read-and-write of its own, so after writing we wait a few of ours (never
 * less than SETTLE_MIN_MS) and read the index back; if our entry is gone, we merge it into what
 * is there now and write again, after a jittered backoff, a bounded number of times. A writer
 * slower than that wait can still drop an entry: docs/commands.md says so.
 */
async function updateIndex(
  ctx: RepositoryContext,
  subject: Descriptor,
  referrer: Descriptor,
): Promise<void> {
  const scopes = [pushScope(ctx.name)];
  const read = async () => (await tagSchemaIndex(ctx, subject, scopes))?.manifests ?? [];
  const listed = (manifests: Descriptor[]) => manifests.some((d) => d.digest === referrer.digest);
  let began = Date.now();
  let manifests = await read();
  if (listed(manifests)) return;
  for (let attempt = 1; attempt <= INDEX_WRITE_ATTEMPTS; attempt++) {
    if (attempt > 1) {
      ctx.client.transport.logger.info(
        `${ctx.location}: another writer replaced the referrers index ${referrersTag(subject)} ` +
          `without ${referrer.digest}; merging it in again (attempt ${attempt} of ${INDEX_WRITE_ATTEMPTS})`,
      );
      // Not a failed request but a lost race: this loop counts its own attempts, and only
      // borrows the client's backoff between them.
      await backOff(ctx.client.transport, attempt - 1);
      began = Date.now();
      manifests = await read();
    }
    // Another writer may have merged ours in meanwhile: then only the read-back is left.
    if (!listed(manifests)) await writeIndex(ctx, subject, [...manifests, referrer]);
    await sleep(settleDelay(Date.now() - began));
    manifests = await read();
    if (listed(manifests)) return;
  }
  throw new OciError(
    'CONCURRENT_UPDATE',
    `${ctx.location}: other writers kept replacing the referrers index ${referrersTag(subject)} ` +
      `of ${subject.digest}: ${referrer.digest} is pushed but not listed in it after ` +
      `${INDEX_WRITE_ATTEMPTS} attempts. Run the step again to list it (pushing the same ` +
      `artifact again changes nothing else)`,
  );
}

/** Writes of the index before giving up to other writers. */
export const INDEX_WRITE_ATTEMPTS = 6;
/** Bounds of the wait between writing the index and reading it back. */
const SETTLE_MIN_MS = 100;
const SETTLE_MAX_MS = 5_000;

/** Twice to three times our own read-and-write, within the bounds. */
export function settleDelay(roundTripMs: number, random: () => number = Math.random): number {
  const base = Math.min(Math.max(2 * roundTripMs, SETTLE_MIN_MS), SETTLE_MAX_MS);
  return base + (base / 2) * random();
}

async function writeIndex(
  ctx: RepositoryContext,
  subject: Descriptor,
  manifests: Descriptor[],
): Promise<void> {
  const index: ImageIndex = { schemaVersion: 2, mediaType: OCI_INDEX, manifests };
  const bytes = Buffer.from(JSON.stringify(index));
  const descriptor = { mediaType: OCI_INDEX, digest: digestBytes(bytes), size: bytes.length };
  await putManifest(ctx, descriptor, bytes, referrersTag(subject));
}
