// The benchmark's WAN mode (`--wan`): every registry is reached through the WAN proxy
// (wan-proxy.mjs: a delay of half a round trip each way, a handshake round trip per connection,
// a bandwidth cap per connection), and every run reports the requests and connections it made,
// counted there. Bench only: nothing here is a test.
import { startWanProxy } from './wan-proxy.mjs';

/** The link of issue 17's figures: a registry 20 ms away, 40 MB/s per connection. */
export const WAN_LINK = { rttMs: 20, bytesPerSecond: 40e6 };

/**
 * @typedef {{ connections: number, requests: Record<string, number> }} Traffic
 *   what one run sent through the proxy: connections opened, requests by method
 */

/**
 * The started registry, reached through a WAN proxy: the same object with the proxy's host and
 * URL, a `traffic` counter, and a stop() that stops both.
 * @template {{ host: string, url: string, stop: () => Promise<void> }} R
 * @param {R} registry
 * @returns {Promise<R & { traffic: { reset: () => void, stats: () => Traffic } }>}
 */
export async function behindWan(registry, link = WAN_LINK) {
  const proxy = await startWanProxy({ target: registry.host, ...link });
  return {
    ...registry,
    host: proxy.host,
    url: `http://${proxy.host}`,
    traffic: { reset: proxy.reset, stats: proxy.stats },
    stop: async () => {
      await proxy.stop();
      await registry.stop();
    },
  };
}

/** Requests of a run in all. @param {Traffic} traffic */
export const requestCount = (traffic) =>
  Object.values(traffic.requests).reduce((sum, count) => sum + count, 0);
