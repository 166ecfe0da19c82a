#!/usr/bin/env node
// The `oci-artifact` command (package.json `bin`, bundled into dist/cli/index.js): the action's
// commands from a shell or another CI system. See src/cli/main.ts.
import { text } from 'node:stream/consumers';
import { runCli } from './cli/main.js';

const stdout = process.stdout.write.bind(process.stdout);

process.exitCode = await runCli({
  argv: process.argv.slice(2),
  env: process.env,
  stdout: (output) => stdout(output),
  stderr: (line) => process.stderr.write(`${line}\n`),
  readStdin: () => text(process.stdin),
  divertStdout(divert) {
    // stdout is the JSON's alone; what libraries print there through @actions/core
    // (@actions/glob's `::debug::` lines) goes to the log instead.
    process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
      divert(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      const callback = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
      callback?.();
      return true;
    }) as typeof process.stdout.write;
  },
});
