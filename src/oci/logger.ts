/** Where the client reports what the user should know (registry `Warning` headers, retries). */
export interface ClientLogger {
  debug(message: string): void;
  warning(message: string): void;
}

export const silentLogger: ClientLogger = { debug: () => {}, warning: () => {} };
