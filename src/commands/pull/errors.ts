// Why a pull refused to go on. The client's OciError covers transport and content; these cover
// what the pull itself decides (unsafe paths, archives, existing files).
import { shortDigest, type Digest } from '../../oci/digest.js';
import { CodedError, OciError } from '../../oci/errors.js';
import { quoted } from '../../oci/untrusted-text.js';

export type PullErrorCode =
  /** A layer title leaves the output folder, or a path goes through a symlink that does. */
  | 'UNSAFE_PATH'
  /** A tar entry or link target of a folder layer leaves the layer folder. */
  | 'UNSAFE_ARCHIVE'
  /** A folder layer is not a readable gzipped tar, or its uncompressed digest differs. */
  | 'BAD_ARCHIVE'
  /** `overwrite: false` and something is already where a layer goes. */
  | 'TARGET_EXISTS'
  /** Two selected layers would be written to the same place, or one inside the other. */
  | 'CONFLICTING_TITLES'
  /** With `merge`, two artifacts hold different content at one path. */
  | 'CONFLICTING_FILES'
  /** The reference resolved to another digest than the expected one. */
  | 'UNEXPECTED_DIGEST'
  /** An index, or a manifest this command cannot read. */
  | 'UNSUPPORTED_MANIFEST'
  /** Extracting a folder layer would leave the output filesystem almost full. */
  | 'DISK_RESERVE'
  /** The output filesystem ran out of space (or of quota) while a layer was written. */
  | 'DISK_FULL'
  /** The pull would write more than `unpack-limit` allows. */
  | 'UNPACK_LIMIT'
  /**
   * A title or tar entry names a file the runner's file system cannot hold: a name Windows
   * refuses, or two names a case-insensitive file system takes for one.
   */
  | 'UNPORTABLE_NAME'
  /** The runner may not create symbolic links (Windows without the privilege). */
  | 'LINKS_NOT_PERMITTED'
  /**
   * Replacing a folder failed half-way, and the folder that was there could not be put back
   * either: the message says where it is kept.
   */
  | 'NOT_RESTORED';

export class PullError extends CodedError<PullErrorCode> {
  override readonly name = 'PullError';
  /** The layer (its title) this error is about, which its message names already. */
  readonly layer: string | undefined;

  constructor(code: PullErrorCode, message: string, options: PullErrorOptions = {}) {
    super(code, message, 'cause' in options ? { cause: options.cause } : undefined);
    this.layer = options.layer;
  }
}

export interface PullErrorOptions {
  cause?: unknown;
  /** The layer the message names (see layerFailure). */
  layer?: string;
}

/**
 * The failure of one layer, its message led by the layer's name (the title, or `sha256-<hex>`)
 * and short digest, so a user of a many-file artifact sees which file failed. The kind (class
 * and `code`) is kept; an error made about a layer (PullError.layer), whose message names it
 * already, is left as it is.
 */
export function layerFailure(error: unknown, name: string, digest: Digest): unknown {
  if (error instanceof PullError && error.layer !== undefined) return error;
  // Not `instanceof Error`: errors of Node's core can come from another realm (vm, jest).
  const message = (error as { message?: unknown } | undefined)?.message;
  if (typeof message !== 'string') return error;
  const named = `layer ${quoted(name)} (${shortDigest(digest)}): ${message}`;
  if (error instanceof PullError) {
    return new PullError(error.code, named, { cause: error, layer: name });
  }
  if (error instanceof OciError) return new OciError(error.code, named, { cause: error });
  const code = (error as { code?: unknown }).code;
  return Object.assign(new Error(named, { cause: error }), code === undefined ? {} : { code });
}
