// The benchmark's cases: what is moved, and by whom. Each case gets its own registry, seeded
// once (untimed) with what the pulls read. Every timed push goes to a fresh, empty registry,
// except the "unchanged" pushes, which go to the seeded one: the same content again.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { actionPull, actionPush } from './contenders.mjs';
import { curlPull, curlPush, sequence, sha256Files } from './curl.mjs';
import { makeFixtures } from './fixtures.mjs';
import { seriesKey } from './report.mjs';
import { seedImage, skopeoPull, skopeoPush } from './skopeo.mjs';
import { LEVEL as TAR_LEVEL, tarPull, tarPush } from './tar.mjs';

/**
 * @typedef {{ seconds: number, peakKiB: number, cpuSeconds: number }} Sample
 * @typedef {{ host: string, url: string, storageDir: string }} Registry
 * @typedef {{ registry: Registry, out: string }} RunPlace
 *   `out`: an empty folder for what a pull writes.
 * @typedef {{ name: string, rounds?: number, seeded?: boolean, ratioTo?: string,
 *   ratioLabel?: string, run: (place: RunPlace) => Promise<Sample> }} Contender
 *   `rounds`: fewer rounds than the others, for a slow contender that only gives context.
 *   `seeded`: push into the case's seeded registry instead of a fresh one.
 *   `ratioTo`: the series key it is compared with; default the case's first contender.
 * @typedef {{ id: string, title: string, bytes: number,
 *   seed: (registry: Registry) => Promise<void>,
 *   beforePull?: (registry: Registry) => Promise<void>,
 *   push: Contender[], pull: Contender[] }} Case
 *   `seed` fills the case's registry before the pushes, `beforePull` before the pulls.
 * @typedef {{ id: string, repository: string, files: string, layers: number }} DataSet
 *   `files`: the action's `files` input; `layers`: how many the artifact has.
 */

/** Case ids, in the order they run. */
export const CASE_IDS = ['big', 'mid', 'huge', 'small', 'folder'];

/**
 * @param {{ data: { dir: string, big: object, mid: object, small: object[], folder: object },
 *   scratch: string }} ctx
 * @returns {Case[]}
 */
export function makeCases(ctx) {
  const fixtures = makeFixtures(ctx);
  return [
    bigFileCase(ctx, fixtures),
    memoryScalingCase(ctx, 'mid'),
    // Made only when asked for: 3 GiB of data take a while to write.
    ...(ctx.data.huge ? [memoryScalingCase(ctx, 'huge')] : []),
    smallFilesCase(ctx),
    folderCase(ctx, fixtures),
  ];
}

/** One big file: the action, the curl ceiling and skopeo, on the same blob. */
function bigFileCase(ctx, fixtures) {
  const { big } = ctx.data;
  const set = { id: 'big', repository: 'bench/big', files: big.title, layers: 1 };
  return {
    id: set.id,
    title: `one ${size(big.size)} file`,
    bytes: big.size,
    seed: async (registry) => {
      await actionPush(ctx, registry, `${set.repository}:action`, set.files);
      await seedImage(registry, set.repository, 'skopeo', await fixtures.image(set.id));
    },
    beforePull: warmToolCache(ctx, set),
    push: [
      curlPushContender(ctx, set.repository, [big], 1),
      {
        name: 'openssl sha256, then curl',
        run: async ({ registry }) =>
          sequence(
            await sha256Files([big], [big.path], ctx),
            await curlPush(registry, set.repository, [big], { parallel: 1, scratch: ctx.scratch }),
          ),
      },
      skopeoPushContender(ctx, fixtures, set),
      actionPushContender(ctx, set),
      unchangedPushContender(ctx, set),
      unchangedSkopeoPushContender(ctx, fixtures, set),
    ],
    pull: [
      curlPullContender(ctx, set.repository, [big], 1),
      {
        name: 'curl, then openssl sha256',
        run: async ({ registry, out }) =>
          sequence(
            await curlPull(registry, set.repository, [big], {
              outDir: out,
              parallel: 1,
              scratch: ctx.scratch,
            }),
            await sha256Files([big], [join(out, '0')], ctx),
          ),
      },
      skopeoPullContender(ctx, set.repository),
      actionPullContender(ctx, set),
      cacheHitContender(ctx, set),
    ],
  };
}

/**
 * The action alone on a file `times` smaller than the big one (`mid`, 64 MiB) or larger (`huge`,
 * 3 GiB): does its memory stay flat?
 */
function memoryScalingCase(ctx, id) {
  const file = ctx.data[id];
  const set = { id, repository: `bench/${id}`, files: file.title, layers: 1 };
  return {
    id: set.id,
    title: `one ${size(file.size)} file (memory scaling)`,
    bytes: file.size,
    seed: (registry) => actionPush(ctx, registry, `${set.repository}:action`, set.files),
    push: [{ ...actionPushContender(ctx, set), rounds: 1 }],
    pull: [{ ...actionPullContender(ctx, set), rounds: 1 }],
  };
}

/**
 * Many small files, one layer each. No skopeo: a 2,000-layer image took it 166 s to push and
 * 23–33 s to pull on this machine (per-layer overhead in containers/image), which does not fit
 * the run. curl one at a time runs once: it shows how much concurrency can gain at all when the
 * registry's own per-request work is the limit. The action at concurrency 1 runs once too
 * (25-30 s a push): three rounds of it would take the run past 10 minutes.
 */
function smallFilesCase(ctx) {
  const { small } = ctx.data;
  const set = {
    id: 'small',
    repository: 'bench/small',
    files: `${small[0].title.split('/')[0]}/*.bin`,
    layers: small.length,
  };
  const oneAtATime = { concurrency: '1' };
  return {
    id: set.id,
    title: `${small.length.toLocaleString('en')} files of ${size(small[0].size)}`,
    bytes: small.reduce((sum, file) => sum + file.size, 0),
    seed: (registry) => actionPush(ctx, registry, `${set.repository}:action`, set.files),
    beforePull: warmToolCache(ctx, set),
    push: [
      curlPushContender(ctx, set.repository, small, 5),
      { ...curlPushContender(ctx, set.repository, small, 1), rounds: 1 },
      actionPushContender(ctx, set),
      { ...actionPushContender(ctx, set, 'action, concurrency 1', oneAtATime), rounds: 1 },
      unchangedPushContender(ctx, set),
    ],
    pull: [
      curlPullContender(ctx, set.repository, small, 5),
      { ...curlPullContender(ctx, set.repository, small, 1), rounds: 1 },
      actionPullContender(ctx, set),
      { ...actionPullContender(ctx, set, 'action, concurrency 1', oneAtATime), rounds: 1 },
      cacheHitContender(ctx, set),
    ],
  };
}

/**
 * A folder as one gzipped tar layer. curl and skopeo move the layer the action packed (taken
 * from the seed push), so theirs is transfer only; the action's figures include packing (push)
 * and unpacking (pull).
 */
function folderCase(ctx, fixtures) {
  const { folder } = ctx.data;
  const set = { id: 'folder', repository: 'bench/folder', files: folder.title, layers: 1 };
  return {
    id: set.id,
    title: `a folder of ${folder.files.toLocaleString('en')} files, ${size(folder.size)}`,
    bytes: folder.size,
    seed: async (registry) => {
      await fixtures.pushFolder(registry, `${set.repository}:action`);
      await seedImage(registry, set.repository, 'skopeo', await fixtures.image(set.id));
    },
    beforePull: warmToolCache(ctx, set),
    // The unchanged push re-packs and the cache hit re-extracts the whole folder, so each takes
    // about as long as the first; one run of each keeps the whole benchmark under 10 minutes.
    push: [
      curlPushContender(ctx, set.repository, [fixtures.folderBlob], 1),
      {
        name: `tar, gzip -${TAR_LEVEL}, openssl sha256, curl`,
        run: ({ registry }) =>
          tarPush(registry, set.repository, { dir: ctx.data.dir, title: folder.title }, ctx),
      },
      skopeoPushContender(ctx, fixtures, set),
      actionPushContender(ctx, set),
      { ...unchangedPushContender(ctx, set), rounds: 1 },
      unchangedSkopeoPushContender(ctx, fixtures, set),
    ],
    pull: [
      curlPullContender(ctx, set.repository, [fixtures.folderBlob], 1),
      {
        name: 'curl, then tar xzf',
        run: ({ registry, out }) =>
          tarPull(registry, set.repository, fixtures.folderBlob, { out, scratch: ctx.scratch }),
      },
      skopeoPullContender(ctx, set.repository),
      actionPullContender(ctx, set),
      { ...cacheHitContender(ctx, set), rounds: 1 },
    ],
  };
}

/** @param {DataSet} set */
function actionPushContender(ctx, set, name = 'action', inputs = {}) {
  return {
    name,
    run: ({ registry }) => actionPush(ctx, registry, `${set.repository}:v1`, set.files, inputs),
  };
}

/** The seed's push again: every blob and the manifest are in the registry already. */
function unchangedPushContender(ctx, set) {
  return {
    name: 'action, unchanged',
    seeded: true,
    ratioTo: seriesKey(set.id, 'push', 'action'),
    ratioLabel: 'first push',
    run: ({ registry }) => actionPush(ctx, registry, `${set.repository}:action`, set.files),
  };
}

function actionPullContender(ctx, set, name = 'action', inputs = {}) {
  return {
    name,
    run: ({ registry, out }) =>
      actionPull(ctx, registry, `${set.repository}:action`, out, set.layers, { inputs }),
  };
}

/** `cache: true` with the digest in the runner's tool cache already (see warmToolCache). */
function cacheHitContender(ctx, set) {
  return {
    name: 'action, cache hit',
    ratioTo: seriesKey(set.id, 'pull', 'action'),
    ratioLabel: 'uncached pull',
    run: ({ registry, out }) =>
      actionPull(ctx, registry, `${set.repository}:action`, out, set.layers, {
        inputs: { cache: 'true' },
        toolCache: toolCacheOf(ctx, set),
      }),
  };
}

/** One untimed pull with `cache: true`, so that the timed ones find the digest cached. */
function warmToolCache(ctx, set) {
  return async (registry) => {
    const out = join(ctx.scratch, `${set.id}-warm`);
    await actionPull(ctx, registry, `${set.repository}:action`, out, set.layers, {
      inputs: { cache: 'true' },
      toolCache: toolCacheOf(ctx, set),
    });
    await rm(out, { recursive: true, force: true });
  };
}

const toolCacheOf = (ctx, set) => join(ctx.scratch, `${set.id}-tool-cache`);

function curlPushContender(ctx, repository, blobs, parallel) {
  return {
    name: curlName(blobs, parallel),
    run: ({ registry }) =>
      curlPush(registry, repository, blobs, { parallel, scratch: ctx.scratch }),
  };
}

function curlPullContender(ctx, repository, blobs, parallel) {
  return {
    name: curlName(blobs, parallel),
    run: ({ registry, out }) =>
      curlPull(registry, repository, blobs, { outDir: out, parallel, scratch: ctx.scratch }),
  };
}

const curlName = (blobs, parallel) =>
  parallel > 1 ? `curl, ${parallel} at a time` : blobs.length > 1 ? 'curl, one at a time' : 'curl';

function skopeoPushContender(ctx, fixtures, set) {
  return {
    name: 'skopeo',
    run: async ({ registry }) =>
      skopeoPush((await fixtures.image(set.id)).dir, 'skopeo', registry, set.repository, ctx),
  };
}

function unchangedSkopeoPushContender(ctx, fixtures, set) {
  return {
    ...skopeoPushContender(ctx, fixtures, set),
    name: 'skopeo, unchanged',
    seeded: true,
    ratioTo: seriesKey(set.id, 'push', 'skopeo'),
    ratioLabel: 'first push',
  };
}

function skopeoPullContender(ctx, repository) {
  return {
    name: 'skopeo',
    run: ({ registry, out }) => skopeoPull(registry, repository, 'skopeo', out, ctx),
  };
}

/** A size as the case titles write it: 1 GiB, 64 MiB, 4 KiB. */
export function size(bytes) {
  if (bytes >= 2 ** 30 && bytes % 2 ** 30 === 0) return `${bytes / 2 ** 30} GiB`;
  if (bytes >= 2 ** 20) return `${Math.round(bytes / 2 ** 20)} MiB`;
  return `${Math.round(bytes / 2 ** 10)} KiB`;
}
