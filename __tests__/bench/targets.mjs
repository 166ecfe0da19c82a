// The issue's targets, checked against the figures: measured and reported, never asserted.
import { figures, seriesKey } from './report.mjs';

/** Memory counts as flat when 16 times the bytes cost at most this much more peak RSS. */
const FLAT_MIB = 16;

/** One line per target: what was asked, what was measured, met or missed. */
export function checkTargets(all) {
  const get = (caseId, op, contender) => {
    const series = all.get(seriesKey(caseId, op, contender));
    return series ? figures(series, all) : undefined;
  };
  const lines = [];
  const verdict = (met) => (met ? 'met' : '**missed**');
  const add = (target, measured, met) =>
    lines.push(
      `| ${target} | ${measured} | ${met === undefined ? 'not measured' : verdict(met)} |`,
    );

  const hashing = { push: 'openssl sha256, then curl', pull: 'curl, then openssl sha256' };
  for (const op of ['push', 'pull']) {
    const action = get('big', op, 'action');
    const curl = get('big', op, 'curl');
    const hashed = get('big', op, hashing[op]);
    const skopeo = get('big', op, 'skopeo');
    const ratio = action && curl ? action.seconds / curl.seconds : undefined;
    const withHashing =
      action && hashed ? `; ${(action.seconds / hashed.seconds).toFixed(2)}× ` : '';
    add(
      `${op} of the big file within 1.15× of the ceiling (curl)`,
      ratio === undefined
        ? ''
        : `${ratio.toFixed(2)}× (${s(action)} vs ${s(curl)}${withHashing}${withHashing ? `"${hashing[op]}"` : ''})`,
      ratio === undefined ? undefined : ratio <= 1.15,
    );
    add(
      `${op} of the big file faster than skopeo`,
      action && skopeo ? `${s(action)} vs ${s(skopeo)}` : '',
      action && skopeo ? action.seconds < skopeo.seconds : undefined,
    );
  }
  for (const op of ['push', 'pull']) {
    const parallel = get('small', op, 'action');
    const serial = get('small', op, 'action, concurrency 1');
    const speedup = parallel && serial ? serial.seconds / parallel.seconds : undefined;
    add(
      `${op} of the small files ≥ 3× faster than one request at a time`,
      speedup === undefined ? '' : `${speedup.toFixed(2)}× (${s(parallel)} vs ${s(serial)})`,
      speedup === undefined ? undefined : speedup >= 3,
    );
  }
  for (const [id, label] of [
    ['big', 'the big file'],
    ['small', 'the small files'],
    ['folder', 'the folder'],
  ]) {
    const first = get(id, 'push', 'action');
    const again = get(id, 'push', 'action, unchanged');
    const share = first && again ? again.seconds / first.seconds : undefined;
    add(
      `unchanged re-push of ${label} < 5 % of the first push`,
      share === undefined ? '' : `${(share * 100).toFixed(1)} % (${s(again)} vs ${s(first)})`,
      share === undefined ? undefined : share < 0.05,
    );
  }
  for (const op of ['push', 'pull']) {
    const big = get('big', op, 'action');
    const mid = get('mid', op, 'action');
    add(
      `${op}: peak RSS of the action < 150 MiB for the big file`,
      big ? `${big.peakMiB.toFixed(0)} MiB` : '',
      big ? big.peakMiB < 150 : undefined,
    );
    add(
      `${op}: peak RSS flat with size (16× the bytes, ≤ ${FLAT_MIB} MiB more)`,
      big && mid ? `${mid.peakMiB.toFixed(0)} → ${big.peakMiB.toFixed(0)} MiB` : '',
      big && mid ? big.peakMiB - mid.peakMiB <= FLAT_MIB : undefined,
    );
  }
  return ['| target | measured | verdict |', '| --- | --- | --- |', ...lines].join('\n');
}

const s = (f) => `${f.seconds.toFixed(2)} s`;
