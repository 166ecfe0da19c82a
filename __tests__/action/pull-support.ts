// Shared by the pull end-to-end tests: a client-level pusher for crafted artifacts, runs of the
// bundled action, and what a run left on disk.
import { readdir } from 'node:fs/promises';
import { RemoteRepository } from '../../src/oci/remote/repository.js';
import { parseReference } from '../../src/oci/reference.js';
import { runAction, type ActionRun, type RunOptions } from '../support/run-action.js';

/** A repository in the test registry, for pushing fixtures with the client directly. */
export const repository = (host: string, name: string): RemoteRepository =>
  new RemoteRepository(parseReference(`${host}/${name}`), { plainHttp: true });

export interface PullRunner {
  (inputs: Record<string, string>, options?: RunOptions): Promise<ActionRun>;
}

/** `command: pull` over plain HTTP; every run is cleaned up by `cleanup()`. */
export function pullRunner(host: () => string): PullRunner & { cleanup(): Promise<void> } {
  const runs: ActionRun[] = [];
  const run = async (inputs: Record<string, string>, options: RunOptions = {}) => {
    const result = await runAction(
      { command: 'pull', registry: host(), 'plain-http': 'true', ...inputs },
      options,
    );
    runs.push(result);
    return result;
  };
  return Object.assign(run, {
    cleanup: async () => {
      await Promise.all(runs.map((r) => r.cleanup()));
    },
  });
}

/** Blob GETs a fault proxy saw (HEAD and manifests excluded). */
export const blobGets = (requests: readonly { method: string; path: string }[]): number =>
  requests.filter((r) => r.method === 'GET' && /\/blobs\/sha256:/.test(r.path)).length;

export const listing = async (dir: string): Promise<string[]> => (await readdir(dir)).sort();

export function failed(run: ActionRun): string {
  if (run.exitCode === 0) throw new Error(`the pull succeeded:\n${run.stdout}`);
  return run.errors.join('\n');
}

export function succeeded(run: ActionRun): ActionRun {
  if (run.exitCode !== 0)
    throw new Error(`pull failed (${run.exitCode}):\n${run.stdout}\n${run.stderr}`);
  return run;
}
