import { logText } from '../oci/untrusted-text.js';

/**
 * One line for ::error::, with the causes that add information. Neutralised as a whole, since a
 * message may quote a registry's answer or a name from an artifact.
 */
export function formatError(error: unknown): string {
  if (!(error instanceof Error)) return logText(String(error));
  let message = error.message;
  let cause = error.cause;
  while (cause instanceof Error) {
    if (!message.includes(cause.message)) message += `: ${cause.message}`;
    cause = cause.cause;
  }
  return logText(message);
}
