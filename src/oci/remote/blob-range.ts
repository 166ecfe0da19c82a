// One byte range of a blob received into a sink, straight from the response body (no stream
// stages between the socket and the sink), resumed with Range from the byte reached when the
// connection is cut. The whole blob is the range [0, size) of a plain GET; a part of a parted
// download asks for its own range and accepts nothing but that range.
// https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#pulling-blobs
import type { Descriptor } from '../descriptor.js';
import { OciError, RegistryError } from '../errors.js';
import { pullScope } from './auth/scopes.js';
import { repoPath, type RepositoryContext } from './context.js';
import type { RegistryResponse } from './http-client.js';
import { isRetryableNetworkError } from './retry.js';
import { retrying } from './retry-loop.js';
import { header } from './transport.js';

/** Bytes [start, end) of a blob. */
export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

/** Where received bytes go. */
export interface RangeSink {
  /** Bytes at `offset` of the blob. False: hold the connection until `room()` settles. */
  write(offset: number, chunk: Buffer): boolean;
  /** Settles once the sink takes bytes again; rejects when it failed. */
  room(): Promise<void>;
}

export type What = { operation: string; reference: string; repository: string };

/** The sink failed (a write to disk, say): not the network's fault, never retried. */
class SinkFailure {
  constructor(readonly error: unknown) {}
}

/**
 * A connection that delivered at least this much before it was cut counts as progress: the
 * resume budget starts afresh. Less counts against it, so a server that sends a few bytes per
 * connection fails after `attempts` cuts instead of looping for the length of the blob.
 */
export const RESUME_PROGRESS_BYTES = 1024 * 1024;

export interface ReceiveOptions {
  /**
   * `whole`: the blob from a plain GET, resumed with `bytes=<n>-`; a server that ignores Range
   * sends the blob again and the bytes already received are skipped. `part`: exactly the range,
   * which the server must answer with 206.
   */
  mode: 'whole' | 'part';
  /** The answer to the first request, when the caller made it already. */
  first?: RegistryResponse;
  signal?: AbortSignal;
  /** Bytes received so far, as they arrive. */
  onBytes?: (bytes: number) => void;
}

/**
 * Receives `range` into `sink`. The retry policy's `attempts` bounds the cuts in a row that each
 * delivered less than RESUME_PROGRESS_BYTES, so a long download over a flaky link goes on while
 * it moves.
 */
export async function receiveRange(
  ctx: RepositoryContext,
  descriptor: Descriptor,
  range: ByteRange,
  sink: RangeSink,
  options: ReceiveOptions,
  what: What,
): Promise<void> {
  const length = range.end - range.start;
  const overflow =
    `${what.operation} ${what.reference}: received more than the expected ` +
    (options.mode === 'whole'
      ? `${descriptor.size} bytes`
      : `${length} bytes of the part asked for`);
  let answer = options.first;
  let received = 0;
  await retrying<void>(ctx.client.transport, options.signal, async () => {
    const before = received;
    let cut: unknown;
    try {
      answer ??= await requestRange(ctx, descriptor, range, received, options, what);
      const skip = answer.status === 206 ? 0 : range.start + received;
      await drain(
        answer,
        skip,
        length - received,
        (chunk) => {
          const at = range.start + received;
          received += chunk.length;
          options.onBytes?.(chunk.length);
          return sink.write(at, chunk);
        },
        sink,
        overflow,
      );
    } catch (error) {
      if (error instanceof SinkFailure) throw error.error;
      if (ctx.client.transport.stopped(options.signal) || error instanceof OciError) throw error;
      // Every byte arrived before the cut: the digest has the last word.
      if (received >= length) return { done: undefined };
      if (!isRetryableNetworkError(error)) throw ctx.client.networkError(what, error);
      cut = error;
    } finally {
      answer = undefined;
    }
    if (received >= length) return { done: undefined };
    // Cut, or (206 shorter than asked) ended early: ask for the rest.
    const whole = range.start === 0 && range.end === descriptor.size;
    const at =
      `${cut === undefined ? 'the answer ended' : 'the connection was cut'} at byte ` +
      `${range.start + received} of ${descriptor.size}` +
      (whole ? '' : ` (in the part of bytes ${range.start}-${range.end - 1})`);
    const why = cut ?? new Error('the answer was shorter than asked');
    return {
      failed: `${what.operation} ${what.reference} cut at byte ${range.start + received} of ${descriptor.size}: ${(why as Error).message}`,
      // A stretch of RESUME_PROGRESS_BYTES or more: the cuts in a row start over.
      progressed: received - before >= RESUME_PROGRESS_BYTES,
      giveUp: (cuts) => {
        throw ctx.client.networkError(what, why, cuts, at);
      },
    };
  });
}

/**
 * GET of the blob from `range.start + received`: no Range for a whole blob from its start,
 * `bytes=<from>-` for a whole blob resumed, `bytes=<from>-<last>` for a part. Refuses answers
 * for another range than asked, and a size that differs from the descriptor's. A part's answer
 * must be 206, except with `acceptWhole` (the first request of a parted download, which is how
 * a server that ignores Range is found out): then a 200 with the whole blob is returned.
 */
export async function requestRange(
  ctx: RepositoryContext,
  descriptor: Descriptor,
  range: ByteRange,
  received: number,
  options: { mode: 'whole' | 'part'; acceptWhole?: boolean; signal?: AbortSignal },
  what: What,
): Promise<RegistryResponse> {
  const from = range.start + received;
  const rangeHeader =
    options.mode === 'part' ? `bytes=${from}-${range.end - 1}` : from > 0 ? `bytes=${from}-` : '';
  const answer = await ctx.client.send({
    method: 'GET',
    url: repoPath(ctx, `blobs/${descriptor.digest}`),
    ...(rangeHeader ? { headers: { range: rangeHeader } } : {}),
    scopes: [pullScope(ctx.name)],
    repeatable: true,
    followRedirects: true,
    ...(options.signal ? { signal: options.signal } : {}),
    what,
  });
  if (answer.status === 206) {
    const contentRange = header(answer.response, 'content-range');
    const parsed = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(contentRange ?? '');
    const total = parsed?.[3] === '*' ? undefined : Number(parsed?.[3]);
    if (
      parsed === null ||
      Number(parsed[1]) !== from ||
      Number(parsed[2]) > range.end - 1 ||
      (total !== undefined && total !== descriptor.size)
    ) {
      await answer.response.body.dump();
      throw new RegistryError('REGISTRY_ERROR', {
        ...what,
        status: 206,
        hint: `asked for ${rangeHeader.replace('=', ' ')}, the registry answered ${contentRange ?? 'no Content-Range'}`,
      });
    }
    return answer;
  }
  await ctx.client.expect(answer, [200], what);
  if (options.mode === 'part' && !(options.acceptWhole === true && from === 0)) {
    await answer.response.body.dump();
    throw new RegistryError('REGISTRY_ERROR', {
      ...what,
      status: 200,
      hint: `asked for ${rangeHeader.replace('=', ' ')}, the registry answered with the whole blob although it honoured Range before; set download-parts to 1`,
    });
  }
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

/**
 * Reads the answer's body into `take`, after skipping `skip` bytes, pausing the connection while
 * the sink is full. Fails with SIZE_MISMATCH when more than `limit` bytes come.
 */
function drain(
  answer: RegistryResponse,
  skip: number,
  limit: number,
  take: (chunk: Buffer) => boolean,
  sink: RangeSink,
  overflow: string,
): Promise<void> {
  const body = answer.response.body;
  let left = skip;
  let taken = 0;
  return new Promise<void>((resolve, reject) => {
    const fail = (error: unknown): void => {
      body.off('data', onData);
      body.destroy();
      reject(error);
    };
    const failed = (error: unknown): void => fail(new SinkFailure(error));
    const onData = (data: Buffer): void => {
      let chunk = data;
      if (left > 0) {
        const dropped = Math.min(left, chunk.length);
        left -= dropped;
        chunk = chunk.subarray(dropped);
        if (chunk.length === 0) return;
      }
      taken += chunk.length;
      if (taken > limit) {
        fail(new OciError('SIZE_MISMATCH', overflow));
        return;
      }
      let more: boolean;
      try {
        more = take(chunk);
      } catch (error) {
        failed(error);
        return;
      }
      if (!more) {
        body.pause();
        sink.room().then(() => body.resume(), failed);
      }
    };
    body.on('data', onData);
    body.once('end', () => resolve());
    body.once('error', (error) => reject(error));
  });
}
