// Blobs: existence checks and verified, resumable downloads.
// https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#pulling-blobs
import { Readable, pipeline } from 'node:stream';
import type { Descriptor } from '../descriptor.js';
import { OciError, RegistryError } from '../errors.js';
import { VerifyingStream } from '../digest.js';
import { isManifestType } from '../media-types.js';
import type { FetchOptions } from '../target.js';
import { pullScope } from './auth/scopes.js';
import { repoPath, type RepositoryContext } from './context.js';
import { acceptFor } from './manifests.js';
import type { RegistryResponse } from './http-client.js';
import { isRetryableNetworkError } from './retry.js';
import { header } from './transport.js';

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** HEAD a blob (or a manifest, by its media type). */
export async function exists(
  ctx: RepositoryContext,
  descriptor: Descriptor,
  scopes = [pullScope(ctx.name)],
): Promise<boolean> {
  const kind = isManifestType(descriptor.mediaType) ? 'manifests' : 'blobs';
  const what = {
    operation: kind === 'manifests' ? 'check manifest' : 'check blob',
    reference: `${ctx.location}@${descriptor.digest}`,
    repository: ctx.name,
  };
  const answer = await ctx.client.send({
    method: 'HEAD',
    url: repoPath(ctx, `${kind}/${descriptor.digest}`),
    ...(kind === 'manifests' ? { headers: { accept: acceptFor(descriptor.mediaType) } } : {}),
    scopes,
    repeatable: true,
    what,
  });
  if (answer.status === 404) {
    await answer.response.body.dump();
    return false;
  }
  // A redirect to storage already says the blob is there; storage URLs signed for GET may
  // refuse a HEAD, so it is not followed.
  if (answer.status !== 200 && !REDIRECT_STATUSES.has(answer.status)) {
    await ctx.client.fail(answer, what);
  }
  await answer.response.body.dump();
  return true;
}

/**
 * A connection that delivered at least this much before it was cut counts as progress: the
 * resume budget starts afresh. Less counts against it, so a server that sends a few bytes per
 * connection fails after `attempts` cuts instead of looping for the length of the blob.
 */
export const RESUME_PROGRESS_BYTES = 1024 * 1024;

/**
 * A stream of the blob that is verified against the descriptor. A connection cut mid-body is
 * resumed with `Range` from the byte reached (restarted from the start if the server ignores
 * Range). The retry policy's `attempts` bounds the cuts in a row that each delivered less than
 * RESUME_PROGRESS_BYTES, so a long download over a flaky link goes on while it moves.
 */
export async function fetchBlob(
  ctx: RepositoryContext,
  descriptor: Descriptor,
  options: FetchOptions = {},
): Promise<Readable> {
  const what = {
    operation: 'fetch blob',
    reference: `${ctx.location}@${descriptor.digest}`,
    repository: ctx.name,
  };
  const first = await request(ctx, descriptor, 0, options.signal, what);
  const total = descriptor.size;
  const policy = ctx.client.transport.policy;

  async function* body(): AsyncGenerator<Buffer> {
    let current: RegistryResponse | undefined = first;
    let done = 0;
    /** Cuts in a row without RESUME_PROGRESS_BYTES of progress between them. */
    let stalls = 0;
    try {
      while (current !== undefined) {
        const startedAt = done;
        let skip = current.status === 206 ? 0 : done;
        try {
          for await (const chunk of current.response.body as AsyncIterable<Buffer>) {
            let bytes = chunk;
            if (skip > 0) {
              const dropped = Math.min(skip, bytes.length);
              skip -= dropped;
              bytes = bytes.subarray(dropped);
              if (bytes.length === 0) continue;
            }
            done += bytes.length;
            yield bytes;
            options.onProgress?.({ descriptor, done, total });
          }
          current = undefined;
        } catch (error) {
          if (ctx.client.transport.stopped(options.signal) || error instanceof OciError)
            throw error;
          // Every byte arrived before the cut: the verifier has the last word.
          if (done >= total) {
            current = undefined;
            continue;
          }
          if (!isRetryableNetworkError(error)) throw ctx.client.networkError(what, error);
          stalls = done - startedAt >= RESUME_PROGRESS_BYTES ? 1 : stalls + 1;
          if (stalls >= policy.attempts) {
            throw ctx.client.networkError(
              what,
              error,
              stalls,
              `the connection was cut at byte ${done} of ${total}`,
            );
          }
          await ctx.client.transport.pause(
            stalls,
            undefined,
            `${what.operation} ${what.reference} cut at byte ${done} of ${total}: ${(error as Error).message}`,
            options.signal,
          );
          current = await request(ctx, descriptor, done, options.signal, what);
        }
      }
    } finally {
      // Abandoned early (consumer stopped, or an error): release the connection.
      if (current !== undefined) current.response.body.destroy();
    }
  }

  const verifier = new VerifyingStream(descriptor, `${what.operation} ${what.reference}`);
  pipeline(Readable.from(body(), { objectMode: false }), verifier, () => {
    // Errors reach the consumer through `verifier`, which pipeline destroys with them.
  });
  return verifier;
}

async function request(
  ctx: RepositoryContext,
  descriptor: Descriptor,
  from: number,
  signal: AbortSignal | undefined,
  what: { operation: string; reference: string; repository: string },
): Promise<RegistryResponse> {
  const answer = await ctx.client.send({
    method: 'GET',
    url: repoPath(ctx, `blobs/${descriptor.digest}`),
    ...(from > 0 ? { headers: { range: `bytes=${from}-` } } : {}),
    scopes: [pullScope(ctx.name)],
    repeatable: true,
    followRedirects: true,
    ...(signal ? { signal } : {}),
    what,
  });
  if (answer.status === 206) {
    const range = /^bytes (\d+)-/.exec(header(answer.response, 'content-range') ?? '');
    if (range === null || Number(range[1]) !== from) {
      await answer.response.body.dump();
      throw new RegistryError('REGISTRY_ERROR', {
        ...what,
        status: 206,
        hint: `asked to resume at byte ${from}, the registry answered ${header(answer.response, 'content-range') ?? 'no Content-Range'}`,
      });
    }
    return answer;
  }
  await ctx.client.expect(answer, [200], what);
  const length = Number(header(answer.response, 'content-length'));
  if (from === 0 && Number.isSafeInteger(length) && length !== descriptor.size) {
    await answer.response.body.dump();
    throw new OciError(
      'SIZE_MISMATCH',
      `${what.operation} ${what.reference}: the registry offers ${length} bytes, the descriptor says ${descriptor.size}`,
    );
  }
  return answer;
}
