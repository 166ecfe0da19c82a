// The WAN case of issue 14 (`npm run bench -- --wan`, beside issue 17's small files in
// wan-small-cases.mjs): one big blob pulled through a link 20 ms away that caps each connection
// (wan.mjs), as blob storage behind the cloud registries serves one connection. Over one
// connection (curl, and the action with download-parts: 1) and in ranged parts over several (the
// action's default); the proxy counts the requests and connections of each run.
import { size } from './cases.mjs';
import { actionPull, actionPush } from './contenders.mjs';
import { curlPull } from './curl.mjs';
import { figures, seriesKey } from './report.mjs';

/** Case ids, in the order they run. */
export const WAN_BIG_CASE_IDS = ['wan-big'];

/**
 * @param {{ data: { big: object }, scratch: string }} ctx
 * @returns {import('./cases.mjs').Case[]}
 */
export function makeWanBigCases(ctx) {
  return [bigFileOverWan(ctx)];
}

/** One big blob pulled across the WAN: one connection against ranged parts. */
function bigFileOverWan(ctx) {
  const { big } = ctx.data;
  const set = { id: 'wan-big', repository: 'bench/wan-big', files: big.title, layers: 1 };
  const pull = (name, inputs) => ({
    name,
    // One connection at the link's cap takes about as long every time: one round says it.
    ...(inputs['download-parts'] === '1' ? { rounds: 1 } : {}),
    run: ({ registry, out }) =>
      actionPull(ctx, registry, `${set.repository}:action`, out, set.layers, { inputs }),
  });
  return {
    id: set.id,
    title: `one ${size(big.size)} file, WAN`,
    bytes: big.size,
    // One blob: the traffic table's requests per blob are the requests of the pull.
    blobs: 1,
    seed: (registry) => actionPush(ctx, registry, `${set.repository}:action`, set.files),
    push: [],
    pull: [
      {
        name: 'curl, one connection',
        rounds: 1,
        run: ({ registry, out }) =>
          curlPull(registry, set.repository, [big], {
            outDir: out,
            parallel: 1,
            scratch: ctx.scratch,
          }),
      },
      pull('action, one connection', { 'download-parts': '1' }),
      {
        ...pull('action', {}),
        ratioTo: seriesKey(set.id, 'pull', 'action, one connection'),
        ratioLabel: 'one connection',
      },
    ],
  };
}

/** Issue 14's target for this case: measured and reported, never asserted. */
export function checkWanBigTargets(all) {
  const get = (contender) => {
    const series = all.get(seriesKey('wan-big', 'pull', contender));
    return series && series.samples.length > 0 ? figures(series, all) : undefined;
  };
  const parts = get('action');
  const one = get('action, one connection');
  const speedup = parts && one ? one.seconds / parts.seconds : undefined;
  const verdict = speedup === undefined ? 'not measured' : speedup >= 3 ? 'met' : '**missed**';
  const measured =
    speedup === undefined
      ? ''
      : `${speedup.toFixed(2)}× (${parts.seconds.toFixed(2)} s vs ${one.seconds.toFixed(2)} s)`;
  return [
    '| target | measured | verdict |',
    '| --- | --- | --- |',
    `| big pull in parts ≥ 3× faster than over one connection | ${measured} | ${verdict} |`,
  ].join('\n');
}
