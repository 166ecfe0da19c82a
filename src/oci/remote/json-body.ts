// JSON answers other than manifests (tokens, pages of tag lists, referrers indexes) are read up
// to a bound of ours, like manifests: a body that never ends would otherwise hold the request at
// full speed (no stall or low-speed clock cuts it) and fill the memory.
import { formatSize } from '../units.js';

/** Thrown past the bound; the caller words what was being read. */
export class BodyTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`more than ${formatSize(limit)}`);
  }
}

/**
 * The body parsed as JSON, read up to `limit` bytes. Past it, nothing more is read (leaving the
 * loop destroys the body and its connection) and BodyTooLarge is thrown; text that is no JSON
 * throws SyntaxError, as `body.json()` does.
 */
export async function readJson(
  body: AsyncIterable<Buffer | Uint8Array>,
  limit: number,
): Promise<unknown> {
  const parts: Buffer[] = [];
  let length = 0;
  for await (const chunk of body) {
    length += chunk.length;
    if (length > limit) throw new BodyTooLarge(limit);
    parts.push(Buffer.from(chunk));
  }
  return JSON.parse(Buffer.concat(parts).toString('utf8')) as unknown;
}
