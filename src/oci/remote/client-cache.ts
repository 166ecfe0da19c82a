// One RegistryClient (connections, challenge, token cache) per registry and options object, so
// repositories opened separately with the same options share them.
import { RegistryClient } from './http-client.js';
import type { RemoteOptions } from './options.js';
import { Transport } from './transport.js';

interface Shared {
  transport: Transport;
  clients: Map<string, RegistryClient>;
}

const byOptions = new WeakMap<RemoteOptions, Shared>();
const noOptions: RemoteOptions = {};

export function sharedClient(registry: string, options: RemoteOptions = noOptions): RegistryClient {
  let shared = byOptions.get(options);
  if (shared === undefined) {
    shared = { transport: new Transport(options), clients: new Map() };
    byOptions.set(options, shared);
  }
  let client = shared.clients.get(registry);
  if (client === undefined) {
    client = new RegistryClient(registry, shared.transport, options);
    shared.clients.set(registry, client);
  }
  return client;
}
