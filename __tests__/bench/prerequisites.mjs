// The tools the benchmark runs besides Node: installed with apt-get when running as root (as
// __tests__/support/prerequisites.mjs does for the tests), otherwise named with the command
// that installs them.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { GNU_TIME } from './measure.mjs';

const NEEDED = [
  { command: 'docker-registry', pkg: 'docker-registry' },
  { command: 'skopeo', pkg: 'skopeo' },
  { command: 'curl', pkg: 'curl' },
  { command: 'openssl', pkg: 'openssl' },
  // GNU time, for the peak memory of each measured process.
  { command: GNU_TIME, pkg: 'time' },
];

const has = (command) =>
  command.startsWith('/')
    ? existsSync(command)
    : spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;

/** Resolves when every tool is there; throws with the install command otherwise. */
export function ensurePrerequisites() {
  const missing = NEEDED.filter(({ command }) => !has(command));
  if (missing.length === 0) return;
  const packages = missing.map(({ pkg }) => pkg);
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !has('apt-get')) {
    throw new Error(
      `The benchmark needs ${missing.map(({ command }) => command).join(', ')}. Install them ` +
        `(Debian/Ubuntu: sudo apt-get install -y ${packages.join(' ')}) and run it again.`,
    );
  }
  console.error(`Installing benchmark prerequisites: ${packages.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], {
    stdio: 'inherit',
    env,
  });
  const still = NEEDED.filter(({ command }) => !has(command));
  if (still.length > 0) {
    throw new Error(
      `Still missing after apt-get: ${still.map(({ command }) => command).join(', ')}`,
    );
  }
}

/** The versions the report names. */
export function toolVersions() {
  const first = (command, args) => {
    try {
      return execFileSync(command, args, { encoding: 'utf8' }).split('\n')[0].trim();
    } catch {
      return 'unknown';
    }
  };
  return {
    registry: first('docker-registry', ['--version']),
    skopeo: first('skopeo', ['--version']),
    curl: first('curl', ['--version']),
    openssl: first('openssl', ['version']),
  };
}
