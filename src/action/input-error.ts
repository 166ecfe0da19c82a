/** Bad input: names the input, what was given and what was expected. */
export class InputError extends Error {
  constructor(
    readonly input: string,
    readonly given: string,
    readonly expected: string,
  ) {
    super(
      redactUserinfo(
        `Input "${input}": ${given === '' ? 'nothing was given' : `got ${JSON.stringify(given)}`}; expected ${expected}`,
      ),
    );
    this.name = 'InputError';
  }
}

/**
 * `user:password@` before a host, as a URL carries it (`https://alice:s3cret@ghcr.io`), or any
 * `user@` after a scheme (`https://<token>@ghcr.io`); the `@` and what follows it are kept. The
 * characters are those RFC 3986 allows in userinfo, less quotes: `repo[:tag][@digest]` is none.
 */
const USERINFO =
  /(?:([a-z][a-z0-9+.-]*:\/\/)([\w.~%!$&()*+,;=:-]+)|([\w.~%!$&()*+,;=-]+:[\w.~%!$&()*+,;=:-]*))@([^\s"']*)/gi;

/** What an `@` that starts a digest is followed by (`app:v1@sha256:…` is a tag and a digest). */
const DIGEST_START = /^(sha256|sha384|sha512|blake3)(\+[a-z0-9]+)?:/i;

/**
 * The text with credentials pasted into an input shown as `***@`: an error must not print them
 * back, and the runner masks only the secrets it was told about.
 */
export function redactUserinfo(text: string): string {
  return text.replace(
    USERINFO,
    (match, scheme: string | undefined, _afterScheme, bare: string | undefined, rest: string) =>
      bare !== undefined && DIGEST_START.test(rest) ? match : `${scheme ?? ''}***@${rest}`,
  );
}

/** An input the command cannot do without, left empty: `Input "files" is required for push`. */
export class RequiredInputError extends InputError {
  constructor(input: string, command: string, expected: string) {
    super(input, '', expected);
    this.message = `Input "${input}" is required for ${command}: ${expected}`;
    this.name = 'RequiredInputError';
  }
}
