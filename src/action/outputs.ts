// Step outputs go to an OutputSink: the runner's GITHUB_OUTPUT file by default, a JSON object on
// stdout for the CLI (src/cli/json-outputs.ts), so the command runners are the same for both.
import * as core from '@actions/core';

export interface OutputSink {
  /** `value` as the runner takes it: text (JSON for arrays and objects). */
  set(name: string, value: string): void;
}

export const runnerOutputs: OutputSink = { set: (name, value) => core.setOutput(name, value) };

let sink: OutputSink = runnerOutputs;

/** Sends every later output to `next` (the CLI does this before it runs a command). */
export function useOutputSink(next: OutputSink): void {
  sink = next;
}

/** Sets an output to compact JSON (arrays and objects) so later steps can fromJSON() it. */
export function setJsonOutput(name: string, value: unknown): void {
  sink.set(name, JSON.stringify(value));
}

export function setOutputs(outputs: Record<string, string | number>): void {
  for (const [name, value] of Object.entries(outputs)) sink.set(name, String(value));
}
