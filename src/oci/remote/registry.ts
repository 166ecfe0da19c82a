// A registry as a whole: its repositories (sharing one client) and the catalog.
import { parseReference } from '../reference.js';
import { CATALOG_SCOPE } from './auth/scopes.js';
import { RegistryClient } from './http-client.js';
import type { RemoteOptions } from './options.js';
import { listAll } from './pagination.js';
import { RemoteRepository } from './repository.js';
import { Transport } from './transport.js';

/** distribution 2.8 refuses pages above 1000 (400). */
const CATALOG_PAGE = 1000;

export class RemoteRegistry {
  private readonly client: RegistryClient;

  constructor(
    readonly registry: string,
    private readonly options: RemoteOptions = {},
  ) {
    this.client = new RegistryClient(registry, new Transport(options), options);
  }

  /** A repository sharing this registry's connections, auth challenge and token cache. */
  repository(name: string): RemoteRepository {
    const reference = parseReference(`${this.registry}/${name}`);
    return new RemoteRepository(reference, this.options, this.client);
  }

  /** Every repository name, every page followed, sorted. `pageSize` is a hint (≤ 1000). */
  catalog(pageSize = CATALOG_PAGE): Promise<string[]> {
    const n = Math.max(1, Math.min(Math.floor(pageSize), CATALOG_PAGE));
    return listAll(this.client, `/v2/_catalog?n=${n}`, 'repositories', [CATALOG_SCOPE], {
      operation: 'list repositories of',
      reference: this.registry,
    });
  }

  /** Closes this registry's connections. */
  close(): Promise<void> {
    return this.client.transport.close();
  }
}
