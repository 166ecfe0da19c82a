// Paged lists (tags, catalog): follow `Link: <…>; rel="next"` (relative links resolve against
// the page's URL) and gather every page; sorted and de-duplicated, since distribution 2.8 returns
// tags unsorted. https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#listing-tags
import { RegistryError } from '../errors.js';
import type { Operation } from './errors.js';
import type { RegistryClient } from './http-client.js';
import { BodyTooLarge, readJson } from './bounded-body.js';
import { header } from './transport.js';

const MAX_PAGES = 10_000;
/** Names in all: far more tags or repositories than any registry holds for real. */
const MAX_NAMES = 1_000_000;
/** One page of names: some registries send every tag in one page, without `n`. */
const MAX_PAGE_BYTES = 16 * 1024 * 1024;

export async function listAll(
  client: RegistryClient,
  first: string,
  field: 'tags' | 'repositories',
  scopes: readonly string[],
  what: Operation & { repository?: string },
): Promise<string[]> {
  const found = new Set<string>();
  const seen = new Set<string>();
  let next: string | URL | undefined = first;
  while (next !== undefined) {
    const answer = await client.send({ method: 'GET', url: next, scopes, repeatable: true, what });
    await client.expect(answer, [200], what);
    const page = (await readJson(answer.response.body, MAX_PAGE_BYTES).catch((error: unknown) => {
      const tooLarge = error instanceof BodyTooLarge;
      throw new RegistryError(tooLarge ? 'SIZE_LIMIT_EXCEEDED' : 'REGISTRY_ERROR', {
        ...what,
        status: 200,
        hint: tooLarge ? `a page of the list is ${error.message}` : 'the list is not JSON',
        cause: error,
      });
    })) as Record<string, unknown>;
    const names = page[field];
    if (Array.isArray(names)) {
      for (const name of names) if (typeof name === 'string') found.add(name);
    }
    if (found.size > MAX_NAMES) {
      // Pages that never end would fill the memory before MAX_PAGES is reached.
      throw new RegistryError('SIZE_LIMIT_EXCEEDED', {
        ...what,
        status: 200,
        hint: `the list holds more than ${MAX_NAMES} names`,
      });
    }
    const link = nextLink(header(answer.response, 'link'));
    next = undefined;
    if (link !== undefined) {
      const url = new URL(link, answer.url);
      // A registry repeating a page would loop forever.
      if (!seen.has(url.href) && seen.size < MAX_PAGES) {
        seen.add(url.href);
        next = url;
      }
    }
  }
  return [...found].sort();
}

/** The target of the `rel="next"` link in an RFC 8288 `Link` header. */
export function nextLink(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  for (const match of value.matchAll(/<([^>]*)>([^<]*)/g)) {
    const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))/i.exec(match[2] ?? '');
    const relations = (rel?.[1] ?? rel?.[2] ?? '').toLowerCase().split(/\s+/);
    if (relations.includes('next')) return match[1];
  }
  return undefined;
}
