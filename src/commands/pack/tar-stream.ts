import { createReadStream } from 'node:fs';
import { encodeHeader, END_OF_ARCHIVE, padding } from './tar-header.js';
import type { FolderItem } from './folder-walk.js';

/**
 * The archive of `items` as a stream of chunks: each file is read when its turn comes, so only
 * one read buffer is held at a time. Fails when a file's size changed since it was listed.
 */
export async function* tarChunks(items: readonly FolderItem[]): AsyncGenerator<Buffer> {
  for (const { entry, source } of items) {
    yield encodeHeader(entry);
    if (entry.type !== 'file' || source === undefined) continue;
    let read = 0;
    for await (const chunk of createReadStream(source) as AsyncIterable<Buffer>) {
      read += chunk.length;
      if (read > entry.size) break;
      yield chunk;
    }
    if (read !== entry.size) {
      throw new Error(
        `${source} changed while it was being packed: it had ${entry.size} bytes, then ${read > entry.size ? 'more' : read}`,
      );
    }
    yield padding(entry.size);
  }
  yield END_OF_ARCHIVE;
}
