// No password, token or Authorization header reaches an error or a log line, while the error
// still names the operation, the reference and the registry's answer.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { formatError } from '../../../src/action/format-error.js';
import { OciError } from '../../../src/oci/errors.js';
import { parseReference } from '../../../src/oci/reference.js';
import type { ClientLogger } from '../../../src/oci/logger.js';
import type { RemoteOptions } from '../../../src/oci/remote/options.js';
import { RemoteRepository } from '../../../src/oci/remote/repository.js';
import { basicAuthField, prependPath, writeDockerConfig } from '../../support/docker-config.js';
import { startProxiedRegistry, type ProxiedRegistry } from '../../support/proxied-registry.js';
import { startRegistry, type Registry } from '../../support/registry.js';
import { runAction } from '../../support/run-action.js';
import { makeTempDir } from '../../support/temp.js';
import { startTokenServer, type TokenServer } from '../../support/token-server.js';
import { blob, emptyConfig, manifest } from '../content.js';

const USER = 'alice';
const RIGHT = 'Right-Pa55word-7d1e';
const WRONG = 'Wr0ng-Pa55word-c4f2';

/** Everything a user could see of an error: its message, causes, fields and stack. */
function visible(error: unknown, logs: string[]): string {
  return [
    String(error),
    formatError(error),
    inspect(error, { depth: 10, showHidden: true }),
    JSON.stringify(error),
    ...logs,
  ].join('\n');
}

/** The secret as it would travel: plain, in a Basic header, and URL-encoded in a form. */
const forms = (user: string, secret: string): string[] => [
  secret,
  Buffer.from(`${user}:${secret}`).toString('base64'),
  encodeURIComponent(secret),
];

/** A client logger that keeps every line in `logs`, and each secret it is told to mask in `masked`. */
const loggingInto = (logs: string[], masked?: string[]): ClientLogger => ({
  debug: (m) => logs.push(m),
  info: (m) => logs.push(m),
  warning: (m) => logs.push(m),
  ...(masked && { mask: (secret: string) => masked.push(secret) }),
});

/**
 * A registry behind the fault proxy whose token service grants USER pull (not push) on team/app,
 * started for the enclosing describe; the getter gives it once started.
 */
function useTokenGuardedRegistry(tempPrefix: string): () => ProxiedRegistry {
  let tokens: TokenServer;
  let fixture: ProxiedRegistry;
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  beforeAll(async () => {
    temp = await makeTempDir(tempPrefix);
    tokens = await startTokenServer(
      { users: { [USER]: { password: RIGHT, access: { 'team/app': ['pull'] } } } },
      temp.path,
    );
    fixture = await startProxiedRegistry({ auth: tokens.registryAuth });
  });
  afterAll(async () => {
    await fixture?.stop();
    await tokens?.stop();
    await temp?.remove();
  });
  return () => fixture;
}

describe('secrets stay out of errors and logs', () => {
  let registry: Registry;
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let logs: string[];
  beforeAll(async () => {
    registry = await startRegistry({ htpasswd: { username: USER, password: RIGHT } });
    temp = await makeTempDir('oci-secrets-');
  });
  afterAll(async () => {
    await registry?.stop();
    await temp?.remove();
  });
  beforeEach(() => (logs = []));

  const open = (options: RemoteOptions): RemoteRepository =>
    new RemoteRepository(parseReference(`${registry.host}/secret/app`), {
      retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 5 },
      logger: loggingInto(logs),
      ...options,
    });

  async function pushFails(repo: RemoteRepository): Promise<unknown[]> {
    const layer = blob(`pushed at ${Math.random()}`);
    const m = manifest([layer.descriptor]);
    return Promise.all([
      repo.pushBlob(layer.descriptor, layer.source).catch((e: unknown) => e),
      repo.pushBlob(emptyConfig.descriptor, emptyConfig.source).catch((e: unknown) => e),
      repo.pushManifest(m.descriptor, m.bytes, 'v1').catch((e: unknown) => e),
    ]);
  }

  it('pushes with a wrong htpasswd password: the error names what failed, never the password', async () => {
    const repo = open({ credentials: { kind: 'basic', username: USER, password: WRONG } });
    const [blobError, , manifestError] = await pushFails(repo);
    for (const error of [blobError, manifestError]) {
      expect(error).toMatchObject({ code: 'UNAUTHORIZED', status: 401 });
      expect((error as Error).message).toMatch(/rejected the credentials/);
      const shown = visible(error, logs);
      for (const secret of forms(USER, WRONG)) expect(shown).not.toContain(secret);
    }
    expect((blobError as Error).message).toMatch(
      new RegExp(
        `^push blob ${registry.host}/secret/app@sha256:[0-9a-f]{64} failed \\(HTTP 401\\)`,
      ),
    );
    expect((manifestError as Error).message).toContain(
      `${registry.host}/secret/app:v1 failed (HTTP 401): UNAUTHORIZED: authentication required`,
    );
  });

  it('keeps a wrong password from the Docker config out of errors', async () => {
    const config = await writeDockerConfig(join(temp.path, 'wrong'), {
      auths: { [registry.host]: { auth: basicAuthField(USER, WRONG) } },
    });
    const [error] = await pushFails(open({ dockerConfigDir: config }));
    expect(error).toMatchObject({ code: 'UNAUTHORIZED' });
    for (const secret of forms(USER, WRONG)) expect(visible(error, logs)).not.toContain(secret);
  });

  it('does not quote a broken Docker config, which may hold credentials', async () => {
    const dir = join(temp.path, 'broken');
    await writeDockerConfig(dir, {});
    const auth = basicAuthField(USER, RIGHT);
    await writeFile(join(dir, 'config.json'), `{"auths": {"${registry.host}": {"auth": ${auth}}}}`);
    const error = await open({ dockerConfigDir: dir })
      .resolve('v1')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OciError);
    expect((error as Error).message).toMatch(/config\.json is not valid JSON/);
    expect(visible(error, logs)).not.toContain(auth.slice(0, 8));
  });

  it.each([
    ['JSON on stdout', `printf '{"Username":"${USER}","Secret":"${RIGHT}"}'`],
    ['a plain line on stderr', `echo "helper failed for host with ${USER}:${RIGHT}" >&2`],
  ])('never repeats what a failing credential helper printed (%s)', async (_what, prints) => {
    const bin = join(temp.path, 'bin');
    const helper = join(bin, 'docker-credential-leaky');
    await writeDockerConfig(bin, {});
    await writeFile(helper, `#!/bin/sh\ncat >/dev/null\n${prints}\nexit 3\n`, { mode: 0o755 });
    const config = await writeDockerConfig(join(temp.path, 'leaky'), { credsStore: 'leaky' });
    const restore = prependPath(bin);
    try {
      const error = await open({ dockerConfigDir: config })
        .resolve('v1')
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'UNAUTHORIZED' });
      expect(logs.join('\n')).toMatch(
        /docker-credential-leaky get failed for .*: it exited with code 3 \(what it printed is not shown/,
      );
      for (const secret of forms(USER, RIGHT)) expect(visible(error, logs)).not.toContain(secret);
      expect(visible(error, logs)).not.toContain('helper failed');
    } finally {
      restore();
    }
  });
});

describe('bearer tokens stay out of errors and logs', () => {
  const tokenGuarded = useTokenGuardedRegistry('oci-secrets-token-');

  it('a push the token does not allow fails as DENIED without the token or the password', async () => {
    const fixture = tokenGuarded();
    const logs: string[] = [];
    const repo = new RemoteRepository(parseReference(`${fixture.proxy.host}/team/app`), {
      credentials: { kind: 'basic', username: USER, password: RIGHT },
      retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 5 },
      logger: loggingInto(logs),
    });
    const layer = blob('not allowed');
    const error = await repo.pushBlob(layer.descriptor, layer.source).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'DENIED', status: 401 });
    expect((error as Error).message).toContain(
      `${fixture.proxy.host}/team/app@${layer.descriptor.digest}`,
    );
    const bearer = fixture.proxy.requests
      .map((r) => r.headers['authorization'])
      .find((h): h is string => typeof h === 'string' && h.startsWith('Bearer '));
    expect(bearer).toBeDefined();
    const shown = visible(error, logs);
    expect(shown).not.toContain(bearer!.slice('Bearer '.length));
    for (const secret of forms(USER, RIGHT)) expect(shown).not.toContain(secret);
  });
});

describe('a bearer token from the token service', () => {
  const tokenGuarded = useTokenGuardedRegistry('oci-secrets-mask-');

  it('is masked before the first request that carries it is sent', async () => {
    const fixture = tokenGuarded();
    const masked: string[] = [];
    const unmaskedAtSend: string[] = [];
    const stop = fixture.proxy.onRequest((request) => {
      const header = request.headers['authorization'];
      if (typeof header !== 'string' || !header.startsWith('Bearer ')) return;
      const token = header.slice('Bearer '.length);
      if (!masked.includes(token)) unmaskedAtSend.push(token);
    });
    try {
      const repo = new RemoteRepository(parseReference(`${fixture.proxy.host}/team/app`), {
        credentials: { kind: 'basic', username: USER, password: RIGHT },
        retry: { attempts: 1 },
        logger: {
          debug: () => {},
          info: () => {},
          warning: () => {},
          mask: (secret) => masked.push(secret),
        },
      });
      await repo.fetchManifest('v1').catch(() => undefined);
    } finally {
      stop();
    }
    const sent = fixture.proxy.requests.filter((r) =>
      String(r.headers['authorization']).startsWith('Bearer '),
    );
    expect(sent.length).toBeGreaterThan(0);
    expect(unmaskedAtSend).toEqual([]);
  });
});

describe('through the bundled action', () => {
  let registry: Registry;
  beforeAll(async () => {
    registry = await startRegistry({ htpasswd: { username: USER, password: RIGHT } });
  });
  afterAll(async () => registry?.stop());

  it('a push with a wrong password fails naming the registry answer, and logs no secret', async () => {
    const workspace = await makeTempDir('oci-secrets-ws-');
    try {
      await writeFile(join(workspace.path, 'a.txt'), 'some content');
      const run = await runAction(
        {
          command: 'push',
          reference: `${registry.host}/secret/action:v1`,
          files: 'a.txt',
          username: USER,
          password: WRONG,
        },
        { workspace: workspace.path, env: { ACTIONS_STEP_DEBUG: 'true', RUNNER_DEBUG: '1' } },
      );
      try {
        expect(run.exitCode).toBe(1);
        expect(run.errors.join('\n')).toMatch(
          new RegExp(`${registry.host}/secret/action.* failed \\(HTTP 401\\)`),
        );
        // The runner masks what `::add-mask::` names; everything else must be clean already.
        const log = `${run.stdout}\n${run.stderr}`
          .split('\n')
          .filter((line) => !line.startsWith('::add-mask::'))
          .join('\n');
        expect(log).toMatch(/::debug::/);
        for (const secret of forms(USER, WRONG)) expect(log).not.toContain(secret);
      } finally {
        await run.cleanup();
      }
    } finally {
      await workspace.remove();
    }
  });
});

describe('a registry that echoes the Authorization header back in its error body', () => {
  let fixture: ProxiedRegistry;
  beforeAll(async () => {
    fixture = await startProxiedRegistry({ htpasswd: { username: USER, password: RIGHT } });
  });
  afterAll(async () => fixture?.stop());

  it.each([
    ['given', { credentials: { kind: 'basic' as const, username: USER, password: RIGHT } }],
    ['from the Docker config', {}],
  ])('leaves nothing readable once the log masks what it was told (%s)', async (_how, given) => {
    const temp = await makeTempDir('oci-secrets-echo-');
    try {
      const config = await writeDockerConfig(temp.path, {
        auths: { [fixture.proxy.host]: { auth: basicAuthField(USER, RIGHT) } },
      });
      const echoed = `Basic ${Buffer.from(`${USER}:${RIGHT}`).toString('base64')}`;
      fixture.proxy.setRules([
        {
          method: 'GET',
          path: /\/manifests\//,
          fault: {
            kind: 'status',
            status: 403,
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              errors: [{ code: 'DENIED', message: `no access for Authorization: ${echoed}` }],
            }),
          },
        },
      ]);
      const logs: string[] = [];
      const masked: string[] = [];
      const repo = new RemoteRepository(parseReference(`${fixture.proxy.host}/echo/app`), {
        dockerConfigDir: config,
        retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 5 },
        logger: loggingInto(logs, masked),
        ...given,
      });
      // The action masks a password it was given before the client exists.
      if ('credentials' in given) masked.push(RIGHT);

      const error = await repo.fetchManifest('v1').catch((e: unknown) => e);

      expect(error).toMatchObject({ code: 'DENIED', status: 403 });
      expect((error as Error).message).toContain('no access for Authorization: Basic ');
      // What the runner shows: every masked value replaced by ***.
      const shown = masked.reduce(
        (text, secret) => text.split(secret).join('***'),
        visible(error, logs),
      );
      for (const secret of forms(USER, RIGHT)) expect(shown).not.toContain(secret);
    } finally {
      fixture.proxy.setRules([]);
      await temp.remove();
    }
  });
});
