// An upload session: where it lives, how to address it, and the PUT that completes it.
import type { Readable } from 'node:stream';
import type { Descriptor } from '../descriptor.js';
import { digestAlgorithm } from '../digest.js';
import { RegistryError } from '../errors.js';
import { quoted } from '../untrusted-text.js';
import { pushScope } from './auth/scopes.js';
import type { RepositoryContext } from './context.js';
import { header, type Response } from './transport.js';

export interface UploadSession {
  /** The newest `Location`; every request of the session goes there. */
  location: URL;
  /** `OCI-Chunk-Min-Length`, when the registry sets one. */
  minChunkLength?: number;
}

export type UploadWhat = { operation: string; reference: string; repository: string };

/**
 * The session cannot go on (the registry lost or refused its state): the upload starts over.
 * distribution 2.8, for one, cancels a session when asked about it with an outdated `_state`.
 */
export class UploadSessionLost extends Error {
  constructor(
    message: string,
    readonly failure?: RegistryError,
  ) {
    super(message);
    this.name = 'UploadSessionLost';
  }
}

export function sessionFrom(response: Response, requestUrl: URL, what: UploadWhat): UploadSession {
  const location = header(response, 'location');
  if (!location) {
    throw new RegistryError('REGISTRY_ERROR', {
      ...what,
      status: response.statusCode,
      hint: 'the registry started an upload without saying where (no Location header)',
    });
  }
  const min = Number(header(response, 'oci-chunk-min-length'));
  return {
    // Absolute or relative, possibly with its own query (`_state`): resolve, never rebuild.
    location: new URL(location, requestUrl),
    ...(Number.isSafeInteger(min) && min > 0 ? { minChunkLength: min } : {}),
  };
}

/** The location with one more query parameter, keeping the registry's own query as sent. */
export function withQuery(location: URL, name: string, value: string): URL {
  const url = new URL(location);
  const param = `${encodeURIComponent(name)}=${encodeURIComponent(value)}`;
  url.search = url.search === '' ? `?${param}` : `${url.search}&${param}`;
  return url;
}

/**
 * The PUT that completes the session with the blob's digest: carrying the whole blob (`body`), or
 * empty after its chunks. Either way the registry hashes and moves the whole blob before it
 * answers, so the wait for the answer grows with its size.
 */
export async function completeUpload(
  ctx: RepositoryContext,
  session: UploadSession,
  descriptor: Descriptor,
  body: (() => Readable) | undefined,
  what: UploadWhat,
  signal: AbortSignal | undefined,
): Promise<void> {
  const answer = await ctx.client.send({
    method: 'PUT',
    url: withQuery(session.location, 'digest', descriptor.digest),
    headers: {
      'content-type': 'application/octet-stream',
      'content-length': body === undefined ? '0' : String(descriptor.size),
    },
    ...(body === undefined ? {} : { body }),
    processedBytes: descriptor.size,
    scopes: [pushScope(ctx.name)],
    repeatable: false,
    ...(signal ? { signal } : {}),
    what,
  });
  if (answer.status < 200 || answer.status > 299) await ctx.client.fail(answer, what);
  await answer.response.body.dump();
  checkStoredDigest(answer.response, descriptor, what);
}

/**
 * A registry that answers an upload with another digest than the one asked for (its
 * `Docker-Content-Digest`, of the same algorithm) stored other bytes, or lies: the push stops here
 * rather than at the manifest, which would refuse the blob as unknown.
 */
export function checkStoredDigest(
  response: Response,
  descriptor: Descriptor,
  what: UploadWhat,
): void {
  const stored = header(response, 'docker-content-digest')?.trim();
  const sameAlgorithm = stored?.startsWith(`${digestAlgorithm(descriptor.digest)}:`) === true;
  if (stored === undefined || !sameAlgorithm || stored === descriptor.digest) return;
  throw new RegistryError('DIGEST_MISMATCH', {
    ...what,
    status: response.statusCode,
    hint: `the registry answered that it stored ${quoted(stored)} instead: it did not store the bytes sent (a proxy between that alters them, or a broken registry)`,
  });
}
