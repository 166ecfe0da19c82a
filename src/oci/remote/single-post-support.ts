// What a registry client has learnt of a registry's single POST (see single-post.ts), kept apart
// from the upload code so that the client can hold it without importing what uses the client.

/** What a registry does with a single POST, as far as this client knows. */
export class SinglePostSupport {
  private supported: boolean | undefined;
  private probe: { done: Promise<void>; end: () => void } | undefined;

  /**
   * 'use' or 'skip' when known. 'probe' while unknown: this caller finds out, and must call
   * `endProbe` when done (after `learn` if the answer told); the other callers wait for it.
   */
  async turn(signal?: AbortSignal): Promise<'use' | 'skip' | 'probe'> {
    while (this.probe !== undefined) await settledOrAborted(this.probe.done, signal);
    if (this.supported !== undefined) return this.supported ? 'use' : 'skip';
    let end!: () => void;
    const done = new Promise<void>((resolve) => (end = resolve));
    this.probe = { done, end };
    return 'probe';
  }

  learn(supported: boolean): void {
    this.supported = supported;
  }

  /** The probe is over, whether or not it learnt anything (a failure leaves it unknown). */
  endProbe(): void {
    const probe = this.probe;
    this.probe = undefined;
    probe?.end();
  }
}

/** Resolves when `promise` settles, or rejects with the signal's reason when it aborts first. */
function settledOrAborted(promise: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (signal === undefined) return promise;
  return new Promise((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    if (signal.aborted) {
      onAbort();
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    void promise.then(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
  });
}
