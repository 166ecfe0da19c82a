// Chunked upload: PATCH one chunk at a time to the newest Location, then PUT with the digest.
// After a failed PATCH, ask the registry how much it holds (GET → 204 + Range) before resending:
// distribution 2.8 ignores Content-Range and would append a resent chunk twice.
// https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#pushing-a-blob-in-chunks
import type { Readable } from 'node:stream';
import type { Descriptor } from '../descriptor.js';
import { RegistryError } from '../errors.js';
import { pushScope } from './auth/scopes.js';
import type { RepositoryContext } from './context.js';
import type { RegistryResponse } from './http-client.js';
import { isRetryableStatus } from './retry.js';
import { retrying } from './retry-loop.js';
import { header } from './transport.js';
import {
  completeUpload,
  sessionFrom,
  UploadSessionLost,
  type UploadSession,
  type UploadWhat,
} from './upload-session.js';

export async function uploadChunked(
  ctx: RepositoryContext,
  session: UploadSession,
  descriptor: Descriptor,
  open: () => Readable,
  chunkSize: number,
  what: UploadWhat,
  signal?: AbortSignal,
): Promise<void> {
  const size = Math.max(chunkSize, session.minChunkLength ?? 0);
  let current = session;
  let offset = 0;
  for await (const chunk of chunks(open(), size)) {
    current = await sendChunk(ctx, current, chunk, offset, what, signal);
    offset += chunk.length;
  }
  await completeUpload(ctx, current, descriptor, undefined, what, signal);
}

/** Buffers of exactly `size` bytes (the last one shorter): one chunk is all that is held. */
export async function* chunks(stream: Readable, size: number): AsyncGenerator<Buffer> {
  let parts: Buffer[] = [];
  let length = 0;
  for await (const data of stream as AsyncIterable<Buffer>) {
    let rest = data;
    while (rest.length > 0) {
      const take = Math.min(size - length, rest.length);
      parts.push(rest.subarray(0, take));
      length += take;
      rest = rest.subarray(take);
      if (length === size) {
        yield Buffer.concat(parts, length);
        parts = [];
        length = 0;
      }
    }
  }
  if (length > 0) yield Buffer.concat(parts, length);
}

/** PATCHes one chunk, resyncing and resending until the registry holds exactly up to its end. */
function sendChunk(
  ctx: RepositoryContext,
  session: UploadSession,
  chunk: Buffer,
  offset: number,
  what: UploadWhat,
  signal: AbortSignal | undefined,
): Promise<UploadSession> {
  const end = offset + chunk.length;
  let current = session;
  return retrying<UploadSession>(ctx.client.transport, signal, async (attempt) => {
    if (attempt > 1) {
      // What did the failed PATCH leave? Resent blindly, a chunk could be stored twice.
      const status = await uploadStatus(ctx, current, end, what, signal);
      current = status.session;
      if (status.received === end) return { done: current };
      if (status.received !== offset) {
        // Neither before nor after this chunk: the session cannot be trusted; start over.
        throw new UploadSessionLost(
          `the upload session holds ${status.received} bytes, expected ${offset} or ${end}`,
        );
      }
    }
    let failure: Error;
    try {
      const answer = await ctx.client.send({
        method: 'PATCH',
        url: current.location,
        headers: {
          'content-type': 'application/octet-stream',
          'content-range': `${offset}-${end - 1}`,
          'content-length': String(chunk.length),
        },
        body: () => chunk,
        processedBytes: chunk.length,
        scopes: [pushScope(ctx.name)],
        repeatable: false,
        ...(signal ? { signal } : {}),
        what,
      });
      // 202 normally; ECR answers 201.
      if (answer.status === 202 || answer.status === 201 || answer.status === 204) {
        await answer.response.body.dump();
        const next = sessionFrom(answer.response, answer.url, what);
        // The spec asks for `Range` on every chunk answer; without one, trust the 2xx.
        const held = bytesHeld(answer, end);
        if (held === undefined || held === end) return { done: next };
        current = next;
        failure = new Error(
          `the registry holds ${held} bytes after the chunk ${offset}-${end - 1}`,
        );
      } else if (answer.status === 416 || isRetryableStatus(answer.status)) {
        await answer.response.body.dump();
        failure = new Error(`HTTP ${answer.status}`);
      } else {
        return await ctx.client.fail(answer, what);
      }
    } catch (error) {
      if (!(error instanceof RegistryError) || error.code !== 'NETWORK_ERROR') throw error;
      failure = error;
    }
    return {
      failed: `${what.operation} ${what.reference}: chunk at ${offset}: ${failure.message}`,
      giveUp: (attempts) => {
        throw new UploadSessionLost(
          `chunk ${offset}-${end - 1} failed ${attempts} times (${failure.message})`,
          failure instanceof RegistryError ? failure : undefined,
        );
      },
    };
  });
}

/**
 * `Range: 0-<last>` → bytes held. distribution answers `0-0` both for none and for one byte, so
 * `0-0` counts as one byte only when one byte is what we expect.
 */
function bytesHeld(answer: RegistryResponse, expected: number): number | undefined {
  const match = /^(?:bytes=)?0-(\d+)$/.exec(header(answer.response, 'range') ?? '');
  if (match === null) return undefined;
  const last = Number(match[1]);
  return last === 0 && expected !== 1 ? 0 : last + 1;
}

async function uploadStatus(
  ctx: RepositoryContext,
  session: UploadSession,
  expected: number,
  what: UploadWhat,
  signal: AbortSignal | undefined,
): Promise<{ session: UploadSession; received: number }> {
  const answer = await ctx.client.send({
    method: 'GET',
    url: session.location,
    scopes: [pushScope(ctx.name)],
    repeatable: true,
    ...(signal ? { signal } : {}),
    what: { ...what, operation: 'check upload of' },
  });
  if (answer.status !== 204 && answer.status !== 200) {
    const refusal = await ctx.client.fail(answer, what).catch((error: unknown) => error);
    throw new UploadSessionLost(
      `the registry no longer knows the upload session (HTTP ${answer.status})`,
      refusal instanceof RegistryError ? refusal : undefined,
    );
  }
  await answer.response.body.dump();
  const next = header(answer.response, 'location')
    ? sessionFrom(answer.response, answer.url, what)
    : session;
  return { session: next, received: bytesHeld(answer, expected) ?? 0 };
}
