// `index.json` of an OCI image layout: the entry point listing the manifests, tags as
// `org.opencontainers.image.ref.name` annotations.
// https://github.com/opencontainers/image-spec/blob/v1.1.0/image-layout.md#indexjson-file
import { lstat, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { REF_NAME } from '../annotations.js';
import type { Descriptor, ImageIndex } from '../descriptor.js';
import { OciError } from '../errors.js';
import { KeyedQueue } from '../keyed-queue.js';
import { hasDescriptorShape } from '../manifest-fields.js';
import { OCI_INDEX } from '../media-types.js';
import { writeWhole } from './atomic-file.js';
import { retryWhileBusy } from './busy-retry.js';
import { LockLostError, withLock, type HeldLock, type LockOptions } from './lock-file.js';
import { checkIndexDigests } from './index-digests.js';

export const INDEX_FILE = 'index.json';
/** Present while a process updates index.json (see lock-file.ts). */
export const INDEX_LOCK_FILE = 'index.json.lock';

export function emptyIndex(): ImageIndex {
  return { schemaVersion: 2, mediaType: OCI_INDEX, manifests: [] };
}

export const refNameOf = (d: Descriptor): string | undefined => d.annotations?.[REF_NAME];

/** The descriptor as a caller should see it: without the layout's own ref.name annotation. */
export function withoutRefName(d: Descriptor): Descriptor {
  if (d.annotations === undefined || !(REF_NAME in d.annotations)) return d;
  const { [REF_NAME]: _dropped, ...rest } = d.annotations;
  const out: Descriptor = { ...d };
  if (Object.keys(rest).length > 0) out.annotations = rest;
  else delete out.annotations;
  return out;
}

export function withRefName(d: Descriptor, name: string): Descriptor {
  const plain = withoutRefName(d);
  return { ...plain, annotations: { ...plain.annotations, [REF_NAME]: name } };
}

// One queue per layout folder in this process, so its own read-modify-write cycles of index.json
// wait for each other without polling the lock file; the lock file orders them across processes.
const cycles = new KeyedQueue();

export class IndexFile {
  private readonly path: string;
  private readonly lockPath: string;

  constructor(
    private readonly root: string,
    private readonly lock: LockOptions = {},
  ) {
    this.path = join(root, INDEX_FILE);
    this.lockPath = join(root, INDEX_LOCK_FILE);
  }

  async read(): Promise<ImageIndex> {
    let text: string;
    try {
      text = await retryWhileBusy(() => readFile(this.path, 'utf8'));
    } catch (error) {
      throw new OciError('LAYOUT_ERROR', `OCI layout ${this.root}: cannot read ${INDEX_FILE}`, {
        cause: error,
      });
    }
    let index: unknown;
    try {
      index = JSON.parse(text);
    } catch {
      // Not JSON.parse's message: it quotes the text, and index.json may be a link to a secret.
      throw new OciError('LAYOUT_ERROR', `OCI layout ${this.root}: ${INDEX_FILE} is not JSON`);
    }
    if (!isIndex(index)) {
      throw new OciError(
        'LAYOUT_ERROR',
        `OCI layout ${this.root}: ${INDEX_FILE} is not an image index (expected schemaVersion 2 and a manifests array)`,
      );
    }
    checkIndexDigests(index, this.root, INDEX_FILE);
    return index;
  }

  /**
   * Applies `change` to the current entries and saves the result atomically: one cycle at a time
   * in this process (a queue) and across processes (the lock file). `change` may run more than
   * once, should the lock be taken away during a cycle.
   */
  update(change: (manifests: Descriptor[]) => Descriptor[]): Promise<void> {
    return this.locked(async (lock) => {
      const index = await this.read();
      index.manifests = change(index.manifests);
      await this.save(index, lock);
    });
  }

  /** Writes an empty index unless there is one: never over entries another writer just made. */
  createIfMissing(): Promise<void> {
    return this.locked(async (lock) => {
      const present = await lstat(this.path).then(
        () => true,
        (error: NodeJS.ErrnoException) => {
          if (error.code === 'ENOENT') return false;
          throw error;
        },
      );
      if (!present) await this.save(emptyIndex(), lock);
    });
  }

  /** Runs `body` while no other writer, in this process or another, can change index.json. */
  exclusive(body: () => Promise<void>): Promise<void> {
    return this.locked(body);
  }

  private locked(cycle: (lock: HeldLock) => Promise<void>): Promise<void> {
    return cycles.run(this.root, () =>
      withLock(this.lockPath, `OCI layout ${this.root}: ${INDEX_FILE}`, this.lock, cycle),
    );
  }

  private async save(index: ImageIndex, lock: HeldLock): Promise<void> {
    await writeWhole(this.path, JSON.stringify(index), {
      // The last moment to find out that another process took the lock as stale: the rename
      // would then replace what that process writes.
      beforeRename: async () => {
        if (!(await lock.stillHeld())) throw new LockLostError(this.lockPath);
      },
    });
  }
}

function isIndex(value: unknown): value is ImageIndex {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    v['schemaVersion'] === 2 &&
    Array.isArray(v['manifests']) &&
    v['manifests'].every(hasDescriptorShape)
  );
}

/** Entries with `tag` on `descriptor`: the tag leaves any other entry, an untagged duplicate goes. */
export function setTag(manifests: Descriptor[], descriptor: Descriptor, tag: string): Descriptor[] {
  const kept = manifests.filter(
    (d) => refNameOf(d) !== tag && !(refNameOf(d) === undefined && d.digest === descriptor.digest),
  );
  return [...kept, withRefName(entryOf(descriptor), tag)];
}

/** Lists `descriptor` by digest so it stays reachable, unless it is listed already. */
export function addUntagged(manifests: Descriptor[], descriptor: Descriptor): Descriptor[] {
  if (manifests.some((d) => d.digest === descriptor.digest)) return manifests;
  return [...manifests, withoutRefName(entryOf(descriptor))];
}

/** The descriptor fields an index.json entry carries. */
function entryOf(d: Descriptor): Descriptor {
  const out: Descriptor = { mediaType: d.mediaType, digest: d.digest, size: d.size };
  if (d.artifactType !== undefined) out.artifactType = d.artifactType;
  if (d.annotations !== undefined) out.annotations = d.annotations;
  if (d.platform !== undefined) out.platform = d.platform;
  return out;
}
