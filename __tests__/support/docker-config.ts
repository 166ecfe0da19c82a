// A Docker CLI config folder for tests, and credential helper scripts put on PATH.
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';

export interface DockerConfigJson {
  auths?: Record<string, Record<string, string>>;
  credHelpers?: Record<string, string>;
  credsStore?: string;
}

/** Writes `config.json` into `dir` (created when missing); returns `dir`. */
export async function writeDockerConfig(dir: string, config: DockerConfigJson): Promise<string> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'config.json'), JSON.stringify(config, null, 2));
  return dir;
}

/** The `auth` field: base64 of `user:password`. */
export const basicAuthField = (username: string, password: string): string =>
  Buffer.from(`${username}:${password}`).toString('base64');

export interface HelperSecrets {
  /** server address (as the helper receives it) → what `get` prints. */
  [server: string]: { Username: string; Secret: string };
}

/**
 * Writes an executable `docker-credential-<name>` into `binDir` that answers `get` from
 * `secrets`, says "credentials not found" otherwise, and appends every server asked to `log`.
 */
export async function writeCredentialHelper(
  binDir: string,
  name: string,
  secrets: HelperSecrets,
  log: string,
): Promise<string> {
  await mkdir(binDir, { recursive: true });
  const cases = Object.entries(secrets)
    .map(
      ([server, answer]) =>
        `  ${shellQuote(server)}) printf '%s' ${shellQuote(JSON.stringify({ ServerURL: server, ...answer }))} ;;`,
    )
    .join('\n');
  const script = `#!/bin/sh
[ "$1" = get ] || { echo "unsupported: $1" >&2; exit 2; }
server=$(cat)
printf '%s\\n' "$server" >> ${shellQuote(log)}
case "$server" in
${cases}
  *) echo "credentials not found in native keychain"; exit 1 ;;
esac
`;
  const file = join(binDir, `docker-credential-${name}`);
  await writeFile(file, script);
  await chmod(file, 0o755);
  return file;
}

/** Puts `dir` first on PATH; returns a function that restores the previous PATH. */
export function prependPath(dir: string): () => void {
  const previous = process.env['PATH'];
  process.env['PATH'] = `${dir}${delimiter}${previous ?? ''}`;
  return () => {
    process.env['PATH'] = previous;
  };
}

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
