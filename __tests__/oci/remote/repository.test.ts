import { RegistryError } from '../../../src/oci/errors.js';
import { parseReference } from '../../../src/oci/reference.js';
import { RemoteRepository } from '../../../src/oci/remote/repository.js';
import type { ProgressEvent } from '../../../src/oci/target.js';
import { startRegistry, type Registry } from '../../support/registry.js';
import { blob, emptyConfig, manifest, randomBytes, readAll } from '../content.js';

const quick = { retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 5 } };

describe('RemoteRepository over plain HTTP, anonymous', () => {
  let registry: Registry;
  beforeAll(async () => {
    registry = await startRegistry();
  });
  afterAll(async () => registry?.stop());

  const open = (repo: string): RemoteRepository =>
    new RemoteRepository(parseReference(`${registry.host}/${repo}`), { ...quick });

  it('pushes blobs and a tagged manifest, then resolves and fetches them back', async () => {
    const repo = open('plain/roundtrip');
    expect(repo.location).toBe(`${registry.host}/plain/roundtrip`);
    const layer = blob(randomBytes(300 * 1024, 7));
    const events: ProgressEvent[] = [];
    expect(
      await repo.pushBlob(layer.descriptor, layer.source, { onProgress: (e) => events.push(e) }),
    ).toBe('uploaded');
    expect(events.at(-1)).toMatchObject({ done: layer.bytes.length, total: layer.bytes.length });
    expect(await repo.pushBlob(layer.descriptor, layer.source)).toBe('exists');
    await repo.pushBlob(emptyConfig.descriptor, emptyConfig.source);
    const m = manifest([layer.descriptor]);
    expect(await repo.pushManifest(m.descriptor, m.bytes, 'v1')).toEqual({ subjectHandled: false });

    expect(await repo.resolve('v1')).toEqual(m.descriptor);
    expect(await repo.resolve(m.descriptor.digest)).toEqual(m.descriptor);
    const fetched = await repo.fetchManifest('v1');
    expect(fetched.bytes.equals(m.bytes)).toBe(true);
    expect(fetched.descriptor).toEqual(m.descriptor);
    expect((await repo.fetchManifest(m.descriptor)).bytes.equals(m.bytes)).toBe(true);
    expect((await readAll(await repo.fetch(layer.descriptor))).equals(layer.bytes)).toBe(true);
    expect((await readAll(await repo.fetch(m.descriptor))).equals(m.bytes)).toBe(true);
    expect(await repo.exists(layer.descriptor)).toBe(true);
    expect(await repo.exists(m.descriptor)).toBe(true);
    expect(await repo.exists(blob('never pushed').descriptor)).toBe(false);
  });

  it('tags an existing manifest and lists tags sorted', async () => {
    const repo = open('plain/tags');
    await repo.pushBlob(emptyConfig.descriptor, emptyConfig.source);
    const m = manifest([]);
    await repo.pushManifest(m.descriptor, m.bytes, 'b');
    await repo.tag(m.descriptor, 'a');
    await repo.tag(m.descriptor, 'c');
    expect(await repo.tags()).toEqual(['a', 'b', 'c']);
    expect(await repo.resolve('a')).toEqual(m.descriptor);
  });

  it('pushes a manifest by digest when no tag is given', async () => {
    const repo = open('plain/bydigest');
    await repo.pushBlob(emptyConfig.descriptor, emptyConfig.source);
    const m = manifest([], { annotations: { n: '1' } });
    await repo.pushManifest(m.descriptor, m.bytes);
    expect(await repo.resolve(m.descriptor.digest)).toEqual(m.descriptor);
    await expect(repo.resolve('latest')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // No tag at all: distribution answers NAME_UNKNOWN, as for an unknown repository (TagLister).
    await expect(repo.tags()).rejects.toMatchObject({
      code: 'NOT_FOUND',
      status: 404,
      message: expect.stringContaining(
        `list tags of ${repo.location} failed (HTTP 404): NAME_UNKNOWN`,
      ),
    });
  });

  it('reports unknown manifests, blobs and repositories as NOT_FOUND with context', async () => {
    const repo = open('plain/missing');
    const error = await repo.resolve('nope').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryError);
    expect(error).toMatchObject({ code: 'NOT_FOUND', status: 404 });
    expect((error as Error).message).toContain(`${registry.host}/plain/missing:nope`);
    await expect(repo.fetchManifest('nope')).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringMatching(/fetch manifest .*HTTP 404.*MANIFEST_UNKNOWN/),
    });
    await expect(repo.fetch(blob('absent').descriptor)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(repo.tags()).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('refuses a manifest whose bytes do not match its descriptor, before sending it', async () => {
    const repo = open('plain/mismatch');
    const m = manifest([]);
    await expect(
      repo.pushManifest({ ...m.descriptor, digest: blob('other').descriptor.digest }, m.bytes, 'x'),
    ).rejects.toMatchObject({ code: 'DIGEST_MISMATCH' });
    await expect(repo.tags()).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('refuses a blob whose content does not match its descriptor, and leaves nothing behind', async () => {
    const repo = open('plain/badblob');
    const real = blob('the real content');
    const claimed = blob('what the descriptor claims');
    await expect(repo.pushBlob(claimed.descriptor, real.source)).rejects.toMatchObject({
      code: expect.stringMatching(/SIZE_MISMATCH|DIGEST_MISMATCH/),
    });
    expect(await repo.exists(claimed.descriptor)).toBe(false);
    expect(await repo.exists(real.descriptor)).toBe(false);
  });

  it('fails a download whose bytes at rest were altered', async () => {
    const repo = open('plain/corrupt');
    const layer = blob('original bytes!');
    await repo.pushBlob(layer.descriptor, layer.source);
    const { writeFile } = await import('node:fs/promises');
    await writeFile(registry.blobPath(layer.descriptor.digest), 'altered bytes!!');
    await expect(readAll(await repo.fetch(layer.descriptor))).rejects.toMatchObject({
      code: 'DIGEST_MISMATCH',
    });
  });
});

describe('RemoteRepository with htpasswd', () => {
  let registry: Registry;
  beforeAll(async () => {
    registry = await startRegistry({ htpasswd: { username: 'alice', password: 'secret' } });
  });
  afterAll(async () => registry?.stop());

  it('pushes and pulls with the right password', async () => {
    const repo = new RemoteRepository(parseReference(`${registry.host}/basic/app`), {
      ...quick,
      credentials: { kind: 'basic', username: 'alice', password: 'secret' },
    });
    const layer = blob('hello basic');
    await repo.pushBlob(layer.descriptor, layer.source);
    await repo.pushBlob(emptyConfig.descriptor, emptyConfig.source);
    const m = manifest([layer.descriptor]);
    await repo.pushManifest(m.descriptor, m.bytes, 'latest');
    expect(await repo.resolve('latest')).toEqual(m.descriptor);
    expect((await readAll(await repo.fetch(layer.descriptor))).toString()).toBe('hello basic');
  });

  it('fails with UNAUTHORIZED and a hint about credentials for a wrong password', async () => {
    const repo = new RemoteRepository(parseReference(`${registry.host}/basic/app`), {
      ...quick,
      credentials: { kind: 'basic', username: 'alice', password: 'wrong' },
    });
    const error = (await repo.resolve('latest').catch((e: unknown) => e)) as RegistryError;
    expect(error).toBeInstanceOf(RegistryError);
    expect(error.code).toBe('UNAUTHORIZED');
    expect(error.status).toBe(401);
    expect(error.message).toContain(`resolve ${registry.host}/basic/app:latest failed (HTTP 401)`);
    expect(error.message).toMatch(/rejected the credentials/);
    expect(error.message).not.toContain('wrong');
  });

  it('fails with UNAUTHORIZED and says credentials are needed when none are given', async () => {
    const repo = new RemoteRepository(parseReference(`${registry.host}/basic/app`), {
      ...quick,
      dockerConfigDir: '/nonexistent',
    });
    await expect(repo.tags()).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
      message: expect.stringMatching(/requires credentials/),
    });
  });
});
