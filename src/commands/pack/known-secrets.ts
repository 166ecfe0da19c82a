// The credentials a push was given (`password`, `github-token`) never travel in its artifact: a
// build step that wrote one into a file (an .npmrc for GitHub Packages, a dump of the
// environment, a log) would otherwise publish it. Every byte a push packs is searched for their
// values, whatever the file is called; the error names the file and the input, never the value.
import { SpecError } from './spec-error.js';
import type { Blame } from './workspace.js';

/** A secret value and the input that gave it. */
export interface KnownSecret {
  input: string;
  value: string;
}

/**
 * Shorter values are not searched for: a human password of a few letters may well occur in
 * data by chance, while the tokens registries and GitHub issue are 36 characters and more.
 */
export const MIN_SECRET_LENGTH = 16;

/** Finds, in one stream of bytes taken in order, the input whose value it holds. */
export type SecretSearch = (chunk: Buffer) => string | undefined;

export class KnownSecrets {
  private readonly needles: { input: string; bytes: Buffer }[];
  /** Bytes kept from the end of one chunk, to find a value cut in two by the next. */
  private readonly keep: number;

  constructor(secrets: readonly KnownSecret[]) {
    this.needles = secrets
      .filter(({ value }) => value.length >= MIN_SECRET_LENGTH)
      .map(({ input, value }) => ({ input, bytes: Buffer.from(value, 'utf8') }));
    this.keep = Math.max(0, ...this.needles.map(({ bytes }) => bytes.length - 1));
  }

  get empty(): boolean {
    return this.needles.length === 0;
  }

  /** A fresh search over one file's (or one text's) bytes. */
  search(): SecretSearch {
    let tail = Buffer.alloc(0);
    return (chunk) => {
      // Chunks may be views of a buffer that is reused: keep copies only.
      const seam = Buffer.concat([tail, chunk.subarray(0, this.keep)]);
      const found = this.needles.find(({ bytes }) => chunk.includes(bytes) || seam.includes(bytes));
      if (found !== undefined) return found.input;
      const end = Buffer.concat([tail, chunk.subarray(Math.max(0, chunk.length - this.keep))]);
      tail = end.subarray(Math.max(0, end.length - this.keep));
      return undefined;
    };
  }

  /** A search that throws the refusal naming `shown` when it finds a value. */
  refuser(shown: string, blame: Blame): (chunk: Buffer) => void {
    const search = this.search();
    return (chunk) => {
      const input = search(chunk);
      if (input !== undefined) throw secretRefusal(shown, input, blame);
    };
  }
}

export function secretRefusal(shown: string, input: string, blame: Blame): SpecError {
  return new SpecError(
    blame.input,
    blame.given,
    `no credentials, but ${shown} holds the value of the input "${input}", which is never pushed: leave that file out, or have the step that wrote it write a reference to a variable instead`,
  );
}
