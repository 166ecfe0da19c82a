// A token service the real registry trusts (distribution's `auth.token`): a loopback node:http
// server that signs RS256 JWTs with a key and self-signed certificate made now, the certificate in
// the JWT's `x5c` header and in the registry's `rootcertbundle`. Grants scopes per a user table.
// https://distribution.github.io/distribution/spec/auth/jwt/
import { createPrivateKey, createSign, randomUUID, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { makeCertificate } from './registry.js';

export interface TokenUser {
  password: string;
  /** repository → actions granted (`pull`, `push`, `delete`, `*`). */
  access: Record<string, string[]>;
  /** May list the catalog. */
  catalog?: boolean;
}

export interface TokenServerOptions {
  users: Record<string, TokenUser>;
  /** Repositories anyone (even anonymous) may pull. */
  publicRepositories?: string[];
  /** OAuth2 refresh tokens → user name. */
  refreshTokens?: Record<string, string>;
  /** Answer POST with 404, as services without OAuth2 do. */
  noOAuth2?: boolean;
  /** `expires_in` to send; omitted when unset (the client must assume 60 s). */
  expiresIn?: number;
  /** Name the token `access_token` instead of `token`. */
  accessTokenField?: boolean;
}

export interface TokenRequestRecord {
  method: string;
  /** Who the request authenticated as; undefined for anonymous. */
  user?: string;
  grantType?: string;
  service?: string;
  scopes: string[];
  /** The `access` claim granted. */
  granted: { type: string; name: string; actions: string[] }[];
  authorization?: string;
}

export interface TokenServer {
  /** `http://127.0.0.1:<port>/token` */
  readonly realm: string;
  readonly service: string;
  /** The raw `auth` section for startRegistry({ auth }). */
  readonly registryAuth: Record<string, unknown>;
  readonly requests: TokenRequestRecord[];
  /** The live options: tests may change them between requests. */
  readonly options: TokenServerOptions;
  stop(): Promise<void>;
}

const SERVICE = 'test-registry';
/** The real clock, taken at load: a test may move `Date.now` to age the client's tokens. */
const wallClock = Date.now;
const ISSUER = 'test-token-issuer';

export async function startTokenServer(
  options: TokenServerOptions,
  certDir: string,
): Promise<TokenServer> {
  const { cert, key } = makeCertificate(certDir, 'token-signer');
  const privateKey = createPrivateKey(readFileSync(key));
  const x5c = [new X509Certificate(readFileSync(cert)).raw.toString('base64')];
  const requests: TokenRequestRecord[] = [];

  const sign = (subject: string, access: TokenRequestRecord['granted']): string => {
    const now = Math.floor(wallClock() / 1000);
    const header = { typ: 'JWT', alg: 'RS256', x5c };
    const claims = {
      iss: ISSUER,
      sub: subject,
      aud: SERVICE,
      exp: now + 300,
      nbf: now - 10,
      iat: now,
      jti: randomUUID(),
      access,
    };
    const encode = (part: object): string =>
      Buffer.from(JSON.stringify(part)).toString('base64url');
    const input = `${encode(header)}.${encode(claims)}`;
    const signature = createSign('RSA-SHA256').update(input).sign(privateKey).toString('base64url');
    return `${input}.${signature}`;
  };

  const grant = (user: string | undefined, scopes: string[]): TokenRequestRecord['granted'] => {
    const granted: TokenRequestRecord['granted'] = [];
    for (const scope of scopes) {
      const [type = '', name = '', actions = ''] = scope.split(':');
      const wanted = actions.split(',').filter((a) => a !== '');
      let allowed: string[] = [];
      if (type === 'repository') {
        const own = user === undefined ? [] : (options.users[user]?.access[name] ?? []);
        allowed = [...own, ...(options.publicRepositories?.includes(name) ? ['pull'] : [])];
      } else if (
        type === 'registry' &&
        name === 'catalog' &&
        user &&
        options.users[user]?.catalog
      ) {
        allowed = ['*'];
      }
      const actionsGranted = wanted.filter((a) => allowed.includes(a) || allowed.includes('*'));
      if (actionsGranted.length > 0) granted.push({ type, name, actions: actionsGranted });
    }
    return granted;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://token');
    if (url.pathname !== '/token') return reply(res, 404, { error: 'not found' });
    let params = url.searchParams;
    let user: string | undefined;
    let grantType: string | undefined;
    const authorization = req.headers['authorization'];
    if (req.method === 'POST') {
      if (options.noOAuth2) return reply(res, 404, { error: 'no oauth2 here' });
      params = new URLSearchParams(await readBody(req));
      grantType = params.get('grant_type') ?? undefined;
      if (grantType === 'password') {
        user = check(params.get('username'), params.get('password'));
        if (user === undefined) return reply(res, 401, { error: 'invalid_grant' });
      } else if (grantType === 'refresh_token') {
        user = options.refreshTokens?.[params.get('refresh_token') ?? ''];
        if (user === undefined) return reply(res, 401, { error: 'invalid_grant' });
      } else {
        return reply(res, 400, { error: 'unsupported_grant_type' });
      }
    } else if (authorization !== undefined) {
      const decoded = Buffer.from(authorization.replace(/^Basic /i, ''), 'base64').toString();
      const colon = decoded.indexOf(':');
      user = check(decoded.slice(0, colon), decoded.slice(colon + 1));
      if (user === undefined) {
        res.setHeader('www-authenticate', 'Basic realm="token"');
        return reply(res, 401, { errors: [{ code: 'UNAUTHORIZED', message: 'bad credentials' }] });
      }
    }
    const scopes =
      req.method === 'POST'
        ? (params.get('scope') ?? '').split(' ').filter((s) => s !== '')
        : params.getAll('scope');
    const granted = grant(user, scopes);
    requests.push({
      method: req.method ?? 'GET',
      ...(user ? { user } : {}),
      ...(grantType ? { grantType } : {}),
      ...(params.get('service') ? { service: params.get('service') ?? '' } : {}),
      scopes,
      granted,
      ...(authorization ? { authorization } : {}),
    });
    const token = sign(user ?? '', granted);
    const body: Record<string, unknown> = options.accessTokenField
      ? { access_token: token }
      : { token };
    if (options.expiresIn !== undefined) body['expires_in'] = options.expiresIn;
    reply(res, 200, body);
  };

  const check = (name: string | null, password: string | null): string | undefined =>
    name !== null && options.users[name] !== undefined && options.users[name].password === password
      ? name
      : undefined;

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => reply(res, 500, { error: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  const realm = `http://127.0.0.1:${port}/token`;
  return {
    realm,
    service: SERVICE,
    registryAuth: { token: { realm, service: SERVICE, issuer: ISSUER, rootcertbundle: cert } },
    requests,
    options,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of req as AsyncIterable<Buffer>) text += chunk.toString();
  return text;
}
