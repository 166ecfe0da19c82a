// The network cases: the case's registry behind the WAN proxy (wan-proxy.mjs), as a registry
// across a real network serves one connection: a round trip of RTT_MS and a bandwidth cap per
// connection. One big blob pulled over one connection (curl, and the action with
// download-parts: 1) and in ranged parts over several (the action's default).
import { actionPull, actionPush } from './contenders.mjs';
import { curlPull } from './curl.mjs';
import { seriesKey } from './report.mjs';
import { startWanProxy } from './wan-proxy.mjs';

/** The network the cases run over. */
export const WAN = { rttMs: 20, bytesPerSecond: 40e6 };

/** How the WAN is named in case titles. */
export const WAN_TITLE = `over a WAN (${WAN.rttMs} ms round trip, ${WAN.bytesPerSecond / 1e6} MB/s per connection)`;

/**
 * A contender run through a WAN proxy started for it (outside the timing) in front of the case's
 * registry; the proxy's connection and request counts go to the progress log.
 */
export function overWan(name, run, log = (line) => console.error(line)) {
  return async ({ registry, out }) => {
    const wan = await startWanProxy({ target: registry.host, ...WAN });
    try {
      const sample = await run({
        registry: { ...registry, host: wan.host, url: `http://${wan.host}` },
        out,
      });
      const { connections, requests } = wan.stats();
      log(
        `   ${name} over the WAN: ${connections} connections, requests ${JSON.stringify(requests)}`,
      );
      return sample;
    } finally {
      await wan.stop();
    }
  };
}

/** One big blob pulled across the WAN: one connection against ranged parts. */
export function wanBigFileCase(ctx, size) {
  const { big } = ctx.data;
  const set = { id: 'wan-big', repository: 'bench/wan-big', files: big.title, layers: 1 };
  const pull = (name, inputs) => ({
    name,
    // One connection at 40 MB/s takes about as long every time: one round says it.
    ...(inputs['download-parts'] === '1' ? { rounds: 1 } : {}),
    run: overWan(name, ({ registry, out }) =>
      actionPull(ctx, registry, `${set.repository}:action`, out, set.layers, { inputs }),
    ),
  });
  return {
    id: set.id,
    title: `one ${size(big.size)} file ${WAN_TITLE}`,
    bytes: big.size,
    seed: (registry) => actionPush(ctx, registry, `${set.repository}:action`, set.files),
    push: [],
    pull: [
      {
        name: 'curl, one connection',
        rounds: 1,
        run: overWan('curl', ({ registry, out }) =>
          curlPull(registry, set.repository, [big], {
            outDir: out,
            parallel: 1,
            scratch: ctx.scratch,
          }),
        ),
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
