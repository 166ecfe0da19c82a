// Run before the tests (npm's pretest): the tests need a real registry, an independent client,
// openssl for certificates and htpasswd for basic auth.
import { ensureTools } from './tools.mjs';

try {
  ensureTools(
    [
      { command: 'docker-registry', pkg: 'docker-registry' },
      { command: 'skopeo', pkg: 'skopeo' },
      { command: 'openssl', pkg: 'openssl' },
      { command: 'htpasswd', pkg: 'apache2-utils' },
      { command: 'curl', pkg: 'curl' },
    ],
    'The tests',
  );
} catch (error) {
  console.error(error.message);
  process.exit(1);
}
