// Why a pull refused to go on. The client's OciError covers transport and content; these cover
// what the pull itself decides (unsafe paths, archives, existing files).

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
  /** The reference resolved to another digest than the expected one. */
  | 'UNEXPECTED_DIGEST'
  /** An index, or a manifest this command cannot read. */
  | 'UNSUPPORTED_MANIFEST';

export class PullError extends Error {
  readonly code: PullErrorCode;

  constructor(code: PullErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PullError';
    this.code = code;
  }
}
