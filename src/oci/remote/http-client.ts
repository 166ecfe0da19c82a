// Requests to one registry: finds the scheme (HTTPS, or plain HTTP when asked or when a loopback
// registry does not speak TLS), authenticates, retries what is safe to repeat, follows redirects
// without leaking credentials, and turns refusals into RegistryErrors.
import { OciError, RegistryError } from '../errors.js';
import { logText } from '../untrusted-text.js';
import { apiHost } from '../reference.js';
import { parseChallenges } from './auth/challenge.js';
import { Authorizer, isLoopbackHost } from './auth/authorizer.js';
import { BackoffGate, type GatePass } from './backoff-gate.js';
import {
  rateLimitHint,
  readErrorBody,
  registryError,
  unreachableHint,
  type Operation,
} from './errors.js';
import type { RemoteOptions } from './options.js';
import { retrying } from './retry-loop.js';
import { firstTime } from './said-once.js';
import { SinglePostSupport } from './single-post-support.js';
import {
  errorChain,
  isRetryableNetworkError,
  isRetryableStatus,
  parseRetryAfter,
} from './retry.js';
import { header, type Body, type Method, type Response, type Transport } from './transport.js';
import { formatDuration } from '../units.js';

export interface RegistryRequest {
  method: Method;
  /** `/v2/…` under the registry, or an absolute URL (an upload `Location`). */
  url: string | URL;
  headers?: Record<string, string>;
  /** Opens the body afresh; called again when the request is resent. */
  body?: () => Body;
  /** Bytes the registry processes before it answers: the answer's wait grows with them. */
  processedBytes?: number;
  /** Token scopes the request needs. */
  scopes: readonly string[];
  /** Safe to repeat on network errors and retryable statuses (GET, HEAD, manifest PUT, …). */
  repeatable: boolean;
  /**
   * false: a 429 is answered at once (the gate still closes for every other request) instead of
   * being waited out and tried again; for an endpoint whose 429 means "none here" (referrers.ts).
   */
  waitOutRateLimit?: boolean;
  /**
   * Follow 3xx; by default only a GET or HEAD does (blob storage, a moved repository), as Go's
   * client in docker and ORAS does. Never with credentials to another origin.
   */
  followRedirects?: boolean;
  signal?: AbortSignal;
  what: Operation;
}

export interface RegistryResponse {
  response: Response;
  status: number;
  /** The URL that answered, after redirects: relative `Location`s resolve against it. */
  url: URL;
  /**
   * Attempts this answer took, when known: a failure claims to have been retried only when it
   * was (an upload's PUT is not repeated here, but started over by its caller).
   */
  attempts?: number;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** A registry's warnings shown, and how much of each. */
const SHOWN_WARNINGS = 5;
const WARNING_LENGTH = 300;
const MAX_REDIRECTS = 10;

export class RegistryClient {
  readonly authorizer: Authorizer;
  /** Holds every request to this registry while it asks us to slow down (429). */
  readonly gate: BackoffGate;
  /** Whether this registry stores a small blob sent whole with the POST opening its upload. */
  readonly singlePost = new SinglePostSupport();
  private base: Promise<URL> | undefined;
  private readonly warned = new Set<string>();

  constructor(
    /** host[:port] as in the reference (`docker.io` for Docker Hub). */
    readonly registry: string,
    readonly transport: Transport,
    private readonly options: RemoteOptions,
  ) {
    this.authorizer = new Authorizer(registry, options, transport);
    this.gate = new BackoffGate(transport.policy);
  }

  /** `https://host` or `http://host`, decided by the first ping. */
  baseUrl(signal?: AbortSignal): Promise<URL> {
    this.base ??= this.ping(signal).catch((error: unknown) => {
      this.base = undefined;
      throw error;
    });
    return this.base;
  }

  async send(req: RegistryRequest): Promise<RegistryResponse> {
    const base = await this.baseUrl(req.signal);
    const url = typeof req.url === 'string' ? new URL(req.url, base) : req.url;
    let reauthenticated = false;
    return retrying<RegistryResponse>(this.transport, req.signal, async (attempt) => {
      let answer: RegistryResponse;
      let pass: GatePass;
      try {
        pass = await this.gate.pass(this.transport.signalFor(req.signal));
        answer = await this.dispatch(req, url, base);
      } catch (error) {
        if (error instanceof OciError || this.transport.stopped(req.signal)) throw error;
        if (!req.repeatable || !isRetryableNetworkError(error)) {
          throw this.networkError(req.what, error, attempt);
        }
        return {
          failed: describeFailure(req, error),
          giveUp: (attempts) => {
            throw this.networkError(req.what, error, attempts);
          },
        };
      }
      const { response, status } = answer;
      // Only the registry's own 401 says how to authenticate to it: a challenge from the host a
      // redirect led to (blob storage) would choose where the registry's credentials go.
      if (status === 401 && !reauthenticated && answer.url.origin === base.origin) {
        // Learn (or refresh) the challenge, drop the refused token, and try once more.
        await response.body.dump();
        this.authorizer.learn(parseChallenges(response.headers['www-authenticate']));
        this.authorizer.invalidate(req.scopes);
        reauthenticated = true;
        return { again: true };
      }
      const answered = (attempts: number): RegistryResponse => {
        this.reportWarnings(response);
        return { ...answer, attempts };
      };
      const discard = () => response.body.dump();
      if (status === 429) {
        // Whether or not this request is retried here, every request to the registry waits.
        this.backOff(pass, header(response, 'retry-after'), req);
        if (req.repeatable && req.waitOutRateLimit !== false) {
          const failed = describeFailure(req, status);
          return { failed, wait: { kind: 'gate' }, discard, giveUp: answered };
        }
      } else if (status < 500) {
        // Taken (or refused for another reason than load): the next 429 starts the steps over.
        this.gate.accepted(pass);
      }
      if (!req.repeatable || status === 429 || !isRetryableStatus(status)) {
        return { done: answered(attempt) };
      }
      const retryAfterMs = parseRetryAfter(header(response, 'retry-after'));
      return {
        failed: describeFailure(req, status),
        wait: { kind: 'backoff', retryAfterMs },
        discard,
        giveUp: answered,
      };
    });
  }

  /** A 429: closes the gate for everyone, and tells the user when that made them wait longer. */
  private backOff(
    pass: GatePass,
    retryAfterHeader: string | undefined,
    req: RegistryRequest,
  ): void {
    const retryAfter = parseRetryAfter(retryAfterHeader);
    const wait = this.gate.refused(pass, retryAfter);
    if (wait === undefined) return;
    const asked =
      retryAfter === undefined
        ? ''
        : retryAfter > wait
          ? ` (its Retry-After asked for ${formatDuration(retryAfter)}; that is our cap)`
          : retryAfter < wait
            ? ` (its Retry-After asked for ${formatDuration(retryAfter)}; our own back-off is longer)`
            : ' (as its Retry-After asks)';
    this.transport.logger.info(
      `${this.registry} answered HTTP 429 (too many requests) to ${req.what.operation} ${req.what.reference}: every request to it waits ${formatDuration(wait)}${asked}`,
    );
  }

  /** Reads the error body and throws the RegistryError it describes (with `hint`, when given). */
  async fail(
    answer: RegistryResponse,
    what: Operation & { repository?: string },
    hint?: string,
  ): Promise<never> {
    const { response, status } = answer;
    const body = await readErrorBody(response.body);
    const challenge = parseChallenges(response.headers['www-authenticate']).find(
      (c) => c.scheme === 'bearer',
    );
    const source = await this.authorizer.credentialsSource().catch(() => undefined);
    // A ping's answer (transport.sendRetrying) was retried through every attempt when it could be.
    const attempts =
      answer.attempts ?? (isRetryableStatus(status) ? this.transport.policy.attempts : 1);
    const retried =
      status === 429
        ? rateLimitHint(
            attempts,
            parseRetryAfter(header(response, 'retry-after')),
            this.transport.policy.maxDelayMs,
          )
        : attempts > 1
          ? `the registry kept answering HTTP ${status}; gave up after ${attempts} attempts`
          : undefined;
    throw registryError(
      { operation: what.operation, reference: what.reference },
      {
        status,
        body,
        ...(challenge?.params['error'] ? { challengeError: challenge.params['error'] } : {}),
      },
      {
        registry: this.registry,
        ...(what.repository ? { repository: what.repository } : {}),
        authenticated: source !== undefined,
        ...(source === undefined ? {} : { credentialsSource: source }),
      },
      hint !== undefined
        ? { hint }
        : retried
          ? { hint: retried, ...(attempts > 1 ? { attempts } : {}) }
          : {},
    );
  }

  /** Throws unless the status is one of `ok`; returns the answer otherwise. */
  async expect(
    answer: RegistryResponse,
    ok: readonly number[],
    what: Operation & { repository?: string },
  ): Promise<RegistryResponse> {
    if (!ok.includes(answer.status)) await this.fail(answer, what);
    return answer;
  }

  /** A transport failure as a RegistryError; `detail` says where it happened, when known. */
  networkError(what: Operation, error: unknown, attempts = 1, detail?: string): RegistryError {
    const certificate = isCertificateError(error);
    const gaveUp = attempts > 1 ? `gave up after ${attempts} attempts` : undefined;
    const hint = certificate
      ? `the TLS certificate of ${this.registry} is not trusted: give a CA file (ca-file) or, for a test registry only, skip verification (insecure)`
      : [unreachableHint(error, this.registry), detail, gaveUp]
          .filter((part) => part !== undefined)
          .join('; ');
    return new RegistryError('NETWORK_ERROR', {
      ...what,
      cause: error,
      ...(hint ? { hint } : {}),
      ...(attempts > 1 ? { attempts } : {}),
    });
  }

  /** One request, following redirects when asked; Authorization only to the registry origin. */
  private async dispatch(req: RegistryRequest, first: URL, base: URL): Promise<RegistryResponse> {
    let url = first;
    for (let hop = 0; ; hop++) {
      const headers: Record<string, string> = { ...req.headers };
      if (url.origin === base.origin) {
        const authorization = await this.authorizer.authorization(req.scopes, base, req.signal);
        if (authorization !== undefined) headers['authorization'] = authorization;
      }
      const response = await this.transport.send({
        method: req.method,
        url,
        headers,
        ...(hop === 0 && req.body ? { body: req.body } : {}),
        ...(req.processedBytes ? { processedBytes: req.processedBytes } : {}),
        ...(req.signal ? { signal: req.signal } : {}),
      });
      const location = header(response, 'location');
      const follows = req.followRedirects ?? (req.method === 'GET' || req.method === 'HEAD');
      const follow = follows && REDIRECTS.has(response.statusCode) && location;
      if (!follow) return { response, status: response.statusCode, url };
      await response.body.dump();
      if (hop >= MAX_REDIRECTS) {
        throw new RegistryError('REGISTRY_ERROR', {
          ...req.what,
          status: response.statusCode,
          hint: `more than ${MAX_REDIRECTS} redirects`,
        });
      }
      url = new URL(location, url);
    }
  }

  private async ping(signal?: AbortSignal): Promise<URL> {
    const host = apiHost(this.registry);
    const what = { operation: 'connect to', reference: this.registry };
    if (this.options.plainHttp) {
      const base = new URL(`http://${host}`);
      try {
        await this.pingAt(base, what, signal);
      } catch (error) {
        throw this.pingFailure(what, error);
      }
      return base;
    }
    const secure = new URL(`https://${host}`);
    try {
      await this.pingAt(secure, what, signal);
      return secure;
    } catch (error) {
      // Docker's rule: a loopback registry that does not speak TLS is reached over plain HTTP.
      // A certificate problem proves the server does speak TLS: that error stands. So does a
      // timeout: a plain HTTP server answers a TLS greeting at once (with an error), so a host
      // that stays silent would only cost the same wait again.
      if (
        !isLoopbackHost(secure.hostname) ||
        isCertificateError(error) ||
        isRefused(error) ||
        isTimeout(error)
      ) {
        throw this.pingFailure(what, error);
      }
      const plain = new URL(`http://${host}`);
      try {
        await this.pingAt(plain, what, signal, true);
      } catch {
        throw this.pingFailure(what, error);
      }
      if (firstTime(this.options, `plain HTTP ${this.registry}`)) {
        this.transport.logger.info(
          `${this.registry} does not speak TLS; using plain HTTP, as for any loopback registry that does not (plain-http: true says so up front)`,
        );
      }
      return plain;
    }
  }

  /** A failed ping as a RegistryError; a retryable failure was tried every attempt first. */
  private pingFailure(what: Operation, error: unknown): unknown {
    if (error instanceof RegistryError || this.transport.stopped()) return error;
    const attempts = isRetryableNetworkError(error) ? this.transport.policy.attempts : 1;
    return this.networkError(what, error, attempts);
  }

  /** `GET /v2/`: 200 (open) or 401 (challenge kept for later). */
  private async pingAt(
    base: URL,
    what: Operation,
    signal: AbortSignal | undefined,
    strict = false,
  ): Promise<void> {
    const response = await this.transport.sendRetrying(
      { method: 'GET', url: new URL('/v2/', base), ...(signal ? { signal } : {}) },
      `ping ${base.origin}`,
    );
    const status = response.statusCode;
    if (status === 401)
      this.authorizer.learn(parseChallenges(response.headers['www-authenticate']));
    this.reportWarnings(response);
    if (status === 200 || status === 401) {
      await response.body.dump();
      return;
    }
    if (base.protocol === 'http:' && (status === 400 || redirectsToHttps(response, base))) {
      // What a server that speaks only TLS answers a plain HTTP request with (Go's, nginx's), or
      // a proxy in front of it that sends plain HTTP over to HTTPS.
      await this.fail(
        { response, status, url: base },
        what,
        `${this.registry} refused a plain HTTP request: if it speaks HTTPS, leave out plain-http (or set it to false)`,
      );
    }
    if (strict || isRetryableStatus(status)) {
      await this.fail({ response, status, url: base }, what);
    }
    // Some registries answer /v2/ oddly (404); the real requests will tell.
    await response.body.dump();
  }

  /**
   * Registry `Warning: 299 - "…"` headers go to the user, once each: the first few, each
   * shortened, since the registry chooses how many and how long.
   */
  private reportWarnings(response: Response): void {
    const raw = response.headers['warning'];
    if (raw === undefined) return;
    for (const value of Array.isArray(raw) ? raw : [raw]) {
      for (const match of value.matchAll(/(\d{3})\s+\S+\s+"((?:[^"\\]|\\.)*)"/g)) {
        const text = (match[2] ?? '').replace(/\\(.)/g, '$1');
        if (match[1] !== '299' || this.warned.has(text)) continue;
        // One more than shown: the line that says the rest are left out was written.
        if (this.warned.size > SHOWN_WARNINGS) return;
        this.warned.add(text);
        if (this.warned.size > SHOWN_WARNINGS) {
          this.transport.logger.warning(
            `${this.registry} sent more warnings (Warning headers); the rest are not shown`,
          );
          return;
        }
        const shown = logText(text);
        this.transport.logger.warning(
          `${this.registry} warns: ${shown.length > WARNING_LENGTH ? `${shown.slice(0, WARNING_LENGTH)}…` : shown}`,
        );
      }
    }
  }
}

/** A redirect of a plain HTTP request to HTTPS (its Location is not followed, nor printed). */
function redirectsToHttps(response: Response, from: URL): boolean {
  const location = header(response, 'location');
  if (!REDIRECTS.has(response.statusCode) || location === undefined) return false;
  return URL.parse(location, from.href)?.protocol === 'https:';
}

function describeFailure(req: RegistryRequest, failure: unknown): string {
  const why = typeof failure === 'number' ? `HTTP ${failure}` : (failure as Error).message;
  return `${req.what.operation} ${req.what.reference}: ${why}`;
}

const CERTIFICATE_CODES =
  /^(DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT(_LOCALLY)?|CERT_.*|ERR_TLS_CERT_ALTNAME_INVALID|HOSTNAME_MISMATCH)$/;

/** The server spoke TLS but its certificate did not verify. */
export function isCertificateError(error: unknown): boolean {
  return [...errorChain(error)].some(
    (e) => typeof e.code === 'string' && CERTIFICATE_CODES.test(e.code),
  );
}

function isRefused(error: unknown): boolean {
  return [...errorChain(error)].some((e) => e.code === 'ECONNREFUSED');
}

function isTimeout(error: unknown): boolean {
  return [...errorChain(error)].some((e) => e.code === 'TRANSFER_TIMEOUT');
}
