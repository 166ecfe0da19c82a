// Step outputs go to an OutputSink: the runner's GITHUB_OUTPUT file by default, a JSON object on
// stdout for the CLI (src/cli/json-outputs.ts), so the command runners are the same for both.
import * as core from '@actions/core';
import type { Descriptor } from '../oci/descriptor.js';

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

/** A manifest or index a command wrote (push, attach, index), as its outputs describe it. */
export interface WrittenManifest {
  /** `host/repo` or the layout path as given. */
  name: string;
  descriptor: Descriptor;
  /** The exact bytes whose digest is `descriptor.digest`. */
  bytes: Buffer;
  artifactType: string;
  tags: readonly string[];
}

/**
 * The outputs every command that writes a manifest sets, by the same names, then `more`; returns
 * the `reference` and `manifest` outputs for the summary and the size warning.
 */
export function setWrittenOutputs(
  written: WrittenManifest,
  more: Record<string, string> = {},
): { reference: string; manifest: string } {
  const { name, descriptor } = written;
  const reference = `${name}@${descriptor.digest}`;
  const manifest = written.bytes.toString('utf8');
  setOutputs({
    digest: descriptor.digest,
    reference,
    'media-type': descriptor.mediaType,
    'artifact-type': written.artifactType,
    size: descriptor.size,
    manifest,
    tags: JSON.stringify(written.tags.map((tag) => `${name}:${tag}`)),
    ...more,
  });
  return { reference, manifest };
}
