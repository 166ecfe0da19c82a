// Worker threads that deflate blocks, so a folder's compression uses every core. Each block is
// deflated on its own (with the dictionary it is given), which makes the result the same
// whichever worker, and however many, did the work. The workers' code is a few lines given as
// source text (`eval`): it needs nothing but node:zlib, and so stays inside the one bundled file
// that ncc writes, with no second file to find at run time.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/** Never more workers than this, however many cores. */
const MAX_WORKERS = 8;

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { constants, deflateRawSync } = require('node:zlib');
parentPort.on('message', (job) => {
  try {
    const deflated = deflateRawSync(job.input, {
      level: job.level,
      finishFlush: job.last ? constants.Z_FINISH : constants.Z_SYNC_FLUSH,
      chunkSize: job.input.length + 65536,
      ...(job.dictionary ? { dictionary: job.dictionary } : {}),
    });
    const output = new Uint8Array(deflated.length);
    output.set(deflated);
    parentPort.postMessage({ id: job.id, output }, [output.buffer]);
  } catch (error) {
    parentPort.postMessage({ id: job.id, error: String((error && error.message) || error) });
  }
});
`;

export interface DeflateJob {
  /** Plain bytes of the block; handed over to the worker (the caller must not use it after). */
  input: Uint8Array;
  /** The 32 KiB of plain bytes before the block, which its matches may refer back to. */
  dictionary?: Uint8Array;
  level: number;
  /** The last block ends the deflate stream (Z_FINISH); others end on a byte (Z_SYNC_FLUSH). */
  last: boolean;
}

interface Pending {
  resolve: (output: Buffer) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  pending: Map<number, Pending>;
}

export class DeflatePool {
  private readonly slots: Slot[];
  private nextId = 0;
  private closed = false;

  /** `size` workers; by default one per core (at most MAX_WORKERS). */
  constructor(size = defaultWorkers()) {
    this.slots = Array.from({ length: Math.max(1, Math.floor(size)) }, () => this.start());
  }

  get size(): number {
    return this.slots.length;
  }

  /** The block deflated by the least busy worker. */
  deflate(job: DeflateJob): Promise<Buffer> {
    if (this.closed) return Promise.reject(new Error('the deflate workers are closed'));
    const slot = this.slots.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
    const id = this.nextId++;
    return new Promise<Buffer>((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      const transfer = job.input.byteOffset === 0 ? [job.input.buffer as ArrayBuffer] : [];
      slot.worker.postMessage({ id, ...job }, transfer);
    });
  }

  /** Stops the workers; what is still pending fails. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.slots.map((slot) => slot.worker.terminate()));
  }

  private start(): Slot {
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    const slot: Slot = { worker, pending: new Map() };
    const failAll = (error: Error): void => {
      for (const pending of slot.pending.values()) pending.reject(error);
      slot.pending.clear();
    };
    worker.on('message', (message: { id: number; output?: Uint8Array; error?: string }) => {
      const pending = slot.pending.get(message.id);
      if (pending === undefined) return;
      slot.pending.delete(message.id);
      if (message.output !== undefined) {
        const { buffer, byteOffset, byteLength } = message.output;
        pending.resolve(Buffer.from(buffer, byteOffset, byteLength));
      } else {
        pending.reject(new Error(`deflate failed: ${message.error ?? 'no output'}`));
      }
    });
    worker.on('error', failAll);
    worker.on('exit', (code) => {
      if (!this.closed) failAll(new Error(`a deflate worker stopped (exit code ${code})`));
    });
    return slot;
  }
}

function defaultWorkers(): number {
  return Math.min(MAX_WORKERS, availableParallelism());
}
