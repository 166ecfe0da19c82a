// An upload session: where it lives and how to address it.
import { RegistryError } from '../errors.js';
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
