// Bearer tokens from a registry's token service.
// GET with Basic credentials: https://distribution.github.io/distribution/spec/auth/token/
// OAuth2 POST (refresh token): https://distribution.github.io/distribution/spec/auth/oauth/
import { OciError, RegistryError } from '../../errors.js';
import { readErrorBody, registryError, unreachableHint } from '../errors.js';
import { isRetryableNetworkError } from '../retry.js';
import type { Credentials } from '../options.js';
import { basicPair } from './credentials.js';
import { BodyTooLarge, readJson } from '../bounded-body.js';
import { header, type Transport } from '../transport.js';

export interface Token {
  value: string;
  /** Epoch ms after which the token is not used any more. */
  expiresAt: number;
}

export interface TokenRequest {
  realm: URL;
  service?: string;
  scopes: string[];
  credentials?: Credentials;
  /** For hints: where `credentials` came from (see FoundCredentials). */
  credentialsSource?: string | undefined;
  /** For hints: the registry the token is for. */
  registry: string;
  signal?: AbortSignal;
}

/** Default lifetime when the service does not say (the token spec's minimum). */
const DEFAULT_EXPIRES_IN_S = 60;
const CLIENT_ID = 'oci-artifact-action';
/** A token service's answer: a token is a few KiB at most. */
const MAX_TOKEN_ANSWER = 1024 * 1024;

export async function fetchToken(transport: Transport, req: TokenRequest): Promise<Token> {
  const credentials = req.credentials;
  try {
    // An identity (refresh) token is exchanged over OAuth2; a password goes as Basic on a GET,
    // which every token service takes.
    if (credentials?.kind === 'identity-token') {
      const posted = await postOAuth2(transport, req, credentials.token);
      if (posted !== 'not-found') return posted;
    }
    return await getToken(transport, req);
  } catch (error) {
    if (error instanceof OciError) throw error;
    // Already retried: a network failure here is final (no retries around retries).
    const retried = isRetryableNetworkError(error) ? transport.policy.attempts : 1;
    const hint = [
      unreachableHint(error, req.realm.host, `the token service of ${req.registry}`),
      retried > 1 ? `gave up after ${retried} attempts` : undefined,
    ].filter((part) => part !== undefined);
    throw new RegistryError('NETWORK_ERROR', {
      operation: `get a token for ${req.registry} from`,
      reference: req.realm.origin,
      cause: error,
      ...(hint.length > 0 ? { hint: hint.join('; ') } : {}),
      ...(retried > 1 ? { attempts: retried } : {}),
    });
  }
}

/** `POST <realm>` form-encoded; 'not-found' when the service has no OAuth2 endpoint (404). */
async function postOAuth2(
  transport: Transport,
  req: TokenRequest,
  refreshToken: string,
): Promise<Token | 'not-found'> {
  const form = new URLSearchParams();
  form.set('grant_type', 'refresh_token');
  form.set('refresh_token', refreshToken);
  if (req.service !== undefined) form.set('service', req.service);
  form.set('client_id', CLIENT_ID);
  if (req.scopes.length > 0) form.set('scope', req.scopes.join(' '));
  const body = form.toString();
  const response = await transport.sendRetrying(
    {
      method: 'POST',
      url: req.realm,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: () => body,
      ...(req.signal ? { signal: req.signal } : {}),
    },
    `token from ${req.realm.origin}`,
  );
  if (response.statusCode === 404) {
    await response.body.dump();
    return 'not-found';
  }
  return readToken(transport, response, req);
}

async function getToken(transport: Transport, req: TokenRequest): Promise<Token> {
  const url = new URL(req.realm);
  if (req.service !== undefined) url.searchParams.append('service', req.service);
  for (const scope of req.scopes) url.searchParams.append('scope', scope);
  const headers: Record<string, string> = {};
  const basic = basicPair(req.credentials);
  if (basic !== undefined) {
    headers['authorization'] = `Basic ${Buffer.from(basic).toString('base64')}`;
  }
  const response = await transport.sendRetrying(
    { method: 'GET', url, headers, ...(req.signal ? { signal: req.signal } : {}) },
    `token from ${req.realm.origin}`,
  );
  return readToken(transport, response, req);
}

async function readToken(
  transport: Transport,
  response: Awaited<ReturnType<Transport['send']>>,
  req: TokenRequest,
): Promise<Token> {
  const what = {
    operation: 'get a token for',
    reference: `${req.registry} (${req.scopes.join(' ')})`,
  };
  const context = {
    registry: req.registry,
    authenticated: req.credentials !== undefined,
    ...(req.credentialsSource === undefined ? {} : { credentialsSource: req.credentialsSource }),
  };
  if (response.statusCode !== 200) {
    const body = await readErrorBody(response.body);
    throw registryError(what, { status: response.statusCode, body }, context, {
      code:
        response.statusCode === 401
          ? 'UNAUTHORIZED'
          : response.statusCode === 403
            ? 'DENIED'
            : 'REGISTRY_ERROR',
    });
  }
  let parsed: { token?: unknown; access_token?: unknown; expires_in?: unknown };
  try {
    parsed = (await readJson(response.body, MAX_TOKEN_ANSWER)) as typeof parsed;
  } catch (error) {
    if (error instanceof BodyTooLarge) {
      throw new RegistryError('SIZE_LIMIT_EXCEEDED', {
        ...what,
        status: 200,
        hint: `the token service ${req.realm.origin} answered ${error.message}, far more than a token`,
      });
    }
    throw new RegistryError('REGISTRY_ERROR', {
      ...what,
      status: 200,
      hint: `the token service answered something other than JSON (${header(response, 'content-type') ?? 'no content type'})`,
      cause: error,
    });
  }
  const value =
    typeof parsed.token === 'string' && parsed.token !== ''
      ? parsed.token
      : typeof parsed.access_token === 'string'
        ? parsed.access_token
        : '';
  if (value === '') {
    throw new RegistryError('REGISTRY_ERROR', {
      ...what,
      status: 200,
      hint: 'the token service answered without a token',
    });
  }
  // Nothing prints a token; should a registry ever echo one back, the log hides it.
  transport.logger.mask?.(value);
  const expiresIn =
    typeof parsed.expires_in === 'number' && parsed.expires_in > 0
      ? parsed.expires_in
      : DEFAULT_EXPIRES_IN_S;
  // Renew a little early so a token does not expire in flight.
  const margin = Math.min(10, expiresIn / 2);
  return { value, expiresAt: Date.now() + (expiresIn - margin) * 1000 };
}
