// A blob downloaded straight into a file: in one stream, or split into parts that download side
// by side over their own connections (Range requests), each written at its offset and each
// resumed on its own when its connection is cut. The whole file is verified as one digest, hashed
// in order while the parts arrive (see InOrderDigest). Every request runs under the client's
// deadlines, retries and cancellation, like any other.
import { open, rm } from 'node:fs/promises';
import type { Descriptor } from '../descriptor.js';
import { InOrderDigest } from '../in-order-digest.js';
import type { ConnectionBudget, FetchToFileOptions } from '../target.js';
import { TaskGroup } from '../task-group.js';
import { blobWhat } from './blobs.js';
import { receiveRange, requestRange, type ByteRange } from './blob-range.js';
import type { RepositoryContext } from './context.js';
import type { RegistryResponse } from './http-client.js';
import { PartWriter } from './part-writer.js';

/** No part is smaller than this: below it, one more request costs more than it saves. */
export const MIN_PART_SIZE = 1024 * 1024;

/** [0, size) cut into at most `parts` ranges of nearly equal size, none below MIN_PART_SIZE. */
export function splitParts(size: number, parts: number): ByteRange[] {
  const count = Math.max(1, Math.min(Math.floor(parts), Math.floor(size / MIN_PART_SIZE)));
  const ranges: ByteRange[] = [];
  for (let i = 0; i < count; i++) {
    ranges.push({
      start: Math.floor((size * i) / count),
      end: Math.floor((size * (i + 1)) / count),
    });
  }
  return ranges;
}

export async function fetchBlobToFile(
  ctx: RepositoryContext,
  descriptor: Descriptor,
  path: string,
  options: FetchToFileOptions = {},
): Promise<void> {
  const what = blobWhat(ctx, descriptor);
  const whole: ByteRange = { start: 0, end: descriptor.size };
  let ranges = splitParts(descriptor.size, options.parts ?? 1);
  // The first failure stops every other part.
  const parts = new TaskGroup(options.signal);
  const signal = parts.signal;
  // Read back too: parts that arrive ahead of the digest's frontier are hashed from the file.
  const file = await open(path, 'wx+', options.mode ?? 0o644);
  let writers: PartWriter[] = [];
  try {
    // The first request tells whether the server honours Range: a 200 to the first part's range
    // is the whole blob, which is then received in one piece over this very answer.
    const first =
      ranges.length > 1
        ? await requestRange(
            ctx,
            descriptor,
            ranges[0] as ByteRange,
            0,
            { mode: 'part', acceptWhole: true, signal },
            what,
          )
        : await requestRange(ctx, descriptor, whole, 0, { mode: 'whole', signal }, what);
    if (first.status === 200) ranges = [whole];
    const mode = ranges.length > 1 ? 'part' : 'whole';
    // Sized at once: the parts then fill it in at their offsets.
    if (ranges.length > 1) await file.truncate(descriptor.size);
    const digest = new InOrderDigest(
      descriptor,
      file,
      ranges,
      `${what.operation} ${what.reference}`,
    );
    writers = ranges.map(
      (part, index) => new PartWriter(file, part.start, (offset) => digest.written(index, offset)),
    );
    let done = 0;
    const onBytes = (bytes: number): void => {
      done += bytes;
      options.onProgress?.({ descriptor, done, total: descriptor.size });
    };
    const receive = async (index: number, answer?: RegistryResponse): Promise<void> => {
      const writer = writers[index] as PartWriter;
      const sink = {
        write: (offset: number, chunk: Buffer): boolean => {
          digest.received(offset, chunk);
          return writer.push(offset, chunk);
        },
        room: () => writer.room(),
      };
      await receiveRange(
        ctx,
        descriptor,
        ranges[index] as ByteRange,
        sink,
        { mode, signal, onBytes, ...(answer ? { first: answer } : {}) },
        what,
      );
      await writer.flush();
    };
    await runParts(ranges.length, receive, first, options.connections, parts);
    await digest.verify();
  } catch (error) {
    parts.fail(error);
    await Promise.all(writers.map((writer) => writer.idle()));
    await file.close().catch(() => undefined);
    await rm(path, { force: true }).catch(() => undefined);
    throw error;
  }
  await file.close();
}

/**
 * Runs every part: the first on the blob's own connection (with the answer already there), then
 * whatever is left; the others on connections taken from `budget` while it has free ones, now
 * or as they come free. An extra connection goes back between two parts when others wait for
 * one. The first failure aborts the rest (`parts` fails) and is thrown once nothing runs any more.
 */
async function runParts(
  count: number,
  receive: (index: number, first?: RegistryResponse) => Promise<void>,
  first: RegistryResponse,
  budget: ConnectionBudget | undefined,
  parts: TaskGroup,
): Promise<void> {
  let next = 1;
  const take = (): number | undefined => (!parts.failed && next < count ? next++ : undefined);
  const worker = async (index: number, release?: () => void): Promise<void> => {
    try {
      for (let i: number | undefined = index; i !== undefined;) {
        await receive(i, i === 0 ? first : undefined);
        i = release !== undefined && budget?.contended ? undefined : take();
      }
    } finally {
      release?.();
    }
  };
  let stopWaiting: (() => void) | undefined;
  const spread = (): void => {
    stopWaiting = undefined;
    while (next < count && !parts.failed) {
      const release = budget === undefined ? () => undefined : budget.tryTake();
      if (release === undefined) break;
      const index = take() as number;
      void parts.start(() => worker(index, release));
    }
    if (next < count && !parts.failed && budget !== undefined) {
      stopWaiting = budget.onFree(spread);
    }
  };
  void parts.start(() => worker(0));
  spread();
  try {
    await parts.settle();
  } finally {
    stopWaiting?.();
  }
}
