// The temporary files and folders commands are working in right now (a push's packing folder, a
// pull's work folder). Each command removes its own when it ends, failed or not; this list is for
// the one case where it cannot: the process must exit before the command has unwound (a second
// signal, or a command stuck in work that does not listen to the cancellation).
import { removeTreeSync } from './pull/remove-tree.js';

const tracked = new Set<string>();

/** Tracks `path` until the returned function is called. */
export function trackScratch(path: string): () => void {
  tracked.add(path);
  return () => tracked.delete(path);
}

/**
 * Removes everything still tracked, at once and synchronously: no other work of this process
 * runs in between, so nothing is written into a folder while it is being removed. Returns the
 * paths it could not remove.
 */
export function removeScratchNow(): string[] {
  const left: string[] = [];
  for (const path of tracked) {
    try {
      removeTreeSync(path);
      tracked.delete(path);
    } catch {
      left.push(path);
    }
  }
  return left;
}
