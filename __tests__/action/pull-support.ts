// Shared by the pull end-to-end tests: a real registry with a fault proxy in front, runs of the
// bundled action against either, temporary folders, and what a run left behind. Each test file
// that calls pullFixture() starts and stops its own registry and proxy.
import { RemoteRepository } from '../../src/oci/remote/repository.js';
import { parseReference } from '../../src/oci/reference.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { startRegistry, type Registry } from '../support/registry.js';
import { runAction, type ActionRun, type RunOptions } from '../support/run-action.js';
import { pullTempDir, useUmask } from '../commands/pull/helpers.js';

export { listing, tree } from '../commands/pull/helpers.js';

/** A repository in the test registry, for pushing fixtures with the client directly. */
export const repository = (host: string, name: string): RemoteRepository =>
  new RemoteRepository(parseReference(`${host}/${name}`), { plainHttp: true });

export type PullRunner = (
  inputs: Record<string, string>,
  options?: RunOptions,
) => Promise<ActionRun>;

export interface PullFixture {
  readonly registry: Registry;
  /** In front of `registry`: its rules are cleared after each test. */
  readonly proxy: FaultProxy;
  /** `command: pull` over plain HTTP against the registry / through the proxy. */
  pull: PullRunner;
  pullViaProxy: PullRunner;
  /** Any other run of the action, cleaned up with the rest. */
  run: (inputs: Record<string, string>, options?: RunOptions) => Promise<ActionRun>;
  /** A temporary folder, removed after the file's tests. */
  tempDir(prefix?: string): Promise<string>;
}

/** Registers the hooks of an end-to-end pull test file (umask 022 included). */
export function pullFixture(): PullFixture {
  useUmask();
  let registry: Registry | undefined;
  let proxy: FaultProxy | undefined;
  const cleanups: (() => Promise<void>)[] = [];
  beforeAll(async () => {
    registry = await startRegistry();
    proxy = await startFaultProxy(registry.url);
  });
  afterEach(() => proxy?.setRules([]));
  afterAll(async () => {
    await Promise.all(cleanups.map((cleanup) => cleanup()));
    await proxy?.stop();
    await registry?.stop();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('pullFixture: the registry is not started');
    return value;
  };
  const run = async (inputs: Record<string, string>, options: RunOptions = {}) => {
    const result = await runAction(inputs, options);
    cleanups.push(result.cleanup);
    return result;
  };
  const runner =
    (host: () => string): PullRunner =>
    (inputs, options) =>
      run({ command: 'pull', registry: host(), 'plain-http': 'true', ...inputs }, options);
  return {
    get registry() {
      return started(registry);
    },
    get proxy() {
      return started(proxy);
    },
    pull: runner(() => started(registry).host),
    pullViaProxy: runner(() => started(proxy).host),
    run,
    async tempDir(prefix = 'oci-pull-') {
      const dir = await pullTempDir(prefix);
      cleanups.push(dir.remove);
      return dir.path;
    },
  };
}

/** Blob GETs a fault proxy saw (HEAD and manifests excluded). */
export const blobGets = (requests: readonly { method: string; path: string }[]): number =>
  requests.filter((r) => r.method === 'GET' && /\/blobs\/sha256:/.test(r.path)).length;

export function failed(run: ActionRun): string {
  if (run.exitCode !== 1) throw new Error(`exit code ${run.exitCode}, not 1:\n${run.stdout}`);
  return run.errors.join('\n');
}

export function succeeded(run: ActionRun): ActionRun {
  if (run.exitCode !== 0)
    throw new Error(`pull failed (${run.exitCode}):\n${run.stdout}\n${run.stderr}`);
  return run;
}
