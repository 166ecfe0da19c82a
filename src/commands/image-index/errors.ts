// Why `index` refused to write an index. Transport and content failures stay OciErrors.
import { CodedError } from '../../oci/errors.js';

export type IndexErrorCode =
  /** A listed reference is a blob or something else that an index cannot list. */
  | 'NOT_A_MANIFEST'
  /** Two entries are the same manifest, or name the same platform. */
  | 'DUPLICATE_ENTRY'
  /** An update was asked of something that is not an index. */
  | 'NOT_AN_INDEX'
  /** A `remove` line matches no entry of the index. */
  | 'NOTHING_REMOVED'
  /** Other writers kept replacing the index while this update was writing it. */
  | 'CONCURRENT_UPDATE';

export class IndexError extends CodedError<IndexErrorCode> {
  override readonly name = 'IndexError';
}
