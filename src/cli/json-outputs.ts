// The outputs of one CLI run, printed as one JSON object on stdout once the command is done.
// Outputs that hold JSON text in the action (files, tags, manifest, …) are values in it, so
// `jq .files[0].digest` works without a second parse.
import type { OutputSink } from '../action/outputs.js';
import { JSON_OUTPUTS } from './action-metadata.js';

export interface JsonOutputs extends OutputSink {
  /** Output name → value, in the order they were set. */
  readonly values: Readonly<Record<string, unknown>>;
}

export function jsonOutputs(jsonNames: readonly string[] = JSON_OUTPUTS): JsonOutputs {
  const values: Record<string, unknown> = {};
  return {
    values,
    set(name, value) {
      values[name] = jsonNames.includes(name) ? parseOrKeep(value) : value;
    },
  };
}

function parseOrKeep(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
