// Referrers: the referrers API when the registry has one, else the `<alg>-<hex>` tag schema,
// which the client maintains itself when pushing a manifest with a subject.
// https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#listing-referrers
// https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#referrers-tag-schema
import type { Descriptor, ImageIndex } from '../descriptor.js';
import { digestAlgorithm, digestBytes, digestHex } from '../digest.js';
import { OciError } from '../errors.js';
import { OCI_INDEX, isIndexType } from '../media-types.js';
import { pullScope, pushScope } from './auth/scopes.js';
import { repoPath, type RepositoryContext } from './context.js';
import { fetchManifest, putManifest } from './manifests.js';
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
  if (fromApi !== undefined) return fromApi;
  ctx.client.transport.logger.info(
    `${ctx.location} has no referrers API; reading the referrers tag ${referrersTag(subject)} instead`,
  );
  const index = await tagSchemaIndex(ctx, subject, [pullScope(ctx.name)]);
  return filterByType(index?.manifests ?? [], artifactType);
}

/** The API's answer, or undefined when the registry has no referrers API. */
async function referrersApi(
  ctx: RepositoryContext,
  subject: Descriptor,
  artifactType: string | undefined,
): Promise<Descriptor[] | undefined> {
  const query = artifactType ? `?artifactType=${encodeURIComponent(artifactType)}` : '';
  const what = { operation: 'list referrers of', reference: `${ctx.location}@${subject.digest}` };
  const answer = await ctx.client.send({
    method: 'GET',
    url: repoPath(ctx, `referrers/${subject.digest}${query}`),
    headers: { accept: OCI_INDEX },
    scopes: [pullScope(ctx.name)],
    repeatable: true,
    followRedirects: true,
    what,
  });
  const type = header(answer.response, 'content-type')?.split(';')[0]?.trim();
  // Anything but an OCI index (404, an HTML page behind a redirect, …) means no API.
  if (answer.status !== 200 || type !== OCI_INDEX) {
    await answer.response.body.dump();
    return undefined;
  }
  let index: Partial<ImageIndex>;
  try {
    index = (await answer.response.body.json()) as Partial<ImageIndex>;
  } catch {
    return undefined;
  }
  if (!Array.isArray(index.manifests)) return undefined;
  const filtered = (header(answer.response, 'oci-filters-applied') ?? '')
    .split(',')
    .map((f) => f.trim())
    .includes('artifactType');
  return filtered ? index.manifests : filterByType(index.manifests, artifactType);
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
const updating = new Map<string, Promise<void>>();

/** Adds a referrer to the subject's tag-schema index (creating it when missing). */
export async function addToTagSchema(
  ctx: RepositoryContext,
  subject: Descriptor,
  referrer: Descriptor,
): Promise<void> {
  const key = `${ctx.location}@${subject.digest}`;
  const previous = updating.get(key) ?? Promise.resolve();
  const run = previous.catch(() => undefined).then(() => updateIndex(ctx, subject, referrer));
  const settled = run.catch(() => undefined);
  updating.set(key, settled);
  try {
    await run;
  } finally {
    if (updating.get(key) === settled) updating.delete(key);
  }
}

async function updateIndex(
  ctx: RepositoryContext,
  subject: Descriptor,
  referrer: Descriptor,
): Promise<void> {
  const existing = await tagSchemaIndex(ctx, subject, [pushScope(ctx.name)]);
  const manifests = existing?.manifests ?? [];
  if (manifests.some((d) => d.digest === referrer.digest)) return;
  const index: ImageIndex = {
    schemaVersion: 2,
    mediaType: OCI_INDEX,
    manifests: [...manifests, referrer],
  };
  const bytes = Buffer.from(JSON.stringify(index));
  const descriptor = { mediaType: OCI_INDEX, digest: digestBytes(bytes), size: bytes.length };
  await putManifest(ctx, descriptor, bytes, referrersTag(subject));
}
