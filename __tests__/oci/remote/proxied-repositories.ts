// One real registry behind a fault proxy for a describe block, and repositories opened through
// the proxy: rules and the client's debug log start empty in every test.
import { parseReference } from '../../../src/oci/reference.js';
import type { RemoteOptions } from '../../../src/oci/remote/options.js';
import { RemoteRepository } from '../../../src/oci/remote/repository.js';
import type { FaultProxy, SeenRequest } from '../../support/fault-proxy.js';
import { startProxiedRegistry, type ProxiedRegistry } from '../../support/proxied-registry.js';
import type { Registry } from '../../support/registry.js';

export interface ProxiedRepositories {
  readonly proxy: FaultProxy;
  /** The real registry behind the proxy (its storage, to alter content at rest). */
  readonly registry: Registry;
  /** What the client logged at debug level in the current test (retries, waits). */
  readonly debug: string[];
  /** `<proxy host>/<name>` with quick retries, no Docker config, the debug log captured. */
  open(name: string, extra?: RemoteOptions): RemoteRepository;
  /** Requests the proxy saw with this method whose path (with query) matches. */
  seen(method: string, path: RegExp): SeenRequest[];
}

/** Call inside a describe block: registers its beforeAll/afterAll/beforeEach hooks. */
export function useProxiedRegistry(
  retry: RemoteOptions['retry'] = { attempts: 4, baseDelayMs: 1, maxDelayMs: 20 },
): ProxiedRepositories {
  let fixture: ProxiedRegistry | undefined;
  let debug: string[] = [];
  beforeAll(async () => {
    fixture = await startProxiedRegistry();
  });
  afterAll(async () => fixture?.stop());
  beforeEach(() => {
    fixture?.proxy.setRules([]);
    debug = [];
  });

  const proxy = (): FaultProxy => {
    if (fixture === undefined) throw new Error('the proxied registry did not start');
    return fixture.proxy;
  };
  return {
    get proxy() {
      return proxy();
    },
    get registry() {
      if (fixture === undefined) throw new Error('the proxied registry did not start');
      return fixture.registry;
    },
    get debug() {
      return debug;
    },
    open: (name, extra = {}) =>
      new RemoteRepository(parseReference(`${proxy().host}/${name}`), {
        dockerConfigDir: '/nonexistent',
        retry,
        logger: { debug: (m) => debug.push(m), info: (m) => debug.push(m), warning: () => {} },
        ...extra,
      }),
    seen: (method, path) =>
      proxy().requests.filter((r) => r.method === method && path.test(r.path)),
  };
}
