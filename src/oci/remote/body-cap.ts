// Proxies in front of registries cap request bodies (Cloudflare at 100 MB, nginx at whatever its
// client_max_body_size says) and answer a bigger monolithic upload with 413. Only a chunked
// upload gets through them. So a monolithic PUT answered 413 is sent again in chunks, with a
// notice; the client remembers the size refused, and later blobs at least as large go chunked at
// once instead of being refused again. A chunk refused with 413 as well gets a hint to set
// `chunk-size` below the proxy's limit.
import { RegistryError } from '../errors.js';
import type { ClientLogger } from '../logger.js';
import type { RegistryClient } from './http-client.js';

/**
 * Chunks sent after a 413: below common proxy caps, and at least the 5 MiB a part must have
 * on Amazon ECR.
 */
export const FALLBACK_CHUNK_SIZE = 8 * 1024 * 1024;

/** Per registry: the smallest blob a monolithic upload of was refused with 413. */
const refusedSizes = new WeakMap<RegistryClient, number>();

/** The request body was too large for the registry or a proxy before it. */
export function isBodyTooLarge(error: unknown): error is RegistryError {
  return error instanceof RegistryError && error.status === 413;
}

/**
 * The chunk size to upload a blob of `size` bytes with: the one asked for (0: monolithic), or
 * the fallback's when a blob at most this large was refused whole before.
 */
export function chunkSizeFor(client: RegistryClient, asked: number, size: number): number {
  if (asked > 0) return asked;
  const refused = refusedSizes.get(client);
  return refused !== undefined && size >= refused ? FALLBACK_CHUNK_SIZE : 0;
}

/** Remembers a monolithic upload refused with 413, and says so; returns the chunk size to use. */
export function afterBodyRefused(
  client: RegistryClient,
  size: number,
  reference: string,
  logger: ClientLogger,
): number {
  refusedSizes.set(client, Math.min(size, refusedSizes.get(client) ?? Infinity));
  const message =
    `${client.registry} refused the upload of ${reference} in one request (HTTP 413: the body ` +
    `is too large for the registry, or a proxy before it); uploading it in chunks of 8 MiB ` +
    `instead (set chunk-size to choose their size, or to chunk every upload from the start)`;
  if (logger.notice) logger.notice(message);
  else logger.info(message);
  return FALLBACK_CHUNK_SIZE;
}

/** A chunk refused with 413 too: the error says what to set. */
export function chunkTooLarge(error: RegistryError, chunkSize: number): RegistryError {
  return new RegistryError(error.code, {
    operation: error.operation,
    reference: error.reference,
    ...(error.status === undefined ? {} : { status: error.status }),
    errors: error.errors,
    hint:
      `the registry (or a proxy before it) refuses request bodies of ${chunkSize} bytes: set ` +
      `chunk-size below its limit`,
    cause: error,
  });
}
