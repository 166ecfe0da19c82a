// On Windows a file that another process has open, or is deleting or replacing, cannot be
// opened, renamed over or created for a moment: EPERM, EACCES or EBUSY where POSIX systems
// would succeed. Writers of one layout folder meet exactly there (index.json, its lock file),
// so those calls are tried again for a short, bounded while, as npm's own file writes do.

const WINDOWS_BUSY_CODES = new Set(['EPERM', 'EACCES', 'EBUSY']);
/** Waits between tries: about two seconds in all. */
const PAUSES_MS = [10, 20, 40, 80, 160, 320, 640, 640];

/** Whether `error` is the passing kind of failure described above on `platform`. */
export function isTransientBusy(error: unknown, platform: NodeJS.Platform = process.platform) {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return platform === 'win32' && typeof code === 'string' && WINDOWS_BUSY_CODES.has(code);
}

/** Runs `action`, again after a pause while it fails with a transient busy error. */
export async function retryWhileBusy<T>(
  action: () => Promise<T>,
  platform: NodeJS.Platform = process.platform,
): Promise<T> {
  for (const pause of PAUSES_MS) {
    try {
      return await action();
    } catch (error) {
      if (!isTransientBusy(error, platform)) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, pause));
  }
  return action();
}
