// Manifests: resolve (HEAD, GET fallback), fetch with the full Accept list and a 4 MiB cap,
// push with the exact Content-Type, delete.
// https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#pulling-manifests
import type { Descriptor } from '../descriptor.js';
import { digestAlgorithm, digestBytes, isDigest, parseDigest, type Digest } from '../digest.js';
import { OciError, RegistryError } from '../errors.js';
import { declaredMediaType } from '../manifest-fields.js';
import { isValidMediaType, MANIFEST_ACCEPT, MAX_MANIFEST_BYTES } from '../media-types.js';
import { isValidTag } from '../reference.js';
import type { FetchedManifest } from '../target.js';
import { deleteScope, pullScope, pushScope } from './auth/scopes.js';
import { deleteRefusedHint } from './delete-hint.js';
import type { Operation } from './errors.js';
import { repoPath, type RepositoryContext } from './context.js';
import { header } from './transport.js';
import { BodyTooLarge, readBounded } from './bounded-body.js';

/** Tag or digest, checked, so a bad value fails here rather than as an odd 404. */
export function manifestSelector(ctx: RepositoryContext, reference: string): string {
  if (isDigest(reference) || isValidTag(reference)) return reference;
  if (reference.includes(':') && !reference.includes('/')) parseDigest(reference);
  throw new OciError(
    'INVALID_REFERENCE',
    `${ctx.location}: "${reference}" is neither a tag nor a digest`,
  );
}

/** The full Accept list (some registries answer 404 when a type is missing), `mediaType` first. */
export function acceptFor(mediaType?: string): string {
  const types =
    mediaType && !MANIFEST_ACCEPT.includes(mediaType)
      ? [mediaType, ...MANIFEST_ACCEPT]
      : MANIFEST_ACCEPT;
  return types.join(', ');
}

/**
 * The media type without parameters; undefined for one that is not `type/subtype`, which is not
 * taken at its word: it would reach the `media-type` output and the log.
 */
function bareType(contentType: string | undefined): string | undefined {
  const bare = contentType?.split(';')[0]?.trim();
  return bare !== undefined && isValidMediaType(bare) ? bare : undefined;
}

export async function resolveManifest(
  ctx: RepositoryContext,
  reference: string,
  scopes = [pullScope(ctx.name)],
): Promise<Descriptor> {
  const selector = manifestSelector(ctx, reference);
  const what = {
    operation: 'resolve',
    reference: `${ctx.location}${isDigest(selector) ? '@' : ':'}${selector}`,
    repository: ctx.name,
  };
  const answer = await ctx.client.send({
    method: 'HEAD',
    url: repoPath(ctx, `manifests/${selector}`),
    headers: { accept: acceptFor() },
    scopes,
    repeatable: true,
    what,
  });
  if (answer.status === 404) {
    // A HEAD answer has no body, so no registry error code: the GET tells MANIFEST_UNKNOWN
    // from NAME_UNKNOWN.
    await answer.response.body.dump();
    return (await fetchManifest(ctx, selector, scopes)).descriptor;
  }
  if (answer.status !== 200) await ctx.client.fail(answer, what);
  await answer.response.body.dump();
  const digest = header(answer.response, 'docker-content-digest');
  const length = Number(header(answer.response, 'content-length'));
  const mediaType = bareType(header(answer.response, 'content-type'));
  if (digest && isDigest(digest) && Number.isSafeInteger(length) && length > 0 && mediaType) {
    if (isDigest(selector) && digest !== selector) {
      throw new OciError(
        'DIGEST_MISMATCH',
        `${what.operation} ${what.reference}: the registry answered digest ${digest}`,
      );
    }
    return { mediaType, digest: digest as Digest, size: length };
  }
  // HEAD told too little (no digest): read the manifest itself.
  return (await fetchManifest(ctx, selector, scopes)).descriptor;
}

export async function fetchManifest(
  ctx: RepositoryContext,
  reference: string | Descriptor,
  scopes = [pullScope(ctx.name)],
): Promise<FetchedManifest> {
  const expected = typeof reference === 'string' ? undefined : reference;
  const selector = expected ? expected.digest : manifestSelector(ctx, reference as string);
  const what = {
    operation: 'fetch manifest',
    reference: `${ctx.location}${isDigest(selector) ? '@' : ':'}${selector}`,
    repository: ctx.name,
  };
  if (expected && expected.size > MAX_MANIFEST_BYTES) throw tooBig(what, expected.size);
  const answer = await ctx.client.send({
    method: 'GET',
    url: repoPath(ctx, `manifests/${selector}`),
    headers: { accept: acceptFor(expected?.mediaType) },
    scopes,
    repeatable: true,
    what,
  });
  await ctx.client.expect(answer, [200], what);
  const declared = Number(header(answer.response, 'content-length'));
  if (Number.isFinite(declared) && declared > MAX_MANIFEST_BYTES) {
    await answer.response.body.dump();
    throw tooBig(what, declared);
  }
  const bytes = await readCapped(answer.response.body, what);

  // By digest, the bytes must hash to it; by tag, to what the registry says (when it says).
  const headerDigest = header(answer.response, 'docker-content-digest');
  const wanted = isDigest(selector)
    ? (selector as Digest)
    : headerDigest && isDigest(headerDigest)
      ? (headerDigest as Digest)
      : undefined;
  const digest = digestBytes(bytes, wanted ? digestAlgorithm(wanted) : 'sha256');
  if (wanted !== undefined && digest !== wanted) {
    throw new OciError(
      'DIGEST_MISMATCH',
      `${what.operation} ${what.reference}: content digest is ${digest}, expected ${wanted}`,
    );
  }
  if (expected && bytes.length !== expected.size) {
    throw new OciError(
      'SIZE_MISMATCH',
      `${what.operation} ${what.reference}: ${bytes.length} bytes, expected ${expected.size}`,
    );
  }
  const mediaType =
    bareType(header(answer.response, 'content-type')) ??
    declaredMediaType(bytes) ??
    expected?.mediaType;
  if (mediaType === undefined) {
    throw new OciError(
      'INVALID_MANIFEST',
      `${what.operation} ${what.reference}: the registry sent no Content-Type and the manifest names no mediaType`,
    );
  }
  return { descriptor: { mediaType, digest, size: bytes.length }, bytes };
}

async function readCapped(
  body: AsyncIterable<Buffer | Uint8Array>,
  what: Operation,
): Promise<Buffer> {
  return readBounded(body, MAX_MANIFEST_BYTES).catch((error: unknown) => {
    throw error instanceof BodyTooLarge ? tooBig(what, error.received) : error;
  });
}

function tooBig(what: Operation, size: number): OciError {
  return new OciError(
    'SIZE_LIMIT_EXCEEDED',
    `${what.operation} ${what.reference}: the manifest is ${size} bytes, more than the ${MAX_MANIFEST_BYTES} (4 MiB) a manifest may have`,
  );
}

export interface PutManifestResult {
  /** The registry's `OCI-Subject` header, when it processed a subject itself. */
  subject?: string;
}

/** PUT under `tag` (or by digest), with Content-Type equal to the manifest's media type. */
export async function putManifest(
  ctx: RepositoryContext,
  descriptor: Descriptor,
  bytes: Uint8Array,
  tag?: string,
): Promise<PutManifestResult> {
  const selector = tag ?? descriptor.digest;
  const what = {
    operation: `push manifest ${descriptor.digest}`,
    reference: tag ? `${ctx.location}:${tag}` : `${ctx.location}@${descriptor.digest}`,
    repository: ctx.name,
  };
  if (tag !== undefined && !isValidTag(tag)) {
    throw new OciError(
      'INVALID_REFERENCE',
      `${what.operation} ${ctx.location}: "${tag}" is not a valid tag (1-128 letters, digits, '_', '.', '-', not starting with '.' or '-')`,
    );
  }
  if (bytes.length > MAX_MANIFEST_BYTES) throw tooBig(what, bytes.length);
  if (bytes.length !== descriptor.size) {
    throw new OciError(
      'SIZE_MISMATCH',
      `${what.operation} ${what.reference}: the manifest is ${bytes.length} bytes, the descriptor says ${descriptor.size}`,
    );
  }
  const actual = digestBytes(bytes, digestAlgorithm(descriptor.digest));
  if (actual !== descriptor.digest) {
    throw new OciError(
      'DIGEST_MISMATCH',
      `${what.operation} ${what.reference}: content digest is ${actual}, the descriptor says ${descriptor.digest}`,
    );
  }
  const answer = await ctx.client.send({
    method: 'PUT',
    url: repoPath(ctx, `manifests/${selector}`),
    headers: { 'content-type': descriptor.mediaType },
    body: () => bytes,
    scopes: [pushScope(ctx.name)],
    repeatable: true,
    what,
  });
  if (answer.status < 200 || answer.status > 299) await ctx.client.fail(answer, what);
  await answer.response.body.dump();
  const subject = header(answer.response, 'oci-subject');
  return subject ? { subject } : {};
}

export async function deleteManifest(
  ctx: RepositoryContext,
  descriptor: Descriptor,
): Promise<void> {
  const what = {
    operation: 'delete manifest',
    reference: `${ctx.location}@${descriptor.digest}`,
    repository: ctx.name,
  };
  const answer = await ctx.client.send({
    method: 'DELETE',
    url: repoPath(ctx, `manifests/${descriptor.digest}`),
    scopes: [deleteScope(ctx.name)],
    repeatable: true,
    what,
  });
  if (answer.status >= 200 && answer.status <= 299) {
    await answer.response.body.dump();
    return;
  }
  try {
    await ctx.client.fail(answer, what);
  } catch (error) {
    if (error instanceof RegistryError && error.code === 'UNSUPPORTED') {
      throw new RegistryError('UNSUPPORTED', {
        operation: what.operation,
        reference: what.reference,
        status: error.status,
        errors: error.errors,
        hint: deleteRefusedHint(ctx.client.registry),
      });
    }
    throw error;
  }
}
