// A real registry with a fault proxy in front of it: what every fault-injecting test starts.
import { startFaultProxy, type FaultProxy } from './fault-proxy.js';
import { startRegistry, type Registry, type RegistryOptions } from './registry.js';

export interface ProxiedRegistry {
  registry: Registry;
  /** Talk to this one: `proxy.host` is where the client connects. */
  proxy: FaultProxy;
  /** Stops the proxy, then the registry. */
  stop(): Promise<void>;
}

export async function startProxiedRegistry(
  options: RegistryOptions = {},
): Promise<ProxiedRegistry> {
  const registry = await startRegistry(options);
  let proxy: FaultProxy;
  try {
    proxy = await startFaultProxy(registry.url);
  } catch (error) {
    await registry.stop();
    throw error;
  }
  return {
    registry,
    proxy,
    stop: async () => {
      await proxy.stop();
      await registry.stop();
    },
  };
}
