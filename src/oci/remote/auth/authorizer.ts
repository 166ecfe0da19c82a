// The Authorization header for a registry request: remembers the registry's challenge (some
// registries send it only once, on the ping), resolves credentials once, and caches bearer tokens
// by the scopes they grant.
import { isIP } from 'node:net';
import { OciError } from '../../errors.js';
import { logText, quoted } from '../../untrusted-text.js';
import type { RemoteOptions } from '../options.js';
import type { Transport } from '../transport.js';
import { pickChallenge, type Challenge } from './challenge.js';
import { announceCredentials, findCredentials, type FoundCredentials } from './credentials.js';
import { covers, normalizeScopes } from './scopes.js';
import { fetchToken, type Token } from './token.js';

interface CachedToken {
  scopes: string[];
  token: Promise<Token>;
}

export class Authorizer {
  private challenge: Challenge | undefined;
  private credentials: Promise<FoundCredentials | undefined> | undefined;
  private tokens: CachedToken[] = [];
  private readonly refusedRealms = new Set<string>();

  constructor(
    private readonly registry: string,
    private readonly options: RemoteOptions,
    private readonly transport: Transport,
  ) {}

  /** Keeps the challenge of a 401; later 401s without one reuse it. */
  learn(challenges: Challenge[]): void {
    const picked = pickChallenge(challenges);
    if (picked !== undefined) this.challenge = picked;
  }

  get scheme(): string | undefined {
    return this.challenge?.scheme;
  }

  /** Where the credentials came from, for messages (never what they are); undefined: none. */
  credentialsSource(): Promise<string | undefined> {
    return this.found().then((found) => found?.source);
  }

  private found(): Promise<FoundCredentials | undefined> {
    this.credentials ??= findCredentials(this.registry, this.options, this.transport.logger);
    return this.credentials;
  }

  /** The header value for a request to the registry needing `scopes`, or undefined. */
  async authorization(
    scopes: readonly string[],
    registryUrl: URL,
    signal?: AbortSignal,
  ): Promise<string | undefined> {
    const challenge = this.challenge;
    if (challenge === undefined) return undefined;
    const found = await this.found();
    // Said when the registry first asks for them, not for a registry that never does.
    announceCredentials(this.registry, this.options, this.transport.logger, found);
    const credentials = found?.credentials;
    if (credentials?.kind === 'registry-token') return `Bearer ${credentials.token}`;
    if (challenge.scheme === 'basic') {
      return credentials?.kind === 'basic'
        ? `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`
        : undefined;
    }
    if (challenge.scheme !== 'bearer') return undefined;
    const token = await this.token(challenge, normalizeScopes(scopes), found, registryUrl, signal);
    return `Bearer ${token.value}`;
  }

  /** Forgets tokens for these scopes (the registry refused one). */
  invalidate(scopes: readonly string[]): void {
    const wanted = normalizeScopes(scopes);
    this.tokens = this.tokens.filter((t) => !covers(t.scopes, wanted));
  }

  private async token(
    challenge: Challenge,
    scopes: string[],
    found: FoundCredentials | undefined,
    registryUrl: URL,
    signal?: AbortSignal,
  ): Promise<Token> {
    const credentials = found?.credentials;
    const now = Date.now();
    for (const cached of this.tokens) {
      if (!covers(cached.scopes, scopes)) continue;
      try {
        const token = await cached.token;
        if (token.expiresAt > now) return token;
      } catch {
        // A failed fetch is dropped below and fetched anew.
      }
    }
    this.tokens = this.tokens.filter((t) => !covers(scopes, t.scopes) || !covers(t.scopes, scopes));
    const realm = realmUrl(challenge, registryUrl);
    const withheld = credentials === undefined ? undefined : withholdReason(realm, registryUrl);
    const sendCredentials = credentials !== undefined && withheld === undefined;
    if (withheld !== undefined && !this.refusedRealms.has(realm.origin)) {
      this.refusedRealms.add(realm.origin);
      this.transport.logger.warning(
        `Not sending the credentials for ${this.registry} to its token service ${logText(realm.origin)}: ${withheld}; asking for an anonymous token instead`,
      );
    }
    this.transport.logger.debug(
      `Asking ${logText(realm.origin)} for a token for ${this.registry} (${scopes.join(' ')}), ${sendCredentials ? 'with credentials' : 'anonymously'}`,
    );
    const entry: CachedToken = {
      scopes,
      token: fetchToken(this.transport, {
        realm,
        ...(challenge.params['service'] !== undefined
          ? { service: challenge.params['service'] }
          : {}),
        scopes,
        ...(sendCredentials ? { credentials, credentialsSource: found?.source } : {}),
        registry: this.registry,
        ...(signal ? { signal } : {}),
      }),
    };
    this.tokens.push(entry);
    try {
      return await entry.token;
    } catch (error) {
      this.tokens = this.tokens.filter((t) => t !== entry);
      throw error;
    }
  }
}

function realmUrl(challenge: Challenge, registryUrl: URL): URL {
  const realm = challenge.params['realm'];
  if (realm === undefined || realm === '') {
    throw new OciError(
      'UNAUTHORIZED',
      `${registryUrl.host} asks for a bearer token but names no token service (realm)`,
    );
  }
  try {
    // A relative realm is resolved against the registry.
    return new URL(realm, registryUrl);
  } catch {
    throw new OciError(
      'UNAUTHORIZED',
      `${registryUrl.host} names an invalid token realm ${quoted(realm)}`,
    );
  }
}

/**
 * Why registry credentials must not go to the token service at `realm`, or undefined when they
 * may. They go over HTTPS; over plain HTTP only when the registry connection is plain HTTP
 * itself (the user chose `plain-http`, or a loopback registry does not speak TLS), since the
 * user then accepted that network as it is. Never to a loopback or private address unless the
 * registry lives at one too: a public registry must not steer them into the runner's network.
 */
export function withholdReason(realm: URL, registryUrl: URL): string | undefined {
  if (realm.protocol === 'http:' && registryUrl.protocol !== 'http:') {
    return 'it is plain HTTP while the registry connection is HTTPS, and the credentials would cross the network readable';
  }
  if (realm.protocol !== 'http:' && realm.protocol !== 'https:') {
    return `its scheme ${logText(realm.protocol)} is neither HTTPS nor HTTP`;
  }
  if (isPrivateHost(realm.hostname) && !isPrivateHost(registryUrl.hostname)) {
    return 'it is a loopback or private address while the registry is not';
  }
  return undefined;
}

export const mayReceiveCredentials = (realm: URL, registryUrl: URL): boolean =>
  withholdReason(realm, registryUrl) === undefined;

// `::` (the unspecified address) reaches this machine, as 0.0.0.0 does.
const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '::1', '::']);

export function isLoopbackHost(hostname: string): boolean {
  const bare = bareHost(hostname);
  return LOOPBACK_NAMES.has(bare) || /^127\./.test(bare) || bare.endsWith('.localhost');
}

export function isPrivateHost(hostname: string): boolean {
  if (isLoopbackHost(hostname)) return true;
  const bare = bareHost(hostname);
  if (isIP(bare) === 4) {
    return /^(10\.|192\.168\.|169\.254\.|172\.(1[6-9]|2\d|3[01])\.|0\.)/.test(bare);
  }
  if (isIP(bare) === 6) return /^(fc|fd|fe80)/i.test(bare);
  return false;
}

/**
 * The host without IPv6 brackets, an IPv4-mapped IPv6 address as the IPv4 address it reaches
 * (`[::ffff:7f00:1]`, as a URL writes `[::ffff:127.0.0.1]`, is 127.0.0.1).
 */
function bareHost(hostname: string): string {
  const bare = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const dotted = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(bare);
  if (dotted) return dotted[1]!;
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(bare);
  if (!hex) return bare;
  const high = parseInt(hex[1]!, 16);
  const low = parseInt(hex[2]!, 16);
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
}
