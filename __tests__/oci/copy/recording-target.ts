// A Target wrapper that records what reaches the destination, to check order and concurrency.
import type { Descriptor } from '../../../src/oci/descriptor.js';
import type { BlobSource, PushBlobOptions, Target } from '../../../src/oci/target.js';

export interface Recording {
  target: Target;
  /** Digests in the order their push finished. */
  pushed: string[];
  /** Largest number of pushBlob calls in flight at once. */
  maxInFlight: number;
  /** Digests pushed while another push of the same digest was in flight. */
  overlapping: string[];
  pushBlobCalls: string[];
}

export function recording(inner: Target): Recording {
  const inFlight = new Map<string, number>();
  let active = 0;
  const rec: Recording = {
    target: undefined as unknown as Target,
    pushed: [],
    maxInFlight: 0,
    overlapping: [],
    pushBlobCalls: [],
  };
  rec.target = Object.create(inner, {
    pushBlob: {
      value: async (d: Descriptor, source: BlobSource, options?: PushBlobOptions) => {
        rec.pushBlobCalls.push(d.digest);
        if ((inFlight.get(d.digest) ?? 0) > 0) rec.overlapping.push(d.digest);
        inFlight.set(d.digest, (inFlight.get(d.digest) ?? 0) + 1);
        active++;
        rec.maxInFlight = Math.max(rec.maxInFlight, active);
        try {
          // Let the other workers run, so a missing limit would show.
          await new Promise((resolve) => setImmediate(resolve));
          const outcome = await inner.pushBlob(d, source, options);
          rec.pushed.push(d.digest);
          return outcome;
        } finally {
          active--;
          inFlight.set(d.digest, (inFlight.get(d.digest) ?? 1) - 1);
        }
      },
    },
    pushManifest: {
      value: async (d: Descriptor, bytes: Uint8Array, tag?: string) => {
        const result = await inner.pushManifest(d, bytes, tag);
        rec.pushed.push(d.digest);
        return result;
      },
    },
  }) as Target;
  return rec;
}
