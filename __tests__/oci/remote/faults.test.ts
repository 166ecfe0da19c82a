// Faults injected between the client and the real registry.
import { RegistryError } from '../../../src/oci/errors.js';
import type { RemoteRepository } from '../../../src/oci/remote/repository.js';
import { SMALL_BLOB_BYTES } from '../../../src/oci/transfer-policy.js';
import { blob, emptyConfig, manifest, randomBytes, readAll } from '../content.js';
import { useProxiedRegistry } from './proxied-repositories.js';

describe('faults between client and registry', () => {
  const fx = useProxiedRegistry();
  const { open, seen } = fx;

  async function pushTagged(repo: RemoteRepository, tag: string, content: Buffer | string) {
    const layer = blob(content);
    await repo.pushBlob(layer.descriptor, layer.source);
    await repo.pushBlob(emptyConfig.descriptor, emptyConfig.source);
    const m = manifest([layer.descriptor]);
    await repo.pushManifest(m.descriptor, m.bytes, tag);
    return { layer, m };
  }

  it('retries a 503 and succeeds', async () => {
    const repo = open('faults/503');
    const { m } = await pushTagged(repo, 'v1', 'x');
    const mark = fx.proxy.requests.length;
    fx.proxy.setRules([
      { method: 'GET', path: /\/manifests\/v1$/, fault: { kind: 'status', status: 503 }, times: 2 },
    ]);
    expect((await repo.fetchManifest('v1')).descriptor).toEqual(m.descriptor);
    expect(fx.proxy.requests.slice(mark).map((r) => r.status)).toEqual([503, 503, 200]);
  });

  it('waits as Retry-After says on 429 (seconds or date), within the cap', async () => {
    const repo = open('faults/429');
    const { m } = await pushTagged(repo, 'v1', 'y');
    fx.proxy.setRules([
      {
        method: 'HEAD',
        path: /\/manifests\/v1$/,
        fault: { kind: 'status', status: 429, headers: { 'retry-after': '3600' } },
        times: 1,
      },
      {
        method: 'HEAD',
        path: /\/manifests\/v1$/,
        fault: {
          kind: 'status',
          status: 429,
          headers: { 'retry-after': new Date(0).toUTCString() },
        },
        times: 1,
      },
    ]);
    expect(await repo.resolve('v1')).toEqual(m.descriptor);
    const waits = fx.debug.filter((d) => /every request to it waits/.test(d));
    expect(waits).toEqual([
      expect.stringMatching(/waits 20 ms \(its Retry-After asked for 3600 s; that is our cap\)$/),
      // A date in the past (a registry whose clock runs behind) does not shorten our backoff.
      expect.stringMatching(
        /waits [1-9]\d* ms \(its Retry-After asked for 0 ms; our own back-off is longer\)$/,
      ),
    ]);
  });

  it('does not retry 501', async () => {
    const repo = open('faults/501');
    fx.proxy.setRules([
      { method: 'HEAD', path: /\/manifests\//, fault: { kind: 'status', status: 501 } },
    ]);
    await expect(repo.resolve('v1')).rejects.toMatchObject({ status: 501 });
    expect(seen('HEAD', /faults\/501\/manifests/)).toHaveLength(1);
  });

  it('restarts an upload whose connection dropped, from the source', async () => {
    const repo = open('faults/drop-upload');
    // Not a small blob: no single POST, so the one POST and PUT of each attempt are counted.
    const layer = blob(randomBytes(SMALL_BLOB_BYTES + 1, 3));
    let opened = 0;
    const source = { open: () => (opened++, layer.source.open()) };
    fx.proxy.setRules([
      { method: 'PUT', path: /\/blobs\/uploads\//, fault: { kind: 'drop' }, times: 1 },
    ]);
    expect(await repo.pushBlob(layer.descriptor, source)).toBe('uploaded');
    expect(opened).toBe(2);
    expect(seen('POST', /faults\/drop-upload\/blobs\/uploads\/$/)).toHaveLength(2);
    expect((await readAll(await repo.fetch(layer.descriptor))).equals(layer.bytes)).toBe(true);
  });

  it('finds an upload that landed although its answer was lost', async () => {
    const repo = open('faults/lost-answer');
    const layer = blob('landed');
    fx.proxy.setRules([
      {
        method: 'PUT',
        path: /\/blobs\/uploads\//,
        fault: { kind: 'truncate', afterBytes: 0 },
        times: 1,
      },
    ]);
    expect(await repo.pushBlob(layer.descriptor, layer.source)).toBe('exists');
    // One session (opened by the single POST, which 2.8 ignores), then the check that found it.
    expect(seen('POST', /faults\/lost-answer\/blobs\/uploads\//)).toHaveLength(1);
    expect(seen('HEAD', /faults\/lost-answer\/blobs\//)).toHaveLength(1);
  });

  it('retries a dropped connection on manifest requests', async () => {
    const repo = open('faults/drop-get');
    const { m } = await pushTagged(repo, 'v1', 'z');
    fx.proxy.setRules([
      { method: 'GET', path: /\/manifests\/v1$/, fault: { kind: 'drop' }, times: 2 },
    ]);
    expect((await repo.fetchManifest('v1')).bytes.equals(m.bytes)).toBe(true);
  });

  it('gives a clear error and leaves no manifest or tag when the registry keeps failing', async () => {
    const repo = open('faults/forever');
    const layer = blob('never stored');
    fx.proxy.setRules([
      { method: 'PUT', fault: { kind: 'status', status: 503, body: 'down for maintenance' } },
    ]);
    const error = (await repo
      .pushBlob(layer.descriptor, layer.source)
      .catch((e: unknown) => e)) as RegistryError;
    expect(error).toBeInstanceOf(RegistryError);
    expect(error.status).toBe(503);
    expect(error.message).toContain(
      `push blob ${fx.proxy.host}/faults/forever@${layer.descriptor.digest} failed (HTTP 503)`,
    );
    expect(error.message).toMatch(/down for maintenance/);
    expect(error.message).toMatch(/gave up after 4 attempts/);

    const m = manifest([layer.descriptor]);
    await expect(repo.pushManifest(m.descriptor, m.bytes, 'v1')).rejects.toMatchObject({
      status: 503,
    });
    fx.proxy.setRules([]);
    expect(await repo.exists(layer.descriptor)).toBe(false);
    expect(await repo.exists(m.descriptor)).toBe(false);
    await expect(repo.resolve('v1')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('does not retry around retries: a session start that keeps failing is tried `attempts` times', async () => {
    const repo = open('faults/post-forever');
    const layer = blob('never started');
    fx.proxy.setRules([
      { method: 'POST', path: /faults\/post-forever\//, fault: { kind: 'status', status: 503 } },
    ]);
    await expect(repo.pushBlob(layer.descriptor, layer.source)).rejects.toMatchObject({
      status: 503,
      message: expect.stringMatching(/^push blob .*faults\/post-forever@sha256:.* \(HTTP 503\)/),
    });
    expect(seen('POST', /faults\/post-forever\/blobs\/uploads\//)).toHaveLength(4);
  });

  it('sends the full Accept list on every manifest request, and PUTs with the exact type', async () => {
    const repo = open('faults/accept');
    const { m } = await pushTagged(repo, 'v1', 'accept');
    await repo.resolve('v1');
    await repo.fetchManifest(m.descriptor);
    await repo.exists(m.descriptor);
    const asked = fx.proxy.requests.filter((r) => /faults\/accept\/manifests\//.test(r.path));
    expect(asked.map((r) => r.method).sort()).toEqual(['GET', 'HEAD', 'HEAD', 'PUT']);
    expect(asked.find((r) => r.method === 'PUT')?.headers['content-type']).toBe(
      m.descriptor.mediaType,
    );
    for (const r of asked.filter((q) => q.method !== 'PUT')) {
      expect(String(r.headers['accept']).split(/,\s*/).sort()).toEqual([
        'application/vnd.docker.distribution.manifest.list.v2+json',
        'application/vnd.docker.distribution.manifest.v2+json',
        'application/vnd.oci.image.index.v1+json',
        'application/vnd.oci.image.manifest.v1+json',
      ]);
    }
  });

  it('reports NETWORK_ERROR after retries when connections keep dropping', async () => {
    const repo = open('faults/drop-forever');
    fx.proxy.setRules([{ path: /faults\/drop-forever/, fault: { kind: 'drop' } }]);
    const error = (await repo.resolve('v1').catch((e: unknown) => e)) as RegistryError;
    expect(error).toMatchObject({ code: 'NETWORK_ERROR' });
    expect(error.message).toMatch(
      /resolve .*faults\/drop-forever:v1 failed.*gave up after 4 attempts/,
    );
  });

  it('follows relative Link pagination for tags, sorted and de-duplicated', async () => {
    const repo = open('faults/pages');
    const { m } = await pushTagged(repo, 'b', 'pages');
    await repo.tag(m.descriptor, 'a');
    fx.proxy.setRules([
      {
        method: 'GET',
        path: /faults\/pages\/tags\/list$/,
        fault: {
          kind: 'status',
          status: 200,
          headers: {
            'content-type': 'application/json',
            link: '</v2/faults/pages/tags/list?last=zz&n=2>; rel="next"',
          },
          body: JSON.stringify({ name: 'faults/pages', tags: ['zz', 'b'] }),
        },
        times: 1,
      },
    ]);
    expect(await repo.tags()).toEqual(['a', 'b', 'zz']);
    expect(seen('GET', /faults\/pages\/tags\/list\?last=zz&n=2$/)).toHaveLength(1);
  });

  it('passes registry Warning headers to the logger', async () => {
    const warnings: string[] = [];
    const repo = open('faults/warn', {
      logger: { debug: () => {}, info: () => {}, warning: (w) => warnings.push(w) },
    });
    fx.proxy.setRules([
      {
        path: /faults\/warn\/tags\/list/,
        fault: {
          kind: 'status',
          status: 200,
          headers: {
            warning: '299 - "this repository is deprecated"',
            'content-type': 'application/json',
          },
          body: '{"tags":[]}',
        },
      },
    ]);
    expect(await repo.tags()).toEqual([]);
    expect(warnings).toEqual([`${fx.proxy.host} warns: this repository is deprecated`]);
  });

  it('resolves with a GET when HEAD tells no digest', async () => {
    const repo = open('faults/head');
    const { m } = await pushTagged(repo, 'v1', 'head');
    fx.proxy.setRules([
      { method: 'HEAD', path: /\/manifests\/v1$/, fault: { kind: 'status', status: 200 } },
    ]);
    expect(await repo.resolve('v1')).toEqual(m.descriptor);
    expect(seen('GET', /faults\/head\/manifests\/v1$/)).toHaveLength(1);
  });

  it('refuses a manifest whose bytes differ from the digest asked for or announced', async () => {
    const repo = open('faults/tampered');
    const { m } = await pushTagged(repo, 'v1', 'genuine');
    const other = manifest([], { annotations: { forged: 'yes' } });
    const forged = (digest: string) => ({
      kind: 'status' as const,
      status: 200,
      headers: { 'content-type': m.descriptor.mediaType, 'docker-content-digest': digest },
      body: other.bytes.toString(),
    });
    fx.proxy.setRules([
      { method: 'GET', path: /\/manifests\//, fault: forged(m.descriptor.digest) },
    ]);
    await expect(repo.fetchManifest('v1')).rejects.toMatchObject({ code: 'DIGEST_MISMATCH' });
    await expect(repo.fetchManifest(m.descriptor)).rejects.toMatchObject({
      code: 'DIGEST_MISMATCH',
    });
    await expect(repo.fetch(m.descriptor)).rejects.toMatchObject({ code: 'DIGEST_MISMATCH' });
    // Without a header, by tag, the bytes are taken as they come and their own digest reported.
    fx.proxy.setRules([
      {
        method: 'GET',
        path: /\/manifests\/v1$/,
        fault: {
          kind: 'status',
          status: 200,
          headers: { 'content-type': m.descriptor.mediaType },
          body: other.bytes.toString(),
        },
      },
    ]);
    expect((await repo.fetchManifest('v1')).descriptor.digest).toBe(other.descriptor.digest);
  });

  it('takes a redirect on a blob HEAD as existence without following it', async () => {
    const repo = open('faults/head-redirect');
    const layer = blob('somewhere else');
    fx.proxy.setRules([
      {
        method: 'HEAD',
        path: /\/blobs\//,
        fault: { kind: 'redirect', location: 'http://127.0.0.1:9/nowhere' },
      },
    ]);
    expect(await repo.exists(layer.descriptor)).toBe(true);
  });

  it('caps manifests at 4 MiB, on read and on write', async () => {
    const repo = open('faults/big');
    const big = Buffer.alloc(4 * 1024 * 1024 + 1, 0x20);
    fx.proxy.setRules([
      {
        method: 'GET',
        path: /faults\/big\/manifests\/huge$/,
        fault: {
          kind: 'status',
          status: 200,
          headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' },
          body: big.toString(),
        },
      },
    ]);
    await expect(repo.fetchManifest('huge')).rejects.toMatchObject({ code: 'SIZE_LIMIT_EXCEEDED' });
    const huge = blob(big, 'application/vnd.oci.image.manifest.v1+json');
    await expect(repo.pushManifest(huge.descriptor, huge.bytes, 'huge')).rejects.toMatchObject({
      code: 'SIZE_LIMIT_EXCEEDED',
    });
    await expect(repo.fetchManifest(huge.descriptor)).rejects.toMatchObject({
      code: 'SIZE_LIMIT_EXCEEDED',
    });
    expect(seen('PUT', /faults\/big\/manifests/)).toHaveLength(0);
  });
});
