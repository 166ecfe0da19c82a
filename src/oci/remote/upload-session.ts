// An upload session: where it lives, how to address it, and the PUT that completes it.
import type { Readable } from 'node:stream';
import type { Descriptor } from '../descriptor.js';
import { RegistryError } from '../errors.js';
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
}
