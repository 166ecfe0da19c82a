import { listRepositories } from '../../commands/registry/list-repositories.js';
import { RemoteRegistry } from '../../oci/remote/registry.js';
import { readRegistry } from '../inputs/registry.js';
import { actionLog } from '../log.js';
import { setJsonOutput } from '../outputs.js';
import { code, factsMarkdown, namesMarkdown } from '../summary/registry.js';
import { writeSummary } from '../summary/write.js';

/** Reads the inputs of `command: repo-ls`, runs it, and writes its outputs and job summary. */
export async function runRepoLs(): Promise<void> {
  const { registry, options } = readRegistry();
  const client = new RemoteRegistry(registry, options);
  try {
    const repositories = await listRepositories(client, registry, actionLog);
    setJsonOutput('repositories', repositories);
    await writeSummary([
      ...factsMarkdown(`Repositories of ${code(registry)}`, [
        ['Repositories', String(repositories.length)],
      ]),
      ...namesMarkdown('Repository', repositories),
    ]);
  } finally {
    await client.close();
  }
}
