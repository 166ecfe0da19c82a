// Errors as values with a stable kind, so callers branch on `code`, never on message text.
import { logText } from './untrusted-text.js';

export type OciErrorCode =
  | 'INVALID_REFERENCE'
  | 'INVALID_DIGEST'
  | 'INVALID_MANIFEST'
  | 'INVALID_PLATFORM'
  | 'NOT_FOUND'
  | 'UNAUTHORIZED'
  | 'DENIED'
  | 'UNSUPPORTED'
  | 'DIGEST_MISMATCH'
  | 'SIZE_MISMATCH'
  | 'SIZE_LIMIT_EXCEEDED'
  | 'REGISTRY_ERROR'
  | 'NETWORK_ERROR'
  | 'CREDENTIALS_ERROR'
  | 'LAYOUT_ERROR'
  /** Another process held a layout's lock for longer than the wait allows. */
  | 'LOCK_TIMEOUT'
  /** Other writers kept replacing what this one wrote (a registry's referrers tag index). */
  | 'CONCURRENT_UPDATE';

/** An error of a family whose members are told apart by a stable `code`. */
export abstract class CodedError<Code extends string> extends Error {
  constructor(
    readonly code: Code,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export class OciError extends CodedError<OciErrorCode> {
  override name = 'OciError';
}

/** One entry of the registry's `{"errors": [...]}` body. */
export interface RegistryErrorDetail {
  code: string;
  message?: string;
  detail?: unknown;
}

export interface RegistryErrorInit {
  /** What we were doing, e.g. "push blob sha256:ab12…" or "resolve". */
  operation: string;
  /** The reference or URL the operation was about. */
  reference: string;
  status?: number;
  errors?: RegistryErrorDetail[];
  /** What the user can do about it, when we know. */
  hint?: string;
  /** Attempts made before giving up, when the request was made more than once. */
  attempts?: number;
  cause?: unknown;
}

/** How many of a registry's `errors[]` a message quotes, and how much of each. */
const SHOWN_REGISTRY_ERRORS = 3;
const SHOWN_MESSAGE_LENGTH = 300;

/** A request the registry refused for good (after retries, where retrying made sense). */
export class RegistryError extends OciError {
  readonly operation: string;
  readonly reference: string;
  readonly status: number | undefined;
  readonly errors: RegistryErrorDetail[];
  readonly hint: string | undefined;
  /** Attempts made before giving up, when more than one (the message says so). */
  readonly attempts: number | undefined;

  constructor(code: OciErrorCode, init: RegistryErrorInit) {
    super(code, RegistryError.describe(init), { cause: init.cause });
    this.name = 'RegistryError';
    this.operation = init.operation;
    this.reference = init.reference;
    this.status = init.status;
    this.errors = init.errors ?? [];
    this.hint = init.hint;
    this.attempts = init.attempts;
  }

  /** The registry's first error code, e.g. NAME_UNKNOWN. */
  get registryCode(): string | undefined {
    return this.errors[0]?.code;
  }

  private static describe(init: RegistryErrorInit): string {
    const status = init.status === undefined ? '' : ` (HTTP ${init.status})`;
    // The registry's words are its own: neutralised, they cannot forge a log line; and only the
    // first few, shortened, so a body of 64 KiB of messages does not become the error line.
    const errors = init.errors ?? [];
    const shown = errors.slice(0, SHOWN_REGISTRY_ERRORS).map((e) => {
      const text = logText(e.message ? `${e.code}: ${e.message}` : e.code);
      return text.length > SHOWN_MESSAGE_LENGTH ? `${text.slice(0, SHOWN_MESSAGE_LENGTH)}…` : text;
    });
    const more = errors.length - shown.length;
    const details = [...shown, ...(more > 0 ? [`and ${more} more`] : [])].join('; ');
    // Not `instanceof Error`: errors from Node's core can come from another realm (vm, jest).
    const causeMessage = (init.cause as { message?: unknown } | undefined)?.message;
    const cause =
      details === '' && typeof causeMessage === 'string' ? `: ${logText(causeMessage)}` : '';
    const registry = details === '' ? '' : `: ${details}`;
    const message = `${init.operation} ${init.reference} failed${status}${registry}${cause}`;
    // Registry messages often end with a full stop already.
    return init.hint ? `${message.replace(/\.+$/, '')}. ${init.hint}` : message;
  }
}
