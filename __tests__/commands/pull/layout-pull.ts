// Setup of the command-level pull tests: a fresh OCI layout to pull from, an output folder and a
// folder beside it (`outside`) for each test, and ways to run, fail and watch a pull.
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PullError } from '../../../src/commands/pull/errors.js';
import { pull } from '../../../src/commands/pull/pull.js';
import type { PullOptions, PullResult, PullSource } from '../../../src/commands/pull/pull-types.js';
import type { Digest } from '../../../src/oci/digest.js';
import { blobPath } from '../../../src/oci/layout/blob-path.js';
import { OciLayout } from '../../../src/oci/layout/store.js';
import { memoryLog, useTempDirEach, useUmask } from './helpers.js';

export interface LayoutPull {
  readonly layout: OciLayout;
  /** The test's temporary folder, holding `layout`, `out` and `outside`. */
  readonly dir: string;
  /** The pull's output folder (not made beforehand). */
  readonly out: string;
  /** An empty folder beside `out`, where nothing may appear. */
  readonly outside: string;
  run(selector: string, extra?: Partial<PullOptions>): Promise<PullResult>;
  /** The pull's error; fails the test when the pull succeeds. */
  failure(selector: string, extra?: Partial<PullOptions>): Promise<PullError>;
  /** The layout as a pull source that records the blobs it was asked for. */
  recording(): PullSource & { fetched: Digest[] };
  /** Changes a blob at rest in the layout's storage. */
  alter(digest: Digest, change: (bytes: Buffer) => Buffer): Promise<void>;
}

/** Registers the hooks (umask 022, a temporary folder per test) of a describe block. */
export function useLayoutPull(): LayoutPull {
  useUmask();
  const tmp = useTempDirEach('pull-layout-');
  let layout: OciLayout | undefined;
  beforeEach(async () => {
    layout = await OciLayout.open(join(tmp.path, 'layout'), { create: true });
    await mkdir(join(tmp.path, 'outside'));
  });
  const current = (): OciLayout => {
    if (layout === undefined) throw new Error('useLayoutPull: only inside a test');
    return layout;
  };
  const setup: LayoutPull = {
    get layout() {
      return current();
    },
    get dir() {
      return tmp.path;
    },
    get out() {
      return join(tmp.path, 'out');
    },
    get outside() {
      return join(tmp.path, 'outside');
    },
    run: (selector, extra = {}) =>
      pull({ source: current(), selector, outputDir: setup.out, log: memoryLog(), ...extra }),
    failure: (selector, extra = {}) =>
      setup.run(selector, extra).then(
        () => {
          throw new Error('the pull succeeded');
        },
        (error: unknown) => error as PullError,
      ),
    recording() {
      const source = current();
      const fetched: Digest[] = [];
      return {
        fetched,
        location: source.location,
        resolve: (reference) => source.resolve(reference),
        fetchManifest: (reference) => source.fetchManifest(reference),
        fetch: (descriptor, options) => {
          fetched.push(descriptor.digest);
          return source.fetch(descriptor, options);
        },
      };
    },
    async alter(digest, change) {
      const file = blobPath(current().root, digest);
      await chmod(file, 0o644);
      await writeFile(file, change(await readFile(file)));
    },
  };
  return setup;
}
