// `repo-ls`: the repositories of a registry (its catalog), every page followed.
import type { Log } from '../log.js';

/** What repo-ls needs of a registry; RemoteRegistry provides it. */
export interface Catalog {
  catalog(): Promise<string[]>;
}

export async function listRepositories(
  registry: Catalog,
  name: string,
  log: Log,
): Promise<string[]> {
  return log.group(`List repositories of ${name}`, async () => {
    const repositories = [...new Set(await registry.catalog())].sort();
    for (const repository of repositories) log.info(repository);
    log.info(`${repositories.length} repositor${repositories.length === 1 ? 'y' : 'ies'}`);
    return repositories;
  });
}
