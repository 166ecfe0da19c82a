// Credentials from the Docker CLI configuration, in the order the Docker CLI looks:
// credHelpers[host], then credsStore, then auths (keys may be URLs; matched by host).
// https://docs.docker.com/reference/cli/docker/login/#credential-stores
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { OciError } from '../../errors.js';
import type { ClientLogger } from '../../logger.js';
import { DOCKER_HUB } from '../../reference.js';
import { quoted } from '../../untrusted-text.js';
import type { Credentials } from '../options.js';
import { runCredentialHelper } from './credential-helper.js';

/** Where the Docker CLI keeps Docker Hub credentials. */
export const DOCKER_HUB_SERVER = 'https://index.docker.io/v1/';
const DOCKER_HUB_HOSTS = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

interface AuthEntry {
  auth?: string;
  username?: string;
  password?: string;
  identitytoken?: string;
  registrytoken?: string;
}

interface DockerConfig {
  auths?: Record<string, AuthEntry>;
  credHelpers?: Record<string, string>;
  credsStore?: string;
}

export function dockerConfigDir(explicit?: string): string {
  return explicit ?? process.env['DOCKER_CONFIG'] ?? join(homedir(), '.docker');
}

/** `https://host:port/v1/` → `host:port`; Docker Hub's aliases → `docker.io`. */
export function serverHost(key: string): string {
  const withoutScheme = key.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  const host = withoutScheme.split('/')[0] ?? '';
  const lower = host.toLowerCase();
  return DOCKER_HUB_HOSTS.has(lower) ? DOCKER_HUB : lower;
}

/** What the Docker CLI passes to helpers and uses as the `auths` key for this registry. */
export function serverAddress(registry: string): string {
  return serverHost(registry) === DOCKER_HUB ? DOCKER_HUB_SERVER : registry;
}

async function readConfig(dir: string): Promise<DockerConfig | undefined> {
  const file = join(dir, 'config.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new OciError('CREDENTIALS_ERROR', `cannot read the Docker config ${file}`, {
      cause: error,
    });
  }
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? (parsed as DockerConfig) : {};
  } catch (error) {
    // Only the position: V8's message quotes the text around it, which may be a secret.
    const at = /position \d+(?: \(line \d+ column \d+\))?/.exec((error as Error).message);
    throw new OciError(
      'CREDENTIALS_ERROR',
      `the Docker config ${file} is not valid JSON${at ? ` (at ${at[0]})` : ''}`,
    );
  }
}

export function entryCredentials(entry: AuthEntry, where: string): Credentials | undefined {
  if (entry.registrytoken) return { kind: 'registry-token', token: entry.registrytoken };
  if (entry.identitytoken) return { kind: 'identity-token', token: entry.identitytoken };
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) {
      throw new OciError(
        'CREDENTIALS_ERROR',
        `the "auth" of ${where} in the Docker config is not base64 of "user:password"`,
      );
    }
    return { kind: 'basic', username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  if (entry.username && entry.password) {
    return { kind: 'basic', username: entry.username, password: entry.password };
  }
  return undefined;
}

/** Credentials and, for the log, where they were found (never what they are). */
export interface FoundCredentials {
  credentials: Credentials;
  source: string;
}

/** Credentials for `registry` from the Docker config in `dir`, or undefined. */
export async function dockerConfigCredentials(
  registry: string,
  dir: string,
  logger: ClientLogger,
): Promise<Credentials | undefined> {
  return (await lookupDockerConfig(registry, dir, logger))?.credentials;
}

/** As dockerConfigCredentials, saying where they were found: which helper, or which entry. */
export async function lookupDockerConfig(
  registry: string,
  dir: string,
  logger: ClientLogger,
): Promise<FoundCredentials | undefined> {
  const config = await readConfig(dir);
  if (config === undefined) return undefined;
  const file = join(dir, 'config.json');
  const host = serverHost(registry);
  const server = serverAddress(registry);

  const helpers: string[] = [];
  for (const [key, helper] of Object.entries(config.credHelpers ?? {})) {
    if (serverHost(key) === host && helper) helpers.push(helper);
  }
  if (config.credsStore) helpers.push(config.credsStore);
  for (const helper of helpers) {
    try {
      const found = await runCredentialHelper(helper, server);
      if (found) {
        return {
          credentials: found,
          source: `the credential helper docker-credential-${helper} (named by the Docker config ${file})`,
        };
      }
      logger.debug(`docker-credential-${helper} has no credentials for ${server}`);
    } catch (error) {
      // A helper that is missing or broken on this machine should not block other sources.
      logger.warning(`${(error as Error).message}; trying the other sources of credentials`);
    }
  }

  for (const [key, entry] of Object.entries(config.auths ?? {})) {
    if (serverHost(key) !== host || typeof entry !== 'object' || entry === null) continue;
    const found = entryCredentials(entry, key);
    if (found) {
      return { credentials: found, source: `the Docker config ${file} (auths ${quoted(key)})` };
    }
  }
  return undefined;
}
