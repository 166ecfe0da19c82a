// Docker credential helpers: `docker-credential-<name> get`, server address on stdin, JSON out.
// https://github.com/docker/docker-credential-helpers#development
import { spawn } from 'node:child_process';
import { OciError } from '../../errors.js';
import { quoted } from '../../untrusted-text.js';
import type { Credentials } from '../options.js';

/** The helper's way of saying it has nothing for this server. */
const NOT_FOUND = /credentials not found/i;
/** Username that marks the secret as an identity (refresh) token. */
const TOKEN_USERNAME = '<token>';
const TIMEOUT_MS = 30_000;
/** The exit code reported for a helper ended by a signal (our timeout). */
const KILLED = -1;

/** What the Docker CLI appends to `docker-credential-`: a plain name, never a path. */
const HELPER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * Asks `docker-credential-<helper>` for the credentials of `server`. What the helper prints is
 * never repeated, not even in an error: a failing helper may print the very credentials it was
 * asked for (`helper failed for host with user:password`). Errors name the helper and its exit.
 */
export async function runCredentialHelper(
  helper: string,
  server: string,
): Promise<Credentials | undefined> {
  if (!HELPER_NAME.test(helper)) {
    throw new OciError(
      'CREDENTIALS_ERROR',
      `the Docker config names the credential helper ${quoted(helper)}, which is not a plain name (letters, digits, '.', '_', '-'); not run`,
    );
  }
  const program = `docker-credential-${helper}`;
  const { code, stdout, stderr } = await run(program, server);
  if (code !== 0) {
    if (NOT_FOUND.test(stdout) || NOT_FOUND.test(stderr)) return undefined;
    const ended =
      code === KILLED ? `was stopped after ${TIMEOUT_MS / 1000} s` : `exited with code ${code}`;
    throw new OciError(
      'CREDENTIALS_ERROR',
      `${program} get failed for ${server}: it ${ended} (what it printed is not shown, as it may hold credentials)`,
    );
  }
  let parsed: { Username?: unknown; Secret?: unknown };
  try {
    parsed = JSON.parse(stdout) as typeof parsed;
  } catch {
    throw new OciError('CREDENTIALS_ERROR', `${program} get printed something other than JSON`);
  }
  const username = typeof parsed.Username === 'string' ? parsed.Username : '';
  const secret = typeof parsed.Secret === 'string' ? parsed.Secret : '';
  if (secret === '') return undefined;
  if (username === TOKEN_USERNAME) return { kind: 'identity-token', token: secret };
  return { kind: 'basic', username, password: secret };
}

function run(
  program: string,
  input: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, ['get'], {
      // Explicitly the environment this code sees (PATH may have been set at run time).
      env: process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    // A helper waiting on a keychain prompt must not hang the run.
    const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
    timer.unref();
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(
        new OciError(
          'CREDENTIALS_ERROR',
          error.code === 'ENOENT'
            ? `the Docker config names the credential helper "${program}", which is not on PATH`
            : `cannot run ${program}: ${error.message}`,
          { cause: error },
        ),
      );
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? KILLED, stdout, stderr });
    });
    child.stdin.on('error', () => {
      // The helper may exit without reading; its exit code tells the story.
    });
    child.stdin.end(input);
  });
}
