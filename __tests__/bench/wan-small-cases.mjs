// The WAN cases of issue 17 (`npm run bench -- --wan`): many files of 4 KiB, one layer each,
// through a link 20 ms away (wan.mjs). Over such a link a small blob costs round trips, not
// bytes, so the figures that matter are requests per blob (counted at the proxy) and how many
// are in flight. curl runs as many transfers at once as the action's default concurrency: the
// same round trips, nothing hashed or verified, as the ceiling.
import { actionPull, actionPush } from './contenders.mjs';
import { curlPull, curlPush } from './curl.mjs';
import { figures, median, seriesKey } from './report.mjs';
import { requestCount } from './wan.mjs';

/** The action's default `concurrency`, and what curl runs at once against it. */
const IN_FLIGHT = 16;

/** Case ids, in the order they run: 200 files, then the run's many (2,000; 200 with --quick). */
export const WAN_SMALL_CASE_IDS = ['wan-few', 'wan-many'];

/**
 * @param {{ data: { dir: string, few: object[], small: object[] }, scratch: string }} ctx
 * @returns {import('./cases.mjs').Case[]}
 */
export function makeWanSmallCases(ctx) {
  return [
    smallFilesOverWan(ctx, 'wan-few', ctx.data.few, 3),
    smallFilesOverWan(ctx, 'wan-many', ctx.data.small, 1),
  ];
}

/** `oldDefaultRounds`: rounds of the action at concurrency 5 (the default before issue 17). */
function smallFilesOverWan(ctx, id, files, oldDefaultRounds) {
  const folder = files[0].title.split('/')[0];
  const repository = `bench/${id}`;
  const pattern = `${folder}/*.bin`;
  const oldDefault = { concurrency: '5' };
  const curl = `curl, ${IN_FLIGHT} at a time`;
  return {
    id,
    title: `${files.length.toLocaleString('en')} files of 4 KiB, WAN`,
    bytes: files.reduce((sum, file) => sum + file.size, 0),
    blobs: files.length,
    seed: (registry) => actionPush(ctx, registry, `${repository}:action`, pattern),
    push: [
      {
        name: curl,
        run: ({ registry }) =>
          curlPush(registry, repository, files, { parallel: IN_FLIGHT, scratch: ctx.scratch }),
      },
      {
        name: 'action',
        run: ({ registry }) => actionPush(ctx, registry, `${repository}:v1`, pattern),
      },
      {
        name: 'action, concurrency 5',
        rounds: oldDefaultRounds,
        run: ({ registry }) => actionPush(ctx, registry, `${repository}:v1`, pattern, oldDefault),
      },
      {
        // `side` (wan.mjs): the registry this push goes to takes the single POST. Run once:
        // only its request count means something (its time includes the emulator's work).
        name: 'action, single POST (emulated)',
        side: { singlePost: true },
        rounds: 1,
        run: ({ registry }) => actionPush(ctx, registry, `${repository}:v1`, pattern),
      },
    ],
    pull: [
      {
        name: curl,
        run: ({ registry, out }) =>
          curlPull(registry, repository, files, {
            outDir: out,
            parallel: IN_FLIGHT,
            scratch: ctx.scratch,
          }),
      },
      {
        name: 'action',
        run: ({ registry, out }) =>
          actionPull(ctx, registry, `${repository}:action`, out, files.length),
      },
      {
        name: 'action, concurrency 5',
        rounds: oldDefaultRounds,
        run: ({ registry, out }) =>
          actionPull(ctx, registry, `${repository}:action`, out, files.length, {
            inputs: oldDefault,
          }),
      },
    ],
  };
}

/** Issue 17's targets for these cases: measured and reported, never asserted. */
export function checkWanSmallTargets(all) {
  const get = (caseId, op, contender) => all.get(seriesKey(caseId, op, contender));
  const lines = [];
  const add = (target, measured, met) =>
    lines.push(
      `| ${target} | ${measured} | ${met === undefined ? 'not measured' : met ? 'met' : '**missed**'} |`,
    );
  for (const id of WAN_SMALL_CASE_IDS) {
    const push = get(id, 'push', 'action');
    const pull = get(id, 'pull', 'action');
    if (!push && !pull) continue;
    const files = (push ?? pull).blobs;
    const perBlob = push ? requestsPerBlob(push) : undefined;
    add(
      `push of ${files} small files in ≤ 1.2 requests per blob (distribution 2.8)`,
      perBlob === undefined
        ? ''
        : `${perBlob.toFixed(2)} (2.8 ignores the single POST: POST and PUT are its floor)`,
      perBlob === undefined ? undefined : perBlob <= 1.2,
    );
    const emulated = get(id, 'push', 'action, single POST (emulated)');
    const emulatedPerBlob = emulated ? requestsPerBlob(emulated) : undefined;
    add(
      `push of ${files} small files in ≤ 1.2 requests per blob (a registry that takes the single POST, emulated in front of 2.8)`,
      emulatedPerBlob === undefined ? '' : emulatedPerBlob.toFixed(2),
      emulatedPerBlob === undefined ? undefined : emulatedPerBlob <= 1.2,
    );
    const pushFigures = push ? figures(push, all) : undefined;
    const pullFigures = pull ? figures(pull, all) : undefined;
    add(
      `pull of ${files} small files no slower per file than push`,
      pushFigures && pullFigures
        ? `${ms(pullFigures.seconds / files)} vs ${ms(pushFigures.seconds / files)} a file`
        : '',
      pushFigures && pullFigures ? pullFigures.seconds <= pushFigures.seconds : undefined,
    );
  }
  return ['| target | measured | verdict |', '| --- | --- | --- |', ...lines].join('\n');
}

function requestsPerBlob(series) {
  const counts = series.samples
    .map((sample) => sample.traffic)
    .filter(Boolean)
    .map(requestCount);
  return counts.length === 0 ? undefined : median(counts) / series.blobs;
}

const ms = (seconds) => `${(seconds * 1000).toFixed(1)} ms`;
