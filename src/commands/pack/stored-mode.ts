// The permission bits an artifact stores: whether a file is executable, and nothing else a file
// system happens to report. Windows has no execute bit and reports folders as it likes (a tar
// packed there and read on Linux once gave folders rw-r--r--, which cannot be entered); umasks
// differ between runners. So, as git does, only the owner's execute bit of a file is kept: the
// same files give the same digest on Linux, macOS and Windows (an executable excepted, which
// Windows cannot tell), and every pull gets folders it can enter and files it can read.

export const FOLDER_MODE = 0o755;
export const FILE_MODE = 0o644;
export const EXECUTABLE_MODE = 0o755;
/** What Linux reports for every link; macOS says 0755, Windows 0666. A link's mode means nothing. */
export const LINK_MODE = 0o777;

export type StoredKind = 'file' | 'directory' | 'symlink';

/** The mode stored for an entry of `kind` whose mode on disk is `diskMode`. */
export function storedMode(
  kind: StoredKind,
  diskMode: number,
  platform: NodeJS.Platform = process.platform,
): number {
  switch (kind) {
    case 'directory':
      return FOLDER_MODE;
    case 'symlink':
      return LINK_MODE;
    case 'file':
      return isExecutable(diskMode, platform) ? EXECUTABLE_MODE : FILE_MODE;
  }
}

/** The owner may execute it, on a system that has the bit (Windows reports one it made up). */
export function isExecutable(
  diskMode: number,
  platform: NodeJS.Platform = process.platform,
): boolean {
  return platform !== 'win32' && (diskMode & 0o100) !== 0;
}
