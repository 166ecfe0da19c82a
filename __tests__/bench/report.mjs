// Turns the measurements into figures (medians, ratios, peak memory) and Markdown tables.
import { requestCount } from './wan.mjs';

/**
 * @typedef {{ seconds: number, peakKiB: number, cpuSeconds: number, registryCpu: number }} Sample
 *   `cpuSeconds`: the contender's processes' CPU time; `registryCpu`: the registry's during the run.
 * @typedef {{ caseId: string, caseTitle: string, op: 'push' | 'pull', contender: string,
 *   bytes: number, ratioTo?: string, ratioLabel?: string, samples: Sample[] }} Series
 *   `ratioTo`: the key (`case/op/contender`) of the series this one is compared with, named
 *   `ratioLabel` in the table (default: that series' contender).
 */

export const seriesKey = (caseId, op, contender) => `${caseId}/${op}/${contender}`;

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** The figures of one series; `all` finds the series it is compared with. */
export function figures(series, all) {
  const of = (name) => series.samples.map((sample) => sample[name]);
  const seconds = median(of('seconds'));
  const base = series.ratioTo ? all.get(series.ratioTo) : undefined;
  const baseSeconds = base ? median(base.samples.map((sample) => sample.seconds)) : undefined;
  return {
    seconds,
    min: Math.min(...of('seconds')),
    max: Math.max(...of('seconds')),
    mibPerSecond: series.bytes / 2 ** 20 / seconds,
    ratio: baseSeconds ? seconds / baseSeconds : undefined,
    ratioTo: series.ratioLabel ?? base?.contender,
    /** The highest of the runs: a peak is a worst case. */
    peakMiB: Math.max(...of('peakKiB')) / 1024,
    cpuSeconds: median(of('cpuSeconds')),
    registryCpu: median(of('registryCpu')),
    runs: series.samples.length,
  };
}

/** The Markdown table of every series, in the order they were measured. */
export function markdownTable(all) {
  const rows = [
    '| case | op | contender | median s | MiB/s | ratio | peak RSS MiB | CPU s | registry CPU s | runs (min–max s) |',
    '| --- | --- | --- | ---: | ---: | --- | ---: | ---: | ---: | --- |',
  ];
  for (const series of all.values()) {
    if (series.samples.length === 0) continue;
    const f = figures(series, all);
    const ratio = f.ratio === undefined ? '' : `${f.ratio.toFixed(2)}× ${f.ratioTo}`;
    rows.push(
      `| ${series.caseTitle} | ${series.op} | ${series.contender} | ${f.seconds.toFixed(2)} | ` +
        `${rate(f.mibPerSecond)} | ${ratio} | ${f.peakMiB.toFixed(0)} | ` +
        `${f.cpuSeconds.toFixed(2)} | ${f.registryCpu.toFixed(2)} | ` +
        `${f.runs} (${f.min.toFixed(2)}–${f.max.toFixed(2)}) |`,
    );
  }
  return rows.join('\n');
}

const rate = (value) => (value >= 10 ? value.toFixed(0) : value.toFixed(1));

/**
 * What the series measured through the WAN proxy sent (`--wan`): requests per blob (all of a
 * run's requests, the ping and manifests included, over the case's blobs), by method, and the
 * connections opened; medians of the rounds. Empty when nothing went through the proxy.
 */
export function trafficTable(all) {
  const rows = [
    '| case | op | contender | requests per blob | requests by method | connections |',
    '| --- | --- | --- | ---: | --- | ---: |',
  ];
  for (const series of all.values()) {
    const traffic = series.samples.map((sample) => sample.traffic).filter(Boolean);
    if (traffic.length === 0 || !series.blobs) continue;
    const methods = [...new Set(traffic.flatMap((t) => Object.keys(t.requests)))].sort();
    const byMethod = methods
      .map((method) => `${method} ${median(traffic.map((t) => t.requests[method] ?? 0))}`)
      .join(', ');
    const perBlob = median(traffic.map(requestCount)) / series.blobs;
    rows.push(
      `| ${series.caseTitle} | ${series.op} | ${series.contender} | ${perBlob.toFixed(2)} | ` +
        `${byMethod} | ${median(traffic.map((t) => t.connections))} |`,
    );
  }
  return rows.length > 2 ? rows.join('\n') : '';
}
