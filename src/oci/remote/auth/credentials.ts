// Which credentials a registry gets: explicit ones, else the Docker config, else the caller's
// fallback (e.g. GITHUB_TOKEN for ghcr.io), else none (anonymous). The log says which source
// was used, once per registry and options, never what the credentials are.
import type { ClientLogger } from '../../logger.js';
import type { Credentials, RemoteOptions } from '../options.js';
import { firstTime } from '../said-once.js';
import { dockerConfigDir, lookupDockerConfig, type FoundCredentials } from './docker-config.js';

export type { FoundCredentials } from './docker-config.js';

export async function findCredentials(
  registry: string,
  options: RemoteOptions,
  logger: ClientLogger,
): Promise<FoundCredentials | undefined> {
  if (options.credentials) {
    maskBasicPair(options.credentials, logger);
    return {
      credentials: options.credentials,
      source: options.credentialsSource ?? 'the credentials given to the client',
    };
  }
  const dir = dockerConfigDir(options.dockerConfigDir);
  const fromConfig = await lookupDockerConfig(registry, dir, logger);
  if (fromConfig) {
    // Found here, not given by the user: the log learns them as secrets before any use.
    for (const secret of secretsOf(fromConfig.credentials)) logger.mask?.(secret);
    maskBasicPair(fromConfig.credentials, logger);
    return fromConfig;
  }
  const fallback = options.fallbackCredentials?.(registry);
  if (fallback) {
    maskBasicPair(fallback, logger);
    return { credentials: fallback, source: options.fallbackSource ?? 'the fallback credentials' };
  }
  return undefined;
}

/**
 * Masks `user:secret` in base64, as a Basic header sends it (to the registry, or to its token
 * service), since a registry may echo that header in an error body: the runner hides a masked
 * secret's own base64, but not that of the pair. The secret itself is masked by whoever found it.
 */
function maskBasicPair(credentials: Credentials, logger: ClientLogger): void {
  const pair = basicPair(credentials);
  if (pair !== undefined) logger.mask?.(Buffer.from(pair).toString('base64'));
}

/** `user:password` for a Basic header; an identity token goes as the `<token>` user. */
export function basicPair(credentials: Credentials | undefined): string | undefined {
  if (credentials?.kind === 'basic') return `${credentials.username}:${credentials.password}`;
  if (credentials?.kind === 'identity-token') return `<token>:${credentials.token}`;
  return undefined;
}

/** Logs which source the credentials for `registry` come from, once per options object. */
export function announceCredentials(
  registry: string,
  options: RemoteOptions,
  logger: ClientLogger,
  found: FoundCredentials | undefined,
): void {
  if (!firstTime(options, `credentials ${registry}`)) return;
  logger.info(
    found === undefined
      ? `Credentials for ${registry}: none given and none found in the Docker config; going on anonymously`
      : `Credentials for ${registry}: ${found.source}${KIND_NOTE[found.credentials.kind]}`,
  );
}

const KIND_NOTE: Record<Credentials['kind'], string> = {
  basic: '',
  'identity-token': ' (an identity token)',
  'registry-token': ' (a registry token)',
};

function secretsOf(credentials: Credentials): string[] {
  return credentials.kind === 'basic' ? [credentials.password] : [credentials.token];
}
