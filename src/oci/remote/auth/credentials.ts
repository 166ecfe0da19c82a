// Which credentials a registry gets: explicit ones, else the Docker config, else the caller's
// fallback (e.g. GITHUB_TOKEN for ghcr.io), else none (anonymous).
import type { ClientLogger } from '../../logger.js';
import type { Credentials, RemoteOptions } from '../options.js';
import { dockerConfigCredentials, dockerConfigDir } from './docker-config.js';

export async function resolveCredentials(
  registry: string,
  options: RemoteOptions,
  logger: ClientLogger,
): Promise<Credentials | undefined> {
  if (options.credentials) return options.credentials;
  const fromConfig = await dockerConfigCredentials(
    registry,
    dockerConfigDir(options.dockerConfigDir),
    logger,
  );
  if (fromConfig) return fromConfig;
  return options.fallbackCredentials?.(registry);
}
