// Shared by the end-to-end tests of the registry commands: seeding content straight through the
// client (not through the push command) and running the action with the usual inputs.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { digestBytes } from '../../src/oci/digest.js';
import { parseReference } from '../../src/oci/reference.js';
import { RemoteRepository } from '../../src/oci/remote/repository.js';
import type { Registry } from '../support/registry.js';
import { runAction, type ActionRun, type RunOptions } from '../support/run-action.js';
import { artifact, pushGraph, type Graph } from '../oci/layout/content.js';

const run = promisify(execFile);

export const repository = (registry: Registry, name: string): RemoteRepository =>
  new RemoteRepository(parseReference(`${registry.host}/${name}`), {
    retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 5 },
  });

/** Pushes a graph into `registry/name`, the root tagged when `tag` is given. */
export async function seed(
  registry: Registry,
  name: string,
  graph: Graph,
  tag?: string,
): Promise<Graph> {
  await pushGraph(repository(registry, name), graph, tag);
  return graph;
}

/** A referrer of `subject` pushed by digest; the client keeps the sha256-<hex> tag index. */
export async function attachTo(
  registry: Registry,
  name: string,
  subject: Graph,
  artifactType: string,
  annotations: Record<string, string> = {},
): Promise<Graph> {
  const graph = artifact(
    { [`${artifactType.replace(/\W/g, '-')}.txt`]: `for ${subject.root.descriptor.digest}` },
    {
      artifactType,
      subject: subject.root.descriptor,
      ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
    },
  );
  return seed(registry, name, graph);
}

/** Every run is kept to be cleaned up in afterAll. */
export function actionRunner(): {
  act: (inputs: Record<string, string>, options?: RunOptions) => Promise<ActionRun>;
  cleanup: () => Promise<void>;
} {
  const runs: ActionRun[] = [];
  return {
    act: async (inputs, options) => {
      const result = await runAction(inputs, options);
      runs.push(result);
      return result;
    },
    cleanup: async () => {
      await Promise.all(runs.map((r) => r.cleanup()));
    },
  };
}

/** The digest of the manifest as skopeo (an independent client) reads it. */
export async function skopeoDigest(image: string): Promise<string> {
  const { stdout } = await run(
    'skopeo',
    ['inspect', '--raw', '--tls-verify=false', `docker://${image}`],
    { encoding: 'buffer' },
  );
  return digestBytes(stdout);
}

/** A failed run: exit code 1 and exactly one error line. */
export function failure(result: ActionRun): string {
  if (result.exitCode !== 1 || result.errors.length !== 1) {
    throw new Error(
      `expected one error and exit code 1, got ${result.exitCode}: ${result.errors.join(' | ')}\n${result.stdout}`,
    );
  }
  return result.errors[0]!;
}
