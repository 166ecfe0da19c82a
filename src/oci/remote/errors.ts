// Turning a registry's refusal into a RegistryError with a stable code and a useful hint.
// Error body: https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#error-codes
import { RegistryError, type OciErrorCode, type RegistryErrorDetail } from '../errors.js';

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
  if (code === 'UNAUTHORIZED') {
    return context.authenticated
      ? `the registry rejected the credentials for ${context.registry}: check the username and password or token`
      : `${context.registry} requires credentials: give a username and password (or token), or log in so the Docker config holds them`;
  }
  if (code === 'DENIED') {
    if (host === 'ghcr.io') {
      return 'on GitHub Actions, the job needs `permissions: packages: write` to push (and the package must grant the repository access)';
    }
    return `the credentials for ${context.registry} lack the rights for this operation`;
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
