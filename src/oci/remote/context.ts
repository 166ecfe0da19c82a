// What every per-repository module needs: the registry client and the repository's names.
import type { RegistryClient } from './http-client.js';
import type { RemoteOptions } from './options.js';

export interface RepositoryContext {
  client: RegistryClient;
  /** Repository path, e.g. `org/app`. */
  name: string;
  /** `host/repo`, for messages. */
  location: string;
  options: RemoteOptions;
}

/** `/v2/<name>/<rest>` */
export const repoPath = (ctx: RepositoryContext, rest: string): string => `/v2/${ctx.name}/${rest}`;
