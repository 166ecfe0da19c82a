// Answers read whole (manifests, tokens, pages of tag lists, referrers indexes) are read up to a
// bound of ours: a body that never ends would otherwise hold the request at
// full speed (no stall or low-speed clock cuts it) and fill the memory.
import { formatSize } from '../units.js';

/** Thrown past the bound; the caller words what was being read. */
export class BodyTooLarge extends Error {
  constructor(
    readonly limit: number,
    /** Bytes received when the bound was passed (the body may have more). */
    readonly received: number,
  ) {
    super(`more than ${formatSize(limit)}`);
  }
}

/**
 * The whole body, read up to `limit` bytes. Past it, nothing more is read (leaving the loop
 * destroys the body and its connection) and BodyTooLarge is thrown.
 */
export async function readBounded(
  body: AsyncIterable<Buffer | Uint8Array>,
  limit: number,
): Promise<Buffer> {
  const parts: Buffer[] = [];
  let length = 0;
  for await (const chunk of body) {
    length += chunk.length;
    if (length > limit) throw new BodyTooLarge(limit, length);
    parts.push(Buffer.from(chunk));
  }
  return Buffer.concat(parts);
}

/**
 * The body parsed as JSON, read up to `limit` bytes (readBounded); text that is no JSON throws
 * SyntaxError, as `body.json()` does.
 */
export async function readJson(
  body: AsyncIterable<Buffer | Uint8Array>,
  limit: number,
): Promise<unknown> {
  return JSON.parse((await readBounded(body, limit)).toString('utf8')) as unknown;
}
