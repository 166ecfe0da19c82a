// Some reports concern a registry, not a connection: which credentials it gets, that it is
// reached over plain HTTP. Clients made with one options object (a repository, then the catalog
// of its registry) say each of them once.
import type { RemoteOptions } from './options.js';

const said = new WeakMap<RemoteOptions, Set<string>>();

/** True the first time `key` is asked about for these options, false afterwards. */
export function firstTime(options: RemoteOptions, key: string): boolean {
  const keys = said.get(options) ?? new Set<string>();
  said.set(options, keys);
  if (keys.has(key)) return false;
  keys.add(key);
  return true;
}
