/** One line for ::error::, with the causes that add information. */
export function formatError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  let message = error.message;
  let cause = error.cause;
  while (cause instanceof Error) {
    if (!message.includes(cause.message)) message += `: ${cause.message}`;
    cause = cause.cause;
  }
  return message;
}
