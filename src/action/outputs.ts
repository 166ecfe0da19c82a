import * as core from '@actions/core';

/** Sets an output to compact JSON (arrays and objects) so later steps can fromJSON() it. */
export function setJsonOutput(name: string, value: unknown): void {
  core.setOutput(name, JSON.stringify(value));
}

export function setOutputs(outputs: Record<string, string | number>): void {
  for (const [name, value] of Object.entries(outputs)) core.setOutput(name, String(value));
}
