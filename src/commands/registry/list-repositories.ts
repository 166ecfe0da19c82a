// `repo-ls`: the repositories of a registry (its catalog), every page followed.
import { OciError, RegistryError } from '../../oci/errors.js';
import { logText } from '../../oci/untrusted-text.js';
import type { Log } from '../log.js';

/** What repo-ls needs of a registry; RemoteRegistry provides it. */
export interface Catalog {
  /** Every repository name, every page followed. */
  catalog(): Promise<string[]>;
}

export async function listRepositories(
  registry: Catalog,
  name: string,
  log: Log,
): Promise<string[]> {
  return log.group(`List repositories of ${name}`, async () => {
    const repositories = [...new Set(await readCatalog(registry, name))].sort();
    // Names as the registry sent them: neutralised, since any of them may start a line.
    for (const repository of repositories) log.info(logText(repository));
    log.info(`${repositories.length} repositor${repositories.length === 1 ? 'y' : 'ies'}`);
    return repositories;
  });
}

/**
 * The catalog is a reserved extension, not part of the distribution spec, so a registry without
 * one answers 404 (or 405): say that, rather than "not found".
 * https://github.com/opencontainers/distribution-spec/blob/main/extensions/README.md
 */
async function readCatalog(registry: Catalog, name: string): Promise<string[]> {
  try {
    return await registry.catalog();
  } catch (error) {
    if (!(error instanceof RegistryError)) throw error;
    if (error.code !== 'NOT_FOUND' && error.code !== 'UNSUPPORTED') throw error;
    throw new OciError(
      'UNSUPPORTED',
      `${name} does not list its repositories: its catalog (GET /v2/_catalog) answered HTTP ${error.status ?? '?'}. ` +
        'Not every registry offers one; repo-tags lists the tags of a repository you name',
      { cause: error },
    );
  }
}
