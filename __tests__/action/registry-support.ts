// Shared by the end-to-end tests of the registry commands: the per-file fixture (registries, a
// temporary folder, action runs, all cleaned up after the file), seeding content straight through
// the client (not through the push command), and reading results back independently.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { digestBytes } from '../../src/oci/digest.js';
import { parseReference } from '../../src/oci/reference.js';
import { RemoteRepository } from '../../src/oci/remote/repository.js';
import { startRegistry, type Registry, type RegistryOptions } from '../support/registry.js';
import { runAction, type ActionRun, type RunOptions } from '../support/run-action.js';
import { makeTempDir } from '../support/temp.js';
import { artifact, pushGraph, type Graph } from '../oci/content.js';

const run = promisify(execFile);

export interface RegistryFixture {
  /** The first registry started. */
  readonly registry: Registry;
  /** Every registry started, in the order of the options given. */
  readonly registries: readonly Registry[];
  /** A temporary folder for layouts and workspaces. */
  readonly temp: string;
  act(inputs: Record<string, string>, options?: RunOptions): Promise<ActionRun>;
  /** Runs the action expecting it to fail; returns its one error message. */
  fail(inputs: Record<string, string>, options?: RunOptions): Promise<string>;
  /** Stops `service` (a proxy, another registry) with the file's registries. */
  stopAfter<T extends { stop(): Promise<void> }>(service: T): T;
}

/**
 * Starts one registry per options entry before the file's tests, and after them stops every
 * registry and service, and removes the runs' folders and the temporary folder.
 */
export function useRegistries(options: RegistryOptions[] = [{}]): RegistryFixture {
  const services: { stop(): Promise<void> }[] = [];
  const runs: ActionRun[] = [];
  let registries: Registry[] = [];
  let temp: { path: string; remove(): Promise<void> } | undefined;

  beforeAll(async () => {
    temp = await makeTempDir('oci-registry-commands-');
    const started = await Promise.allSettled(options.map((o) => startRegistry(o)));
    registries = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    services.push(...registries);
    const failed = started.find((s) => s.status === 'rejected');
    if (failed) throw failed.reason;
  });
  afterAll(async () => {
    await Promise.allSettled(services.map((s) => s.stop()));
    await Promise.allSettled(runs.map((r) => r.cleanup()));
    await temp?.remove();
  });

  const act = async (inputs: Record<string, string>, runOptions?: RunOptions) => {
    const result = await runAction(inputs, runOptions);
    runs.push(result);
    return result;
  };
  return {
    get registry() {
      return started(registries[0]);
    },
    get registries() {
      return registries;
    },
    get temp() {
      return started(temp).path;
    },
    act,
    fail: async (inputs, runOptions) => failure(await act(inputs, runOptions)),
    stopAfter: (service) => {
      services.push(service);
      return service;
    },
  };
}

function started<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('the fixture is used before beforeAll started it');
  return value;
}

/** A client for `registry/name`, logged in when `login` is given. */
export const repository = (
  registry: Registry | string,
  name: string,
  login?: { username: string; password: string },
): RemoteRepository =>
  new RemoteRepository(
    parseReference(`${typeof registry === 'string' ? registry : registry.host}/${name}`),
    {
      retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 5 },
      ...(login ? { credentials: { kind: 'basic' as const, ...login } } : {}),
    },
  );

/** Pushes a graph into `registry/name`, the root tagged when `tag` is given (else by digest). */
export async function seed(
  registry: Registry | string,
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
