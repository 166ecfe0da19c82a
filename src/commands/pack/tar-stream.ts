// The archive of a folder as a stream of large chunks. Small files are read a few ahead, so the
// thread pool overlaps their open/read/close instead of the stream waiting on each in turn, and
// output is gathered into batches of about 1 MiB: every chunk written to zlib is one trip to
// the thread pool, and a tar of 10,000 small files would otherwise make 30,000 of them.
import { FileChangedError, openChecked, readChecked, type CheckedFile } from './checked-file.js';
import { encodeHeader, END_OF_ARCHIVE, padding } from './tar-header.js';
import type { FolderItem } from './folder-walk.js';

const BATCH_SIZE = 1024 * 1024;
/** Files up to this size are read whole (read ahead); larger ones are streamed. */
const SMALL_FILE = 1024 * 1024;
/** How many small files may be read ahead of the one being archived. */
const READ_AHEAD = 8;

/** Gives, for an entry's name and size, what sees each chunk of its content (and may throw). */
export type ContentWatch = (name: string, size: number) => (chunk: Buffer) => void;

/**
 * The archive of `items` as a stream of chunks. Memory is bounded by the batch and the small
 * files read ahead. Fails when a file changed (size, or identity) since it was listed.
 */
export async function* tarChunks(
  items: readonly FolderItem[],
  watch?: ContentWatch,
): AsyncGenerator<Buffer> {
  const batch = new Batch(BATCH_SIZE);
  const ahead = new Map<number, Promise<Buffer>>();
  const readAhead = (index: number): void => {
    const item = items[index];
    if (item?.entry.type !== 'file' || item.source === undefined) return;
    if (item.entry.size > SMALL_FILE) return;
    const read = readSmallFile(item.source);
    read.catch(() => undefined); // awaited in turn below; an abandoned read must not crash
    ahead.set(index, read);
  };
  for (let i = 0; i < READ_AHEAD; i++) readAhead(i);

  for (let i = 0; i < items.length; i++) {
    readAhead(i + READ_AHEAD);
    const { entry, source } = items[i] as FolderItem;
    yield* batch.add(encodeHeader(entry));
    if (entry.type !== 'file' || source === undefined) continue;
    const inspect = watch?.(entry.name, entry.size);
    const small = ahead.get(i);
    ahead.delete(i);
    if (small !== undefined) {
      const content = await small;
      inspect?.(content);
      yield* batch.add(content);
    } else {
      for await (const chunk of readChecked(source)) {
        inspect?.(chunk);
        yield* batch.add(chunk);
      }
    }
    yield* batch.add(padding(entry.size));
  }
  yield* batch.add(END_OF_ARCHIVE);
  yield* batch.flush();
}

async function readSmallFile(source: CheckedFile): Promise<Buffer> {
  const { size } = source.identity;
  const file = await openChecked(source);
  try {
    // One byte more than expected tells a file that grew.
    const buffer = Buffer.allocUnsafe(size + 1);
    let filled = 0;
    while (filled < buffer.length) {
      const { bytesRead } = await file.read(buffer, filled, buffer.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    if (filled > size) throw new FileChangedError(source.path, `grew past ${size} bytes`);
    if (filled < size)
      throw new FileChangedError(source.path, `shrank to ${filled} of ${size} bytes`);
    return buffer.subarray(0, size);
  } finally {
    await file.close();
  }
}

/** Gathers small pieces into chunks of at least `size` bytes. */
class Batch {
  private pieces: Buffer[] = [];
  private length = 0;

  constructor(private readonly size: number) {}

  *add(piece: Buffer): Generator<Buffer> {
    this.pieces.push(piece);
    this.length += piece.length;
    if (this.length >= this.size) yield* this.flush();
  }

  *flush(): Generator<Buffer> {
    if (this.length === 0) return;
    const chunk =
      this.pieces.length === 1
        ? (this.pieces[0] as Buffer)
        : Buffer.concat(this.pieces, this.length);
    this.pieces = [];
    this.length = 0;
    yield chunk;
  }
}
