// The targets of the performance issues, checked against the figures: measured and reported,
// never asserted.
import { figures, seriesKey } from './report.mjs';

/** Memory counts as flat when the larger file costs at most this much more peak RSS. */
const FLAT_MIB = 16;
/** The peak RSS the action may reach for a 1 GiB push or pull. */
const PEAK_MIB = 120;

/** One line per target: what was asked, what was measured, met or missed. */
export function checkTargets(all) {
  const get = (caseId, op, contender) => {
    const series = all.get(seriesKey(caseId, op, contender));
    return series && series.samples.length > 0 ? figures(series, all) : undefined;
  };
  const lines = [];
  const verdict = (met) => (met ? 'met' : '**missed**');
  const add = (target, measured, met) =>
    lines.push(
      `| ${target} | ${measured} | ${met === undefined ? 'not measured' : verdict(met)} |`,
    );
  /** `action` within `limit` × `base` (a time ratio). */
  const within = (target, action, base, limit, baseName) => {
    const ratio = action && base ? action.seconds / base.seconds : undefined;
    add(
      target,
      ratio === undefined
        ? ''
        : `${ratio.toFixed(2)}× (${s(action)} vs ${s(base)}${baseName ? ` ${baseName}` : ''})`,
      ratio === undefined ? undefined : ratio <= limit,
    );
  };
  /** `fast` at least `factor` × faster than `slow`. */
  const faster = (target, fast, slow, factor) => {
    const speedup = fast && slow ? slow.seconds / fast.seconds : undefined;
    add(
      target,
      speedup === undefined ? '' : `${speedup.toFixed(2)}× (${s(fast)} vs ${s(slow)})`,
      speedup === undefined ? undefined : speedup >= factor,
    );
  };

  within(
    '1 GiB pull within 1.3× of "curl, then openssl sha256"',
    get('big', 'pull', 'action'),
    get('big', 'pull', 'curl, then openssl sha256'),
    1.3,
  );
  within(
    '1 GiB push within 1.1× of "openssl sha256, then curl"',
    get('big', 'push', 'action'),
    get('big', 'push', 'openssl sha256, then curl'),
    1.1,
  );
  faster(
    '1 GiB cache hit ≥ 5× faster than an uncached pull',
    get('big', 'pull', 'action, cache hit'),
    get('big', 'pull', 'action'),
    5,
  );
  within(
    'folder push within 1.3× of tar + gzip -6 + curl upload',
    get('folder', 'push', 'action'),
    get('folder', 'push', 'tar, gzip -6, openssl sha256, curl'),
    1.3,
  );
  within(
    'folder pull within 1.2× of curl download + tar xzf',
    get('folder', 'pull', 'action'),
    get('folder', 'pull', 'curl, then tar xzf'),
    1.2,
  );
  for (const op of ['push', 'pull']) {
    const big = get('big', op, 'action');
    add(
      `${op}: peak RSS < ${PEAK_MIB} MiB for 1 GiB`,
      big ? `${big.peakMiB.toFixed(0)} MiB` : '',
      big ? big.peakMiB < PEAK_MIB : undefined,
    );
    const sizes = ['mid', 'big', 'huge'].map((id) => get(id, op, 'action'));
    const known = sizes.filter((f) => f !== undefined);
    const spread =
      known.length >= 2
        ? Math.max(...known.map((f) => f.peakMiB)) - Math.min(...known.map((f) => f.peakMiB))
        : undefined;
    add(
      `${op}: peak RSS flat from 64 MiB to 3 GiB (within ${FLAT_MIB} MiB)`,
      known.length >= 2
        ? sizes.map((f) => (f ? f.peakMiB.toFixed(0) : '–')).join(' → ') + ' MiB'
        : '',
      spread === undefined ? undefined : spread <= FLAT_MIB,
    );
  }
  // Round 1's comparisons, kept for the record.
  for (const op of ['push', 'pull']) {
    const action = get('big', op, 'action');
    const skopeo = get('big', op, 'skopeo');
    add(
      `${op} of the big file faster than skopeo`,
      action && skopeo ? `${s(action)} vs ${s(skopeo)}` : '',
      action && skopeo ? action.seconds < skopeo.seconds : undefined,
    );
  }
  for (const op of ['push', 'pull']) {
    faster(
      `${op} of the small files ≥ 3× faster than one request at a time (loopback)`,
      get('small', op, 'action'),
      get('small', op, 'action, concurrency 1'),
      3,
    );
  }
  return ['| target | measured | verdict |', '| --- | --- | --- |', ...lines].join('\n');
}

const s = (f) => `${f.seconds.toFixed(2)} s`;
