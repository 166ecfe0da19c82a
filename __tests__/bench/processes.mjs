// Everything the benchmark starts or creates, so that an error, Ctrl-C or SIGTERM still stops
// the registries and measured children and removes the generated data.
import { rmSync } from 'node:fs';

const children = new Set();
const folders = new Set();

/**
 * Remembers a child process until it exits. Children are spawned `detached` (their own process
 * group), so that stopping one also stops what it started (GNU time's child, for instance).
 */
export function track(child) {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** Remembers a folder to remove at exit (removeNow() also forgets it). */
export function ownFolder(path) {
  folders.add(path);
  return {
    path,
    removeNow: () => {
      rmSync(path, { recursive: true, force: true });
      folders.delete(path);
    },
  };
}

function cleanUp() {
  for (const child of children) killGroup(child);
  children.clear();
  for (const path of folders) rmSync(path, { recursive: true, force: true });
  folders.clear();
}

function killGroup(child) {
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
}

process.on('exit', cleanUp);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.once(signal, () => {
    console.error(`\nbench: ${signal}, stopping registries and removing generated data`);
    cleanUp();
    process.exit(130);
  });
}
