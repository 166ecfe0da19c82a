// Extracts a folder layer (a gzipped tar, ORAS convention) into a staging folder that does not
// exist yet, hashing the uncompressed tar on the way for the `io.deis.oras.content.digest` check.
// The compressed stream verifies itself (size and digest, an error at its end: Fetcher.fetch's
// contract), so this never hashes it again; the caller moves nothing into place before it ended.
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { Parser, type ReadEntry } from 'tar';
import { digestAlgorithm, type Digest } from '../../oci/digest.js';
import { movedBytes } from '../../oci/young-garbage.js';
import type { Log } from '../log.js';
import { openEndedProgress, type ProgressOptions } from '../progress.js';
import { PullError } from './errors.js';
import { EntryTasks } from './entry-tasks.js';
import { BACKGROUND_MAX_BYTES } from './file-writes.js';
import { LayerWriter } from './layer-writer.js';
import { foldName } from './portable-names.js';
import { archivePrefix, entrySegments } from './tar-paths.js';
import { WriteBudget, type FolderBudget } from './write-budget.js';

export interface ExtractOptions {
  /** The layer title; entries must be it or below it. */
  title: string;
  /** The staging folder to create and fill: the layer folder until it is moved into place. */
  root: string;
  /** From `io.deis.oras.content.digest`, when the layer carries it. */
  expectedDigest?: Digest;
  /**
   * What the layer may write (the pull's unpack-limit and disk reserve); by default a budget of
   * its own with the default reserve and no limit.
   */
  budget?: FolderBudget;
  log: Log;
  /** How often unpacking reports; the defaults of transfers unless a test says otherwise. */
  progress?: ProgressOptions;
}

export interface ExtractResult {
  /** Digest and size of the uncompressed tar. */
  digest: Digest;
  size: number;
  /** Regular files and hard links written. */
  files: number;
  /** Entries skipped with a warning (devices, FIFOs, …). */
  skipped: number;
}

const GZIP_MAGIC = [0x1f, 0x8b];
/**
 * Small files created and written side by side. The file-system calls of one file wait on the
 * thread pool; one after another, 10,000 files spent most of their time waiting, and each call
 * woke a sleeping pool thread (measured: 16 at once took the folder pull's system time from 9 s
 * to about 1 s under load).
 */
const FILES_AT_ONCE = 16;
/**
 * gunzip's output pieces: each one is a call back from the thread pool, and at zlib's default
 * (16 KiB) a 191 MiB folder made 12,000 of them (a seventh of the pull's CPU, profiled). The
 * write budget is charged per piece, so it stops extraction within this much of its bound.
 */
const GUNZIP_CHUNK = 64 * 1024;

const FILE_TYPES = new Set(['File', 'OldFile', 'ContiguousFile']);

export async function extractTarGzip(
  compressed: Readable,
  options: ExtractOptions,
): Promise<ExtractResult> {
  const { title, log } = options;
  const algorithm = options.expectedDigest ? digestAlgorithm(options.expectedDigest) : 'sha256';
  const hash = createHash(algorithm);
  const prefix = archivePrefix(title);
  const writer = await LayerWriter.create(options.root, title, prefix);
  const budget = options.budget ?? (await WriteBudget.open(options.root)).forFolder(title);
  let size = 0;
  let skipped = 0;
  const progress = openEndedProgress(log, 'Unpacking', title, options.progress);
  let failure: Error | undefined;
  let sawEnd = false;
  const tasks = new EntryTasks(FILES_AT_ONCE);

  // Entries are handled strictly one after another: a link must exist before a later entry
  // could try to write through it, and the parser waits while an entry's body is unread.
  let chain: Promise<void> = Promise.resolve();
  const parser = new Parser({ strict: true, brotli: false, zstd: false });
  const fail = (error: Error): void => {
    failure ??= error;
    sink.destroy(failure);
  };
  parser.on('entry', (entry: ReadEntry) => {
    chain = chain
      .then(async () => {
        if (failure) return void entry.resume();
        if (!(await handleEntry(entry))) skipped++;
      })
      .catch((error: Error) => {
        entry.resume();
        fail(error);
      });
  });
  parser.on('eof', () => (sawEnd = true));
  const parsed = new Promise<void>((resolve, reject) => {
    parser.on('end', resolve);
    parser.on('error', (error: Error) =>
      reject(
        new PullError(
          'BAD_ARCHIVE',
          `folder layer "${title}" is not a valid tar: ${error.message}`,
          { layer: title },
        ),
      ),
    );
  });
  parsed.catch(fail);

  const handleEntry = async (entry: ReadEntry): Promise<boolean> => {
    tasks.throwFailure();
    const segments = entrySegments(entry.path, prefix, title);
    // Ordered by folded name: where the file system ignores case, `README` and `readme` are one
    // file, written in tar's order like any name written twice (see LayerWriter's collisions).
    const key = foldName(segments.join('/'));
    // Each entry takes an inode; its body is charged as tar bytes, before it is parsed.
    await budget.charge(0, 1);
    const mtime = entry.mtime instanceof Date ? entry.mtime : undefined;
    const atRoot = segments.length === 0;
    // Only a file's body is read; every other entry is let go at once, or the parser waits.
    if (!FILE_TYPES.has(entry.type)) entry.resume();
    switch (entry.type) {
      case 'File':
      case 'OldFile':
      case 'ContiguousFile': {
        if (atRoot) throw notInside(entry.path);
        const size = entry.size ?? 0;
        await tasks.clear(key);
        if (size > BACKGROUND_MAX_BYTES) {
          await writer.file(segments, entry.mode, mtime, size, entry);
          return true;
        }
        // A small file is read now (the parser waits for its body), then created and written
        // beside the next entries.
        await tasks.room();
        const body = await readBody(entry);
        tasks.start(key, () => writer.file(segments, entry.mode, mtime, size, body));
        return true;
      }
      case 'Directory':
        await tasks.clear(key);
        await writer.folder(segments, entry.mode, mtime);
        return true;
      case 'SymbolicLink':
        if (atRoot) throw notInside(entry.path);
        await tasks.clear(key);
        await writer.symlink(segments, entry.linkpath ?? '');
        return true;
      case 'Link': {
        if (atRoot) throw notInside(entry.path);
        const source = linkSource(entry);
        await tasks.clear(key, foldName(source.join('/')));
        await writer.hardLink(segments, source);
        return true;
      }
      default:
        log.warning(
          `folder layer "${title}": skipped tar entry "${entry.path}" of type ${entry.type} ` +
            `(only files, folders and links are extracted)`,
        );
        return false;
    }
  };
  /** A hard link names an archive path, under the same prefix rule as entries. */
  const linkSource = (entry: ReadEntry): string[] => {
    try {
      return entrySegments(entry.linkpath ?? '', prefix, title);
    } catch {
      throw new PullError(
        'UNSAFE_ARCHIVE',
        `folder layer "${title}": tar entry "${entry.path}" is a hard link to "${entry.linkpath}", ` +
          `which is outside the layer folder; refused`,
        { layer: title },
      );
    }
  };
  const notInside = (path: string): PullError =>
    new PullError(
      'UNSAFE_ARCHIVE',
      `folder layer "${title}": tar entry "${path}" names the layer folder itself but is not a folder; refused`,
      { layer: title },
    );

  const sink: Writable = new Writable({
    write(chunk: Buffer, _encoding, done) {
      if (size === 0 && chunk.length >= 2 && GZIP_MAGIC.every((b, i) => chunk[i] === b)) {
        done(
          new PullError('BAD_ARCHIVE', `folder layer "${title}" is compressed twice`, {
            layer: title,
          }),
        );
        return;
      }
      let look: Promise<void> | undefined;
      try {
        look = budget.charge(chunk.length);
      } catch (error) {
        done(error as Error);
        return;
      }
      hash.update(chunk);
      size += chunk.length;
      // gunzip's pieces are fresh buffers, and so are the file bodies cut from them.
      movedBytes(chunk.length);
      progress(size);
      const parse = (): void => {
        // Padding or junk after the end-of-archive blocks is hashed, not parsed.
        if (sawEnd || parser.write(chunk)) done();
        else parser.once('drain', () => done());
      };
      if (look) look.then(parse, done);
      else parse();
    },
    final(done) {
      parser.end();
      parsed
        .then(() => chain)
        .then(() => tasks.settle())
        .catch(fail)
        .then(() => done(failure), done);
    },
  });

  try {
    try {
      await pipeline(compressed, createGunzip({ chunkSize: GUNZIP_CHUNK }), sink);
    } catch (error) {
      throw failure ?? gzipError(error, title);
    }
    if (failure) throw failure;

    // Before finish(): a refused layer keeps its folders writable, so it can be removed.
    const digest = `${algorithm}:${hash.digest('hex')}` as Digest;
    if (options.expectedDigest && digest !== options.expectedDigest) {
      throw new PullError(
        'BAD_ARCHIVE',
        `folder layer "${title}": the uncompressed tar has digest ${digest}, but the layer's ` +
          `io.deis.oras.content.digest annotation says ${options.expectedDigest}`,
        { layer: title },
      );
    }
    await writer.finish();
    return { digest, size, files: writer.files, skipped };
  } catch (error) {
    // Nothing may still be writing when the caller removes the folder.
    await tasks.idle();
    await writer.idle();
    throw error;
  }
}

function gzipError(error: unknown, title: string): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code === 'string' && code.startsWith('Z_')) {
    return new PullError(
      'BAD_ARCHIVE',
      `folder layer "${title}" is not valid gzip: ${(error as Error).message}`,
      { cause: error, layer: title },
    );
  }
  return error;
}

/** The whole body of a small entry, in the pieces the parser gives. */
async function readBody(entry: ReadEntry): Promise<Buffer[]> {
  const chunks: Buffer[] = [];
  for await (const chunk of entry as AsyncIterable<Buffer>) chunks.push(chunk);
  return chunks;
}
