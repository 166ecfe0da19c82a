// Run before the tests (npm's pretest): the tests need a real registry, an independent client and
// openssl. Installs them with apt-get when running as root; otherwise says what to install.
import { execFileSync, spawnSync } from 'node:child_process';

const NEEDED = [
  { command: 'docker-registry', pkg: 'docker-registry' },
  { command: 'skopeo', pkg: 'skopeo' },
  { command: 'openssl', pkg: 'openssl' },
  { command: 'htpasswd', pkg: 'apache2-utils' },
  { command: 'curl', pkg: 'curl' },
];

const has = (command) =>
  spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;

const missing = NEEDED.filter(({ command }) => !has(command));
if (missing.length > 0) {
  const packages = missing.map(({ pkg }) => pkg);
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !has('apt-get')) {
    console.error(
      `The tests need ${missing.map(({ command }) => command).join(', ')}. ` +
        `Install them (Debian/Ubuntu: sudo apt-get install -y ${packages.join(' ')}) and run npm test again.`,
    );
    process.exit(1);
  }
  console.log(`Installing test prerequisites: ${packages.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], {
    stdio: 'inherit',
    env,
  });
  const still = NEEDED.filter(({ command }) => !has(command));
  if (still.length > 0) {
    console.error(`Still missing after apt-get: ${still.map(({ command }) => command).join(', ')}`);
    process.exit(1);
  }
}
