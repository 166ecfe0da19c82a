// The modes a push stores, decided the same way for what Linux, macOS and Windows report.
import {
  EXECUTABLE_MODE,
  FILE_MODE,
  FOLDER_MODE,
  LINK_MODE,
  storedMode,
} from '../../../src/commands/pack/stored-mode.js';

describe('storedMode', () => {
  it.each([
    ['linux', 'directory', 0o40700, FOLDER_MODE],
    ['linux', 'directory', 0o40644, FOLDER_MODE],
    ['linux', 'file', 0o100600, FILE_MODE],
    ['linux', 'file', 0o100664, FILE_MODE],
    ['linux', 'file', 0o100744, EXECUTABLE_MODE],
    ['linux', 'file', 0o104755, EXECUTABLE_MODE],
    ['linux', 'file', 0o100645, FILE_MODE],
    ['darwin', 'symlink', 0o120755, LINK_MODE],
    ['linux', 'symlink', 0o120777, LINK_MODE],
    // Windows reports modes it makes up from attributes: no execute bit means anything there.
    ['win32', 'directory', 0o40666, FOLDER_MODE],
    ['win32', 'file', 0o100666, FILE_MODE],
    ['win32', 'file', 0o100777, FILE_MODE],
    ['win32', 'file', 0o100444, FILE_MODE],
    ['win32', 'symlink', 0o120666, LINK_MODE],
  ] as const)('%s: a %s reported as %o is stored as %o', (platform, kind, disk, stored) => {
    expect(storedMode(kind, disk, platform)).toBe(stored);
  });
});
