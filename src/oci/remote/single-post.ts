// A small blob sent whole in the request that opens its upload:
// `POST /v2/<name>/blobs/uploads/?digest=<digest>` with the bytes. A registry that supports it
// stores the blob and answers 201: one round trip instead of POST then PUT. The spec makes it
// optional; a registry without it ignores digest and body and answers 202 with a session, into
// which the blob is PUT as usual (distribution 2.8 does that). Whether it works is learnt once
// per client, so such a registry receives one wasted body, not one per upload in flight.
// https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#single-post
import type { Readable } from 'node:stream';
import type { Descriptor } from '../descriptor.js';
import { isSmallBlob } from '../transfer-policy.js';
import { pushScope } from './auth/scopes.js';
import { repoPath, type RepositoryContext } from './context.js';
import {
  checkStoredDigest,
  sessionFrom,
  type UploadSession,
  type UploadWhat,
} from './upload-session.js';

/** Whether `descriptor` may go up in a single POST: small, and within a chunk when chunking. */
export function fitsSinglePost(ctx: RepositoryContext, descriptor: Descriptor): boolean {
  const chunkSize = ctx.options.chunkSize ?? 0;
  return isSmallBlob(descriptor.size) && (chunkSize <= 0 || descriptor.size <= chunkSize);
}

/**
 * Offers the blob in one POST: 'uploaded' when the registry stored it, the session it opened
 * instead (the blob must then be PUT there), or undefined when this registry is known not to take
 * it or refused the request's form (then an ordinary session is opened).
 */
export async function postWhole(
  ctx: RepositoryContext,
  descriptor: Descriptor,
  body: () => Readable,
  what: UploadWhat,
  signal: AbortSignal | undefined,
): Promise<'uploaded' | { session: UploadSession } | undefined> {
  const support = ctx.client.singlePost;
  const transport = ctx.client.transport;
  const turn = await support.turn(transport.signalFor(signal));
  if (turn === 'skip') return undefined;
  try {
    const answer = await ctx.client.send({
      method: 'POST',
      url: repoPath(ctx, `blobs/uploads/?digest=${encodeURIComponent(descriptor.digest)}`),
      headers: {
        'content-type': 'application/octet-stream',
        'content-length': String(descriptor.size),
      },
      body,
      processedBytes: descriptor.size,
      scopes: [pushScope(ctx.name)],
      // Content-addressed: sent again, it stores the same blob (or opens another session).
      repeatable: true,
      ...(signal ? { signal } : {}),
      what,
    });
    const status = answer.status;
    if (status === 201) {
      await answer.response.body.dump();
      checkStoredDigest(answer.response, descriptor, what);
      if (turn === 'probe') {
        transport.logger.debug(
          `${ctx.client.registry} stores a small blob sent with the POST that opens its upload: small blobs go up in one request each`,
        );
      }
      support.learn(true);
      return 'uploaded';
    }
    if (status === 202) {
      await answer.response.body.dump();
      // Said once: later uploads skip the single POST.
      transport.logger.debug(
        `${ctx.client.registry} ignores a blob sent with the POST that opens its upload (HTTP 202): small blobs go up as POST, then PUT`,
      );
      support.learn(false);
      return { session: sessionFrom(answer.response, answer.url, what) };
    }
    if (turn === 'probe' && status >= 400 && status < 500 && ![401, 403, 429].includes(status)) {
      // A registry that refuses a body (or the digest) on this POST: the usual way then; any
      // real problem (a wrong digest, an unknown repository) shows again there.
      await answer.response.body.dump();
      transport.logger.debug(
        `${ctx.client.registry} refused a blob sent with the POST that opens its upload (HTTP ${status}): small blobs go up as POST, then PUT`,
      );
      support.learn(false);
      return undefined;
    }
    return await ctx.client.fail(answer, what);
  } finally {
    if (turn === 'probe') support.endProbe();
  }
}
