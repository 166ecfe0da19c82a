/**
 * Where the client reports what the user should know: retries as they happen, registry `Warning`
 * headers, which credentials were used (their source, never their value), fallbacks. `info` is
 * for what a user reading the log should see, `debug` for details.
 */
export interface ClientLogger {
  debug(message: string): void;
  info(message: string): void;
  warning(message: string): void;
}

export const silentLogger: ClientLogger = { debug: () => {}, info: () => {}, warning: () => {} };
