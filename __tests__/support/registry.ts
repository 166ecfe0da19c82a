// Starts a real registry (CNCF distribution 2.8, Debian's docker-registry) on a loopback port
// picked at run time, with its own storage, for the length of a test file.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort } from './free-port.js';
import { makeTempDir } from './temp.js';

export interface RegistryOptions {
  /** htpasswd basic auth with this user. */
  htpasswd?: { username: string; password: string };
  /** Raw `auth` section for other schemes (the token server fixture uses it). */
  auth?: Record<string, unknown>;
  /** Serve HTTPS with a self-signed certificate made now. */
  tls?: boolean;
  /** Allow DELETE; on by default. */
  deleteEnabled?: boolean;
}

export interface Registry {
  /** `127.0.0.1:<port>` */
  readonly host: string;
  readonly port: number;
  /** `http://…` or `https://…` */
  readonly url: string;
  /** Root of the filesystem storage driver. */
  readonly storageDir: string;
  /** PEM of the self-signed certificate when `tls` is on. */
  readonly caFile?: string;
  /** Path of a blob's bytes inside the storage, to alter content at rest. */
  blobPath(digest: string): string;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export function makeCertificate(dir: string, name = 'registry'): { cert: string; key: string } {
  const cert = join(dir, `${name}.crt`);
  const key = join(dir, `${name}.key`);
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-sha256',
      '-days',
      '2',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { stdio: 'ignore' },
  );
  return { cert, key };
}

export async function startRegistry(options: RegistryOptions = {}): Promise<Registry> {
  const dir = await makeTempDir('oci-registry-');
  try {
    const storageDir = join(dir.path, 'storage');
    const http: Record<string, unknown> = { secret: 'test-secret', headers: {} };
    let caFile: string | undefined;
    if (options.tls) {
      const { cert, key } = makeCertificate(dir.path);
      http['tls'] = { certificate: cert, key };
      caFile = cert;
    }
    let auth = options.auth;
    if (options.htpasswd) {
      const line = execFileSync('htpasswd', [
        '-Bbn',
        options.htpasswd.username,
        options.htpasswd.password,
      ])
        .toString()
        .trim();
      const file = join(dir.path, 'htpasswd');
      await writeFile(file, `${line}\n`);
      auth = { htpasswd: { realm: 'test-registry', path: file } };
    }

    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const config = {
        version: 0.1,
        log: { level: 'info', accesslog: { disabled: true } },
        storage: {
          filesystem: { rootdirectory: storageDir },
          delete: { enabled: options.deleteEnabled ?? true },
          maintenance: { uploadpurging: { enabled: false } },
        },
        http: { ...http, addr: `127.0.0.1:${port}` },
        ...(auth ? { auth } : {}),
      };
      // JSON is valid YAML, so the registry reads it as is.
      const configFile = join(dir.path, 'config.yml');
      await writeFile(configFile, JSON.stringify(config, null, 2));
      const child = spawn('docker-registry', ['serve', configFile], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      running.add(child);
      const started = await waitForListening(child);
      if (started === true) {
        const host = `127.0.0.1:${port}`;
        return {
          host,
          port,
          url: `${options.tls ? 'https' : 'http'}://${host}`,
          storageDir,
          ...(caFile ? { caFile } : {}),
          blobPath: (digest) => {
            const [algorithm, hex = ''] = digest.split(':');
            return join(
              storageDir,
              'docker/registry/v2/blobs',
              algorithm ?? 'sha256',
              hex.slice(0, 2),
              hex,
              'data',
            );
          },
          stop: async () => {
            await stopChild(child);
            await dir.remove();
          },
        };
      }
      await stopChild(child);
      if (attempt >= 5 || !/address already in use/.test(started)) {
        throw new Error(`docker-registry did not start: ${started}`);
      }
    }
  } catch (error) {
    await dir.remove();
    throw error;
  }
}

/** Resolves true once the registry logs that it listens, or with its output when it exits. */
function waitForListening(child: ChildProcess): Promise<true | string> {
  return new Promise((resolve) => {
    let output = '';
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (/listening on/.test(output)) {
        child.stderr?.off('data', onData);
        child.stdout?.off('data', onData);
        child.stderr?.resume();
        child.stdout?.resume();
        resolve(true);
      }
    };
    child.stderr?.on('data', onData);
    child.stdout?.on('data', onData);
    child.once('exit', () => resolve(output || 'exited without output'));
    child.once('error', (error) => resolve(error.message));
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  running.delete(child);
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
