// Shared by the push and attach end-to-end tests: the test bed of a test file (a registry, a
// workspace, runs of the bundled action, all removed afterwards), and independent ways to look at
// what a push left in the registry (skopeo, the plain HTTP API, GNU tar).
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, mkdir, utimes, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { ImageManifest } from '../../src/oci/descriptor.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { startRegistry, type Registry, type RegistryOptions } from '../support/registry.js';
import { runAction, type ActionRun, type RunOptions } from '../support/run-action.js';
import { makeTempDir } from '../support/temp.js';

const run = promisify(execFile);

export const sha256 = (bytes: Buffer | string): string =>
  `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

/** The manifest bytes as skopeo (an independent client) reads them. */
export async function skopeoRaw(image: string): Promise<Buffer> {
  const { stdout } = await run(
    'skopeo',
    ['inspect', '--raw', '--tls-verify=false', `docker://${image}`],
    { encoding: 'buffer' },
  );
  return stdout;
}

export async function skopeoTags(image: string): Promise<string[]> {
  const { stdout } = await run('skopeo', ['list-tags', '--tls-verify=false', `docker://${image}`]);
  return ((JSON.parse(stdout) as { Tags: string[] | null }).Tags ?? []).sort();
}

/** Repositories the registry holds; a failed push must not even have started one. */
export async function catalog(registryUrl: string): Promise<string[]> {
  const response = await fetch(`${registryUrl}/v2/_catalog`);
  return ((await response.json()) as { repositories: string[] }).repositories;
}

export async function fetchBlob(
  registryUrl: string,
  repo: string,
  digest: string,
): Promise<Buffer> {
  const response = await fetch(`${registryUrl}/v2/${repo}/blobs/${digest}`);
  if (!response.ok) throw new Error(`GET blob ${digest}: ${response.status}`);
  return Buffer.from(await response.arrayBuffer());
}

/** `tar -tvz` of a gzipped tar, numeric owners, UTC, one line per entry. */
export async function tarListing(gzipped: Buffer, dir: string): Promise<string[]> {
  const file = join(dir, `listing-${sha256(gzipped).slice(7, 19)}.tar.gz`);
  await writeFile(file, gzipped);
  const { stdout } = await run('tar', ['-tvzf', file, '--numeric-owner', '--full-time'], {
    env: { ...process.env, TZ: 'UTC' },
  });
  return stdout.trim().split('\n');
}

export const parseManifest = (text: string | Buffer): ImageManifest =>
  JSON.parse(text.toString()) as ImageManifest;

/** Files by path: their content, or content and mode. */
export type Tree = Record<string, string | { content: string; mode: number }>;

/** Writes files (path → content) under `root`, with one mtime for all and modes where given. */
export async function writeTree(root: string, files: Tree, mtime = 1_600_000_000): Promise<void> {
  for (const [path, spec] of Object.entries(files)) {
    const full = join(root, path);
    await mkdir(dirname(full), { recursive: true });
    const content = typeof spec === 'string' ? spec : spec.content;
    await writeFile(full, content);
    if (typeof spec !== 'string') await chmod(full, spec.mode);
    await utimes(full, mtime, mtime);
  }
}

export interface TestBedOptions {
  /** Start a registry for the test file, with these options. */
  registry?: RegistryOptions;
  /** Written into the workspace before the first test. */
  tree?: Tree;
  /** Inputs every run gets unless it gives them itself; the registry is there once started. */
  defaults?: (registry: Registry | undefined) => Record<string, string>;
}

export interface TestBed {
  /** The registry; only when the options asked for one. */
  readonly registry: Registry;
  /** A temporary folder of the test file; the workspace is `ws` inside it. */
  readonly dir: string;
  readonly ws: string;
  /** Runs the bundled action in the workspace (unless told otherwise), with the defaults. */
  run(inputs: Record<string, string>, options?: RunOptions): Promise<ActionRun>;
  /** Something to remove after the last test of the file. */
  defer(cleanup: () => Promise<void>): void;
}

/**
 * Sets up a test file's bed in beforeAll and tears it down in afterAll, also after failures:
 * first what tests deferred (runs, proxies, folders), then the registry.
 */
export function useTestBed(options: TestBedOptions = {}): TestBed {
  let registry: Registry | undefined;
  let dir = '';
  const cleanups: (() => Promise<void>)[] = [];
  beforeAll(async () => {
    const temp = await makeTempDir('oci-push-test-');
    cleanups.push(temp.remove);
    dir = temp.path;
    await mkdir(join(dir, 'ws'));
    if (options.tree) await writeTree(join(dir, 'ws'), options.tree);
    if (options.registry) registry = await startRegistry(options.registry);
  });
  afterAll(async () => {
    await Promise.all(cleanups.map((cleanup) => cleanup()));
    await registry?.stop();
  });
  return {
    get registry(): Registry {
      if (registry === undefined) throw new Error('this test bed has no registry');
      return registry;
    },
    get dir() {
      return dir;
    },
    get ws() {
      return join(dir, 'ws');
    },
    defer: (cleanup) => cleanups.push(cleanup),
    async run(inputs, runOptions = {}) {
      const run = await runAction(
        { ...options.defaults?.(registry), ...inputs },
        { workspace: join(dir, 'ws'), ...runOptions },
      );
      cleanups.push(run.cleanup);
      return run;
    },
  };
}

/** The run, or an error with its log when it failed. */
export function succeeded(run: ActionRun): ActionRun {
  if (run.exitCode !== 0) {
    throw new Error(`the action failed (${run.exitCode}):\n${run.stdout}\n${run.stderr}`);
  }
  return run;
}

/** A fault-injecting proxy in front of the bed's registry, started before the tests, stopped with the bed. */
export function useFaultProxy(bed: TestBed): { readonly proxy: FaultProxy } {
  let proxy: FaultProxy | undefined;
  beforeAll(async () => {
    const started = await startFaultProxy(bed.registry.url);
    proxy = started;
    bed.defer(() => started.stop());
  });
  return {
    get proxy(): FaultProxy {
      if (proxy === undefined) throw new Error('the fault proxy starts in beforeAll');
      return proxy;
    },
  };
}
