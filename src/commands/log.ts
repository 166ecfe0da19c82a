/** What commands print; the action adapts it to the runner's log, tests to an array. */
export interface Log {
  info(message: string): void;
  notice(message: string): void;
  warning(message: string): void;
  debug(message: string): void;
  /** Runs `body` inside a collapsible group of the log. */
  group<T>(title: string, body: () => Promise<T>): Promise<T>;
}
