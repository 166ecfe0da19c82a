// Makes sure the command-line tools a test or benchmark run needs are there: installs the
// missing ones with apt-get when running as root, otherwise throws naming the install command.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const has = (command) =>
  command.startsWith('/')
    ? existsSync(command)
    : spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;

/**
 * @param {{ command: string, pkg: string }[]} needed  a command (or absolute path) and its
 *   Debian package
 * @param {string} who  what needs them, for messages ("The tests", "The benchmark")
 */
export function ensureTools(needed, who) {
  const missing = needed.filter(({ command }) => !has(command));
  if (missing.length === 0) return;
  const packages = missing.map(({ pkg }) => pkg);
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !has('apt-get')) {
    throw new Error(
      `${who} need ${missing.map(({ command }) => command).join(', ')}. Install them ` +
        `(Debian/Ubuntu: sudo apt-get install -y ${packages.join(' ')}) and run again.`,
    );
  }
  console.error(`Installing what ${who.toLowerCase()} need: ${packages.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], {
    stdio: 'inherit',
    env,
  });
  const still = needed.filter(({ command }) => !has(command));
  if (still.length > 0) {
    throw new Error(
      `Still missing after apt-get: ${still.map(({ command }) => command).join(', ')}`,
    );
  }
}
