// Blobs: existence checks and verified, resumable downloads.
// https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#pulling-blobs
import type { Hash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Descriptor } from '../descriptor.js';
import { digestAlgorithm, newHash } from '../digest.js';
import { OciError } from '../errors.js';
import { isManifestType } from '../media-types.js';
import type { FetchOptions } from '../target.js';
import { pullScope } from './auth/scopes.js';
import { receiveRange, requestRange, type RangeSink, type What } from './blob-range.js';
import { repoPath, type RepositoryContext } from './context.js';
import { acceptFor } from './manifests.js';

export { RESUME_PROGRESS_BYTES } from './blob-range.js';

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
    followRedirects: false, // a redirect is the answer (below)
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
 * A stream of the blob that is verified against the descriptor: it fails at its end when the
 * size or digest differs. A connection cut mid-body is resumed with Range from the byte reached
 * (restarted from the start if the server ignores Range; see receiveRange). The first request is
 * made before this returns, so a refusal (404, 401) rejects here rather than in the stream.
 */
export async function fetchBlob(
  ctx: RepositoryContext,
  descriptor: Descriptor,
  options: FetchOptions = {},
): Promise<Readable> {
  const what = blobWhat(ctx, descriptor);
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  const whole = { start: 0, end: descriptor.size };
  const first = await requestRange(ctx, descriptor, whole, 0, { mode: 'whole', signal }, what);
  let done = 0;
  // Started at the first read: until someone reads, the answer waits (and errors have a reader).
  const receive = (sink: RangeSink): Promise<void> =>
    receiveRange(
      ctx,
      descriptor,
      whole,
      sink,
      {
        mode: 'whole',
        first,
        signal,
        onBytes: (bytes) => {
          done += bytes;
          options.onProgress?.({ descriptor, done, total: descriptor.size });
        },
      },
      what,
    );
  const stream = new BlobStream(descriptor, `${what.operation} ${what.reference}`, receive, () =>
    stop.abort(),
  );
  return stream;
}

export function blobWhat(ctx: RepositoryContext, descriptor: Descriptor): What {
  return {
    operation: 'fetch blob',
    reference: `${ctx.location}@${descriptor.digest}`,
    repository: ctx.name,
  };
}

/**
 * The bytes as they arrive, hashed on the way in: one stage between the socket and the reader.
 * Ends only when the size and digest are the descriptor's.
 */
const STREAM_BUFFER = 1024 * 1024;

class BlobStream extends Readable {
  private readonly hash: Hash;
  private waiting: (() => void) | undefined;
  private started = false;

  private readonly sink: RangeSink = {
    write: (_offset, chunk) => {
      this.hash.update(chunk);
      return this.push(chunk);
    },
    room: () => new Promise<void>((resolve) => (this.waiting = resolve)),
  };

  constructor(
    private readonly expected: Descriptor,
    private readonly what: string,
    private readonly receive: (sink: RangeSink) => Promise<void>,
    private readonly abandon: () => void,
  ) {
    // A reader slower than the network holds up to this much before the connection pauses.
    super({ highWaterMark: STREAM_BUFFER });
    this.hash = newHash(digestAlgorithm(expected.digest));
  }

  override _read(): void {
    if (!this.started) {
      this.started = true;
      this.receive(this.sink).then(
        () => this.finish(),
        (error: unknown) => this.destroy(error as Error),
      );
      return;
    }
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.();
  }

  private finish(): void {
    if (this.destroyed) return;
    const actual = `${digestAlgorithm(this.expected.digest)}:${this.hash.digest('hex')}`;
    if (actual !== this.expected.digest) {
      this.destroy(
        new OciError(
          'DIGEST_MISMATCH',
          `${this.what}: content digest is ${actual}, expected ${this.expected.digest}`,
        ),
      );
      return;
    }
    this.push(null);
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    // Abandoned early (the reader stopped, or an error): release the connection.
    this.abandon();
    done(error);
  }
}
