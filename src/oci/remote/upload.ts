// Blob upload: existence check (not for small blobs: sending one again costs less than asking),
// optional cross-repository mount, then one upload session — the whole small blob in the POST
// that opens it where the registry takes that (single-post.ts), else monolithic POST+PUT, chunked
// PATCH when asked. A failed session is abandoned and the whole upload starts over from the
// source (after an existence check), as one attempt of the client's retry loop (retry-loop.ts): a
// session is not safely resumable across registries.
// https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#pushing-blobs
import { pipeline, type Readable } from 'node:stream';
import type { Descriptor } from '../descriptor.js';
import { SizeCheckingStream } from '../digest.js';
import { RegistryError } from '../errors.js';
import { progressTap } from '../progress-tap.js';
import type { BlobSource, PushBlobOptions, PushBlobOutcome } from '../target.js';
import { isSmallBlob } from '../transfer-policy.js';
import { pullScope, pushScope } from './auth/scopes.js';
import { exists } from './blobs.js';
import { afterBodyRefused, chunkSizeFor, chunkTooLarge, isBodyTooLarge } from './body-cap.js';
import { uploadChunked } from './chunked-upload.js';
import {
  completeUpload,
  sessionFrom,
  UploadSessionLost,
  type UploadSession,
  type UploadWhat,
} from './upload-session.js';
import { repoPath, type RepositoryContext } from './context.js';
import { isCertificateError } from './http-client.js';
import { isRetryableStatus } from './retry.js';
import { retrying } from './retry-loop.js';
import { fitsSinglePost, postWhole } from './single-post.js';

export async function pushBlob(
  ctx: RepositoryContext,
  descriptor: Descriptor,
  source: BlobSource,
  options: PushBlobOptions = {},
): Promise<PushBlobOutcome> {
  const what: UploadWhat = {
    operation: 'push blob',
    reference: `${ctx.location}@${descriptor.digest}`,
    repository: ctx.name,
  };
  const transport = ctx.client.transport;
  let mountFrom =
    options.mountFrom !== undefined && options.mountFrom !== ctx.name
      ? options.mountFrom
      : undefined;
  // 0: monolithic; a 413 to that switches to chunks (body-cap.ts).
  let chunkSize = chunkSizeFor(ctx.client, ctx.options.chunkSize ?? 0, descriptor.size);
  // A small blob goes up without asking first: the registry keeps one copy per digest anyway.
  // After a failed attempt, though, it may have landed although the answer was lost: ask then.
  let check = options.skipExistenceCheck !== true && !isSmallBlob(descriptor.size);
  // The whole upload is the attempt: a failed session is not resumed but started over.
  const attempts = retrying<PushBlobOutcome>(transport, options.signal, async () => {
    // Asking for pull+push now lets one token serve HEAD, POST, PATCH and PUT.
    if (check && (await exists(ctx, descriptor, [pushScope(ctx.name)]))) return { done: 'exists' };
    check = true;
    // Opening the upload (a POST, with a small blob or without) is safe to repeat, so the client
    // has retried it already: a failure here is final. Only a transfer into a session starts the
    // whole upload over.
    const started = await openUpload(ctx, descriptor, source, options, what, mountFrom);
    if (started === 'mounted' || started === 'uploaded') return { done: started };
    if (started.mountRefused) mountFrom = undefined;
    const session = started.session;
    try {
      if (chunkSize > 0) {
        await uploadChunked(
          ctx,
          session,
          descriptor,
          () => openBody(descriptor, source, options, what),
          chunkSize,
          what,
          options.signal,
        );
      } else {
        const body = () => openBody(descriptor, source, options, what);
        await completeUpload(ctx, session, descriptor, body, what, options.signal);
      }
      return { done: 'uploaded' };
    } catch (error) {
      if (transport.stopped(options.signal)) throw error;
      await cancel(ctx, session, what);
      const fromSource = sourceFailure(source, error);
      if (fromSource !== undefined) throw fromSource;
      if (isBodyTooLarge(error)) {
        if (chunkSize > 0) throw chunkTooLarge(error, chunkSize);
        // Not a failure to count: the same upload again, in chunks.
        chunkSize = afterBodyRefused(ctx.client, descriptor.size, what.reference, transport.logger);
        return { again: true };
      }
      if (!isRetryableUploadFailure(error)) throw error;
      return {
        // A RegistryError's message names the operation already.
        failed:
          error instanceof RegistryError
            ? error.message
            : `${what.operation} ${what.reference}: ${(error as Error).message}`,
        // After a 429 the client's gate holds every request to the registry already, this
        // one's next too.
        wait:
          error instanceof RegistryError && error.status === 429
            ? { kind: 'gate', doing: 'starting over' }
            : { kind: 'backoff' },
        giveUp: (attempts) => {
          throw finalError(error, what, attempts);
        },
      };
    }
  });
  // Said as the source said it, not as the failed request it caused.
  return attempts.catch((error: unknown) => {
    throw sourceFailure(source, error) ?? error;
  });
}

/** The source's own error in `error`'s chain of causes, if any. */
function sourceFailure(source: BlobSource, error: unknown): unknown {
  if (source.isOwnFailure === undefined) return undefined;
  let e: unknown = error;
  for (let depth = 0; typeof e === 'object' && e !== null && depth < 10; depth++) {
    if (source.isOwnFailure(e)) return e;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Network errors, 5xx/408/429 and lost sessions start the upload over; anything else is final. */
function isRetryableUploadFailure(error: unknown): boolean {
  if (error instanceof UploadSessionLost) return true;
  if (!(error instanceof RegistryError)) return false;
  // A certificate that does not verify stays so: known by the TLS error's code.
  if (error.code === 'NETWORK_ERROR') return !isCertificateError(error);
  return error.status !== undefined && isRetryableStatus(error.status);
}

/** The last failure, saying that the upload was tried `attempts` times. */
function finalError(error: unknown, what: UploadWhat, attempts: number): unknown {
  const gaveUp = `gave up after ${attempts} attempts`;
  if (error instanceof UploadSessionLost) {
    const failure = error.failure;
    return new RegistryError(failure?.code ?? 'REGISTRY_ERROR', {
      operation: what.operation,
      reference: what.reference,
      ...(failure?.status !== undefined ? { status: failure.status } : {}),
      ...(failure ? { errors: failure.errors } : {}),
      hint: `${error.message}; ${gaveUp}`,
      attempts,
      cause: error,
    });
  }
  if (error instanceof RegistryError && error.attempts === undefined) {
    return new RegistryError(error.code, {
      operation: error.operation,
      reference: error.reference,
      ...(error.status !== undefined ? { status: error.status } : {}),
      errors: error.errors,
      hint: error.hint ? `${error.hint}; ${gaveUp}` : gaveUp,
      attempts,
      cause: error.cause,
    });
  }
  return error;
}

/**
 * Opens the upload: a mount when asked, the whole small blob in one POST when the registry may
 * take that, or else an empty session for the blob to be PUT into.
 */
async function openUpload(
  ctx: RepositoryContext,
  descriptor: Descriptor,
  source: BlobSource,
  options: PushBlobOptions,
  what: UploadWhat,
  mountFrom: string | undefined,
): Promise<'mounted' | 'uploaded' | { session: UploadSession; mountRefused?: boolean }> {
  if (mountFrom === undefined && fitsSinglePost(ctx, descriptor)) {
    const body = (): Readable => openBody(descriptor, source, options, what);
    const sent = await postWhole(ctx, descriptor, body, what, options.signal);
    if (sent !== undefined) return sent;
  }
  return startSession(ctx, descriptor, what, mountFrom, options.signal);
}

async function startSession(
  ctx: RepositoryContext,
  descriptor: Descriptor,
  what: UploadWhat,
  mountFrom: string | undefined,
  signal: AbortSignal | undefined,
): Promise<'mounted' | { session: UploadSession; mountRefused?: boolean }> {
  let mountRefused = false;
  if (mountFrom !== undefined) {
    // https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#mounting-a-blob-from-another-repository
    const query = `?mount=${encodeURIComponent(descriptor.digest)}&from=${encodeURIComponent(mountFrom)}`;
    const answer = await ctx.client.send({
      method: 'POST',
      url: repoPath(ctx, `blobs/uploads/${query}`),
      headers: { 'content-length': '0' },
      scopes: [pushScope(ctx.name), pullScope(mountFrom)],
      repeatable: true,
      ...(signal ? { signal } : {}),
      what: { ...what, operation: `mount blob from ${mountFrom}` },
    });
    if (answer.status === 201) {
      await answer.response.body.dump();
      return 'mounted';
    }
    if (answer.status === 202) {
      // The registry could not mount and opened an ordinary session instead: use it.
      await answer.response.body.dump();
      return { session: sessionFrom(answer.response, answer.url, what) };
    }
    if (answer.status !== 401 && answer.status !== 403 && answer.status !== 404) {
      await ctx.client.fail(answer, what);
    }
    // No read access to the source (or no such source): upload instead.
    await answer.response.body.dump();
    ctx.client.transport.logger.debug(
      `cannot mount ${descriptor.digest} from ${mountFrom} (HTTP ${answer.status}); uploading it`,
    );
    mountRefused = true;
  }
  const answer = await ctx.client.send({
    method: 'POST',
    url: repoPath(ctx, 'blobs/uploads/'),
    headers: { 'content-length': '0' },
    scopes: [pushScope(ctx.name)],
    repeatable: true,
    ...(signal ? { signal } : {}),
    what,
  });
  await ctx.client.expect(answer, [202], what);
  await answer.response.body.dump();
  return { session: sessionFrom(answer.response, answer.url, what), mountRefused };
}

/**
 * The source, size-checked and counted for progress. The registry verifies the digest of what
 * it receives (DIGEST_INVALID otherwise), so hashing here again would only cost a second pass.
 */
function openBody(
  descriptor: Descriptor,
  source: BlobSource,
  options: PushBlobOptions,
  what: UploadWhat,
): Readable {
  const verifier = new SizeCheckingStream(
    descriptor.size,
    `${what.operation} ${what.reference}, reading the source`,
  );
  const onProgress = options.onProgress;
  if (onProgress === undefined) return pipeline(source.open(), verifier, ignore);
  onProgress({ descriptor, done: 0, total: descriptor.size });
  return pipeline(source.open(), verifier, progressTap(descriptor, onProgress), ignore);
}

/** Errors reach the consumer through the last stream of a pipeline. */
const ignore = (): void => undefined;

/** Best effort: free the session on the registry; some registries never allow it. */
async function cancel(
  ctx: RepositoryContext,
  session: UploadSession,
  what: UploadWhat,
): Promise<void> {
  try {
    const answer = await ctx.client.send({
      method: 'DELETE',
      url: session.location,
      scopes: [pushScope(ctx.name)],
      repeatable: false,
      what: { ...what, operation: 'cancel upload of' },
    });
    await answer.response.body.dump();
  } catch {
    // Nothing to do: the session expires on its own.
  }
}
