// A pull never writes into a `.git` folder: git runs what it finds there (hooks, and commands
// named in .git/config such as core.fsmonitor or core.sshCommand), so a planted file would run
// code in any later git step of the job. This holds whatever allow-path-traversal says.
//
// Names are compared as the runners' file systems would resolve them, so that no spelling
// reaches the same folder: case-insensitively (NTFS, APFS and HFS+ are case-insensitive by
// default), without the trailing dots and spaces Windows drops (`.git.`, `.git `), without an
// NTFS stream suffix (`.git::$INDEX_ALLOCATION`), without the characters HFS+ ignores
// (zero-width joiners and the like), and with `git~1`, the 8.3 short name Windows gives `.git`.
// Git itself refuses the same spellings in the trees it checks out.

/** Code points HFS+ leaves out when it compares names. */
const HFS_IGNORED = /[\u200c-\u200f\u202a-\u202e\u206a-\u206f\ufeff]/gu;

/** Whether one path segment names a `.git` folder on some runner's file system. */
export function isGitFolderName(segment: string): boolean {
  const withoutStream = segment.replace(HFS_IGNORED, '').split(':')[0] ?? '';
  const name = withoutStream.replace(/[. ]+$/, '').toLowerCase();
  return name === '.git' || /^git~\d+$/.test(name);
}

/**
 * The first segment of `path` that names a `.git` folder, or undefined. Both `/` and `\` split
 * segments: on Windows both are separators, and a name is refused if any runner would read it so.
 */
export function gitSegment(path: string): string | undefined {
  return path.split(/[\\/]/).find(isGitFolderName);
}

/** Why a path with such a segment is refused, for the error message. */
export const GIT_FOLDER_REASON =
  'a pull never writes into a .git folder, since git runs what it finds there (hooks, core.fsmonitor)';
