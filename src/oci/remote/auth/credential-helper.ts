// Docker credential helpers: `docker-credential-<name> get`, server address on stdin, JSON out.
// https://github.com/docker/docker-credential-helpers#development
import { spawn } from 'node:child_process';
import { OciError } from '../../errors.js';
import type { Credentials } from '../options.js';

/** The helper's way of saying it has nothing for this server. */
const NOT_FOUND = /credentials not found/i;
/** Username that marks the secret as an identity (refresh) token. */
const TOKEN_USERNAME = '<token>';
const TIMEOUT_MS = 30_000;

export async function runCredentialHelper(
  helper: string,
  server: string,
): Promise<Credentials | undefined> {
  const program = `docker-credential-${helper}`;
  const { code, stdout, stderr } = await run(program, server);
  if (code !== 0) {
    if (NOT_FOUND.test(stdout) || NOT_FOUND.test(stderr)) return undefined;
    const said = helperMessage(stderr) ?? helperMessage(stdout);
    throw new OciError(
      'CREDENTIALS_ERROR',
      `${program} get failed for ${server} (exit code ${code})${said ? `: ${said}` : ''}`,
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

/**
 * The first line of what a failing helper printed, for the error message; nothing when it looks
 * like credentials (JSON, or mentions a secret) so a half-working helper cannot leak them.
 */
function helperMessage(output: string): string | undefined {
  const line = output.trim().split('\n')[0]?.trim().slice(0, 200) ?? '';
  if (line === '' || line.startsWith('{') || /secret|password|token/i.test(line)) return undefined;
  return line;
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
      resolve({ code: code ?? -1, stdout, stderr });
    });
    child.stdin.on('error', () => {
      // The helper may exit without reading; its exit code tells the story.
    });
    child.stdin.end(input);
  });
}
