// The tools the benchmark runs besides Node (installed as the tests' are: see
// __tests__/support/tools.mjs).
import { execFileSync } from 'node:child_process';
import { ensureTools } from '../support/tools.mjs';
import { GNU_TIME } from './measure.mjs';

const NEEDED = [
  { command: 'docker-registry', pkg: 'docker-registry' },
  { command: 'skopeo', pkg: 'skopeo' },
  { command: 'curl', pkg: 'curl' },
  { command: 'openssl', pkg: 'openssl' },
  // GNU time, for the peak memory of each measured process.
  { command: GNU_TIME, pkg: 'time' },
];

/** Returns when every tool is there; throws with the install command otherwise. */
export function ensurePrerequisites() {
  ensureTools(NEEDED, 'The benchmark');
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
