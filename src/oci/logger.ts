/**
 * Where the client reports what the user should know: retries as they happen, registry `Warning`
 * headers, which credentials were used (their source, never their value), fallbacks. `info` is
 * for what a user reading the log should see, `debug` for details. Messages may quote what a
 * registry sent: the client neutralises that text (logText) before it is handed over.
 */
export interface ClientLogger {
  debug(message: string): void;
  info(message: string): void;
  warning(message: string): void;
  /** What the user should notice though nothing failed (a fallback taken); else `info`. */
  notice?(message: string): void;
  /**
   * Called with each secret the client finds on its own (a password from the Docker config or a
   * credential helper, a bearer token) before it is used, so a log can hide it should a registry
   * ever echo it back.
   */
  mask?(secret: string): void;
}

export const silentLogger: ClientLogger = { debug: () => {}, info: () => {}, warning: () => {} };
