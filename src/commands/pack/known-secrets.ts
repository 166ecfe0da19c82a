// The credentials a push was given (`password`, `github-token`) never travel in its artifact: a
// build step that wrote one into a file (an .npmrc for GitHub Packages, a dump of the
// environment, a log) would otherwise publish it. Every byte a push packs is searched for their
// values, whatever the file is called; the error names the file and the input, never the value.
// Files up to 1 MiB (where configs live) are also searched for the values in base64, the form
// of `auth` in a Docker config, `_auth` in an .npmrc and HTTP Basic headers.
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

/** Up to this size, a file is also searched for the values' base64 forms (three needles more each). */
export const BASE64_SEARCHED_SIZE = 1024 * 1024;

/** Finds, in one stream of bytes taken in order, the input whose value it holds. */
export type SecretSearch = (chunk: Buffer) => string | undefined;

interface Needle {
  input: string;
  bytes: Buffer;
}

export class KnownSecrets {
  private readonly plain: Needle[];
  private readonly withBase64: Needle[];

  constructor(secrets: readonly KnownSecret[]) {
    const long = secrets.filter(({ value }) => value.length >= MIN_SECRET_LENGTH);
    this.plain = long.map(({ input, value }) => ({ input, bytes: Buffer.from(value, 'utf8') }));
    this.withBase64 = this.plain.flatMap((needle) => [
      needle,
      ...base64Cores(needle.bytes).map((bytes) => ({ input: needle.input, bytes })),
    ]);
  }

  get empty(): boolean {
    return this.plain.length === 0;
  }

  /** A fresh search over one file's (or one text's) bytes; `size` decides about base64. */
  search(size = 0): SecretSearch {
    const needles = size <= BASE64_SEARCHED_SIZE ? this.withBase64 : this.plain;
    // Bytes kept from the end of one chunk, to find a value cut in two by the next.
    const keep = Math.max(0, ...needles.map(({ bytes }) => bytes.length - 1));
    let tail = Buffer.alloc(0);
    return (chunk) => {
      // Chunks may be views of a buffer that is reused: keep copies only.
      const seam = Buffer.concat([tail, chunk.subarray(0, keep)]);
      const found = needles.find(({ bytes }) => chunk.includes(bytes) || seam.includes(bytes));
      if (found !== undefined) return found.input;
      const end = Buffer.concat([tail, chunk.subarray(Math.max(0, chunk.length - keep))]);
      tail = end.subarray(Math.max(0, end.length - keep));
      return undefined;
    };
  }

  /** A search over `size` bytes that throws the refusal naming `shown` when it finds a value. */
  refuser(shown: string, blame: Blame, size: number): (chunk: Buffer) => void {
    const search = this.search(size);
    return (chunk) => {
      const input = search(chunk);
      if (input !== undefined) throw secretRefusal(shown, input, blame);
    };
  }
}

/**
 * The base64 text a value becomes wherever it stands in what is encoded: base64 turns each three
 * bytes into four characters, so a value starting at an offset of 0, 1 or 2 (mod 3) gives one
 * of three texts, of which the characters that encode its bytes alone are always the same.
 */
export function base64Cores(value: Buffer): Buffer[] {
  return [0, 1, 2].map((offset) => {
    const text = Buffer.concat([Buffer.alloc(offset), value]).toString('base64');
    const first = offset === 0 ? 0 : 1;
    const last = Math.floor((offset + value.length) / 3);
    return Buffer.from(text.slice(4 * first, 4 * last));
  });
}

export function secretRefusal(shown: string, input: string, blame: Blame): SpecError {
  return new SpecError(
    blame.input,
    blame.given,
    `no credentials, but ${shown} holds the value of the input "${input}", which is never pushed: leave that file out, or have the step that wrote it write a reference to a variable instead`,
  );
}
