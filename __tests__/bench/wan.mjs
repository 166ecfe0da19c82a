// The benchmark's WAN mode (`--wan`): every registry is reached through the WAN proxy
// (wan-proxy.mjs: a delay of half a round trip each way, a handshake round trip per connection,
// a bandwidth cap per connection), and every run reports the requests and connections it made,
// counted there. Bench only: nothing here is a test.
import { startWanProxy } from './wan-proxy.mjs';
import { resolveTypeScriptImports } from './ts-imports.mjs';

/** The link of issue 17's figures: a registry 20 ms away, 40 MB/s per connection. */
export const WAN_LINK = { rttMs: 20, bytesPerSecond: 40e6 };

/**
 * @typedef {{ connections: number, requests: Record<string, number> }} Traffic
 *   what one run sent through the proxy: connections opened, requests by method
 */

/**
 * What stands on the registry's side of the link. `singlePost`: a registry that stores a blob
 * sent with the POST opening its upload, which distribution 2.8 does not (it answers 202): the
 * tests' fault proxy plays it in front of 2.8 (POST, then PUT, on loopback; 201 to the client).
 * @typedef {{ singlePost?: boolean }} RegistrySide
 */

/**
 * The started registry, reached through a WAN proxy: the same object with the proxy's host and
 * URL, a `traffic` counter, and a stop() that stops everything.
 * @template {{ host: string, url: string, stop: () => Promise<void> }} R
 * @param {R} registry
 * @param {RegistrySide} [side]
 * @returns {Promise<R & { traffic: { reset: () => void, stats: () => Traffic } }>}
 */
export async function behindWan(registry, side = {}) {
  const emulator = side.singlePost ? await singlePostEmulator(registry.url) : undefined;
  const proxy = await startWanProxy({ target: emulator?.host ?? registry.host, ...WAN_LINK });
  return {
    ...registry,
    host: proxy.host,
    url: `http://${proxy.host}`,
    traffic: { reset: proxy.reset, stats: proxy.stats },
    stop: async () => {
      await proxy.stop();
      await emulator?.stop();
      await registry.stop();
    },
  };
}

/** The fault proxy (Node runs its TypeScript as is) answering single POSTs with 201. */
async function singlePostEmulator(url) {
  resolveTypeScriptImports();
  const { startFaultProxy } = await import('../support/fault-proxy.ts');
  const emulator = await startFaultProxy(url);
  emulator.setRules([
    { method: 'POST', path: /\/blobs\/uploads\/\?digest=/, fault: { kind: 'single-post' } },
  ]);
  return emulator;
}

/** Requests of a run in all. @param {Traffic} traffic */
export const requestCount = (traffic) =>
  Object.values(traffic.requests).reduce((sum, count) => sum + count, 0);
