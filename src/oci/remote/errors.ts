// Turning a registry's refusal into a RegistryError with a stable code and a useful hint.
// Error body: https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#error-codes
import { RegistryError, type OciErrorCode, type RegistryErrorDetail } from '../errors.js';
import { formatDuration } from '../units.js';
import { errorChain } from './retry.js';

/** What was being done, on what: the subject of every message. */
export interface Operation {
  operation: string;
  reference: string;
}

const NOT_FOUND_CODES = new Set(['MANIFEST_UNKNOWN', 'BLOB_UNKNOWN', 'NAME_UNKNOWN']);
const MAX_ERROR_BODY = 64 * 1024;

/** The registry's `errors[]`, or the start of a plain-text body as one UNKNOWN entry. */
export function parseErrorBody(text: string): RegistryErrorDetail[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  try {
    const parsed = JSON.parse(trimmed) as { errors?: unknown };
    if (Array.isArray(parsed.errors)) {
      return parsed.errors
        .filter((e): e is Record<string, unknown> => typeof e === 'object' && e !== null)
        .map((e) => ({
          code: typeof e['code'] === 'string' ? e['code'] : 'UNKNOWN',
          ...(typeof e['message'] === 'string' ? { message: e['message'] } : {}),
          ...(e['detail'] !== undefined ? { detail: e['detail'] } : {}),
        }));
    }
  } catch {
    // Not JSON: fall through to plain text.
  }
  const snippet = trimmed.replace(/\s+/g, ' ').slice(0, 200);
  return [{ code: 'UNKNOWN', message: snippet }];
}

/**
 * Reads at most 64 KiB of an error body as text. The rest is not read: leaving the loop destroys
 * the body (and its connection), since a body that never ends would hold the request forever.
 */
export async function readErrorBody(body: AsyncIterable<Buffer | Uint8Array>): Promise<string> {
  const parts: Buffer[] = [];
  let length = 0;
  for await (const chunk of body) {
    const buffer = Buffer.from(chunk);
    parts.push(buffer.subarray(0, MAX_ERROR_BODY - length));
    length += buffer.length;
    if (length >= MAX_ERROR_BODY) break;
  }
  return Buffer.concat(parts).toString('utf8');
}

export function codeFor(status: number | undefined, errors: RegistryErrorDetail[]): OciErrorCode {
  const registryCode = errors[0]?.code;
  if (registryCode !== undefined && NOT_FOUND_CODES.has(registryCode)) return 'NOT_FOUND';
  if (registryCode === 'UNSUPPORTED' || status === 405) return 'UNSUPPORTED';
  if (registryCode === 'DENIED' || status === 403) return 'DENIED';
  if (registryCode === 'UNAUTHORIZED' || status === 401) return 'UNAUTHORIZED';
  if (status === 404) return 'NOT_FOUND';
  if (status === 413) return 'SIZE_LIMIT_EXCEEDED';
  if (registryCode === 'DIGEST_INVALID') return 'DIGEST_MISMATCH';
  if (registryCode === 'SIZE_INVALID') return 'SIZE_MISMATCH';
  return 'REGISTRY_ERROR';
}

export interface HintContext {
  /** `host[:port]` of the registry. */
  registry: string;
  repository?: string;
  /** Whether any credentials were offered. */
  authenticated: boolean;
  /** Where they came from ('the "username" and "password" inputs', a Docker config file). */
  credentialsSource?: string;
}

export function hintFor(
  code: OciErrorCode,
  errors: RegistryErrorDetail[],
  context: HintContext,
): string | undefined {
  const host = context.registry.replace(/:\d+$/, '');
  if (errors.some((e) => e.code === 'NAME_UNKNOWN') && host.endsWith('.amazonaws.com')) {
    return `Amazon ECR does not create repositories on push: create the repository${
      context.repository ? ` "${context.repository}"` : ''
    } first (aws ecr create-repository)`;
  }
  const from =
    context.credentialsSource === undefined ? '' : ` (from ${context.credentialsSource})`;
  if (errors.some((e) => e.code === 'MANIFEST_BLOB_UNKNOWN')) {
    return 'the registry does not hold blobs this manifest lists, though their upload was answered as stored: push again; should it keep failing, the registry (or a proxy in front of it) loses what it is sent';
  }
  if (code === 'UNAUTHORIZED') {
    return context.authenticated
      ? `the registry rejected the credentials for ${context.registry}${from}: check the username and password or token, and that it has not expired`
      : `${context.registry} requires credentials: give a username and password (or token), or log in so the Docker config holds them`;
  }
  if (code === 'DENIED') {
    if (host === 'ghcr.io') {
      return 'on GitHub Actions, the job needs `permissions: packages: write` to push (and the package must grant the repository access)';
    }
    return `the credentials for ${context.registry}${from} lack the rights for this operation`;
  }
  return undefined;
}

/**
 * A registry that kept answering 429 through every attempt: it limits this client (Docker Hub's
 * pull limits last hours), so what helps is time, or fewer requests at once.
 */
export function rateLimitHint(
  attempts: number,
  retryAfterMs: number | undefined,
  capMs: number,
): string {
  const asked =
    retryAfterMs !== undefined && retryAfterMs > capMs
      ? ` and asked for a wait of ${formatDuration(retryAfterMs)} (Retry-After), longer than the longest wait between attempts (${formatDuration(capMs)})`
      : '';
  const answered = attempts > 1 ? 'kept answering' : 'answered';
  const gaveUp = attempts > 1 ? `; gave up after ${attempts} attempts` : '';
  return (
    `the registry ${answered} HTTP 429 (too many requests)${asked}${gaveUp}. ` +
    'It is limiting requests from this runner: run the job again later, or lower "concurrency"'
  );
}

/**
 * What to check when a host could not be reached at all: its name (DNS), or whether anything
 * listens at its address. Undefined for other network failures (a reset, a timeout). `service`
 * is the registry's own host unless given (a token service, named so).
 */
export function unreachableHint(
  error: unknown,
  host: string,
  service?: string,
): string | undefined {
  for (const { code, hostname } of errorChain(error)) {
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
      const name = typeof hostname === 'string' ? hostname : host;
      return service === undefined
        ? `the host name ${name} could not be resolved (DNS): check the registry's name (input "registry", or the host in "reference")`
        : `the host name ${name} of ${service} could not be resolved (DNS)`;
    }
    if (code === 'ECONNREFUSED') {
      return service === undefined
        ? `nothing accepts connections at ${host}: check the registry's host and port, and that it is running`
        : `nothing accepts connections at ${host}, ${service}: it is down, or the registry names a wrong one`;
    }
  }
  return undefined;
}

export interface ErrorResponse {
  status: number;
  body?: string;
  /** `error="…"` from a Bearer challenge, e.g. insufficient_scope. */
  challengeError?: string;
}

export function registryError(
  what: Operation,
  response: ErrorResponse,
  context: HintContext,
  extra: { hint?: string; code?: OciErrorCode; attempts?: number } = {},
): RegistryError {
  const errors = parseErrorBody(response.body ?? '');
  if (response.challengeError !== undefined && !errors.some((e) => e.code !== 'UNKNOWN')) {
    errors.unshift({ code: 'UNAUTHORIZED', message: `token ${response.challengeError}` });
  }
  let code = extra.code ?? codeFor(response.status, errors);
  // A valid login without the rights asked for: the registry says 401 insufficient_scope.
  if (
    code === 'UNAUTHORIZED' &&
    response.challengeError === 'insufficient_scope' &&
    context.authenticated
  ) {
    code = 'DENIED';
  }
  const hint = extra.hint ?? hintFor(code, errors, context);
  return new RegistryError(code, {
    ...what,
    status: response.status,
    errors,
    ...(hint === undefined ? {} : { hint }),
    ...(extra.attempts === undefined ? {} : { attempts: extra.attempts }),
  });
}
