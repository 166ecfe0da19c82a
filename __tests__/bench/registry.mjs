// A fresh registry for one benchmark case: Debian's docker-registry (CNCF distribution 2.8) on a
// loopback port picked at run time, with its own filesystem storage. The same configuration as
// the tests' fixture (__tests__/support/registry.ts), without the auth and TLS variants.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { track } from './processes.mjs';

/**
 * Starts a registry whose config and storage live in `dir` (created, and removed by stop()).
 * @returns {Promise<{host: string, url: string, storageDir: string, cpuSeconds: () => number,
 *   stop: () => Promise<void>}>}
 */
export async function startRegistry(dir) {
  await mkdir(dir, { recursive: true });
  const storageDir = join(dir, 'storage');
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const config = {
      version: 0.1,
      log: { level: 'warn', accesslog: { disabled: true } },
      storage: {
        filesystem: { rootdirectory: storageDir },
        delete: { enabled: true },
        maintenance: { uploadpurging: { enabled: false } },
      },
      http: { secret: 'bench-secret', addr: `127.0.0.1:${port}`, headers: {} },
    };
    // JSON is valid YAML, so the registry reads it as is.
    const configFile = join(dir, 'config.yml');
    await writeFile(configFile, JSON.stringify(config, null, 2));
    // Its log goes to a file: a pipe left unread would block the registry once full. Level
    // "warn" hides the "listening on" line, so readiness is probed over HTTP instead.
    const logFile = join(dir, `registry-${attempt}.log`);
    const log = openSync(logFile, 'w');
    const child = track(
      spawn('docker-registry', ['serve', configFile], {
        stdio: ['ignore', log, log],
        detached: true,
      }),
    );
    closeSync(log);
    const host = `127.0.0.1:${port}`;
    const ready = await waitUntilReady(child, `http://${host}/v2/`);
    if (ready) {
      return {
        host,
        url: `http://${host}`,
        storageDir,
        cpuSeconds: () => cpuSeconds(child.pid),
        stop: async () => {
          await stopChild(child);
          await rm(dir, { recursive: true, force: true });
        },
      };
    }
    await stopChild(child);
    const output = readFileSync(logFile, 'utf8');
    if (attempt >= 5 || !/address already in use/.test(output)) {
      await rm(dir, { recursive: true, force: true });
      throw new Error(`docker-registry did not start: ${output || 'no output'}`);
    }
  }
}

/** CPU time (user + system) the process has used so far, from /proc (Linux). */
function cpuSeconds(pid) {
  try {
    // Fields after the command name: state is 3rd, utime the 14th and stime the 15th.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return NaN;
  }
}

/** USER_HZ: the unit of /proc/<pid>/stat times, 100 on every Linux architecture in use. */
const CLOCK_TICKS = 100;

/** Polls GET /v2/ until it answers 200, or resolves false when the process exits first. */
async function waitUntilReady(child, url) {
  let exited = false;
  child.once('exit', () => (exited = true));
  const deadline = Date.now() + 15_000;
  while (!exited && Date.now() < deadline) {
    try {
      const response = await globalThis.fetch(url);
      await response.arrayBuffer();
      if (response.status === 200) return true;
    } catch {
      // not listening yet
    }
    await sleep(25);
  }
  return false;
}

function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** A loopback port that was free a moment ago; startRegistry retries when it loses the race. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        address && typeof address === 'object'
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}
