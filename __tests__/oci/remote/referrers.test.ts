import type { ImageIndex } from '../../../src/oci/descriptor.js';
import { digestHex } from '../../../src/oci/digest.js';
import { OciError } from '../../../src/oci/errors.js';
import { OCI_INDEX } from '../../../src/oci/media-types.js';
import { parseReference } from '../../../src/oci/reference.js';
import type { RemoteOptions } from '../../../src/oci/remote/options.js';
import {
  INDEX_WRITE_ATTEMPTS,
  referrersTag,
  settleDelay,
} from '../../../src/oci/remote/referrers.js';
import { RemoteRepository } from '../../../src/oci/remote/repository.js';
import type { FaultProxy } from '../../support/fault-proxy.js';
import { startProxiedRegistry, type ProxiedRegistry } from '../../support/proxied-registry.js';
import { blob, emptyConfig, manifest, type Manifest } from '../content.js';

const SIGNATURE = 'application/vnd.test.signature';
const SBOM = 'application/vnd.test.sbom';

describe('referrers on a registry without the referrers API (tag schema)', () => {
  let fixture: ProxiedRegistry;
  let proxy: FaultProxy;
  const options: RemoteOptions = {
    dockerConfigDir: '/nonexistent',
    // The proxy speaks plain HTTP: said up front, the client does not report finding it out.
    plainHttp: true,
    retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 5 },
  };

  beforeAll(async () => {
    fixture = await startProxiedRegistry();
    proxy = fixture.proxy;
  });
  afterAll(async () => fixture?.stop());
  beforeEach(() => proxy.setRules([]));

  const open = (name: string): RemoteRepository =>
    new RemoteRepository(parseReference(`${proxy.host}/${name}`), options);

  async function pushSubject(repo: RemoteRepository, text: string): Promise<Manifest> {
    const layer = blob(text);
    await repo.pushBlob(layer.descriptor, layer.source);
    await repo.pushBlob(emptyConfig.descriptor, emptyConfig.source);
    const subject = manifest([layer.descriptor]);
    await repo.pushManifest(subject.descriptor, subject.bytes, 'subject');
    return subject;
  }

  async function pushReferrer(
    repo: RemoteRepository,
    subject: Manifest,
    artifactType: string,
    note: string,
  ): Promise<Manifest> {
    const referrer = manifest([], {
      artifactType,
      subject: subject.descriptor,
      annotations: { note },
    });
    expect(await repo.pushManifest(referrer.descriptor, referrer.bytes)).toEqual({
      subjectHandled: false,
    });
    return referrer;
  }

  it('maintains the sha256-<hex> index when pushing manifests with a subject', async () => {
    const repo = open('refs/app');
    const subject = await pushSubject(repo, 'subject one');
    const signature = await pushReferrer(repo, subject, SIGNATURE, 'signed');
    const sbom = await pushReferrer(repo, subject, SBOM, 'listed');
    await repo.pushManifest(signature.descriptor, signature.bytes); // again: no duplicate

    const tag = `sha256-${digestHex(subject.descriptor.digest)}`;
    expect(referrersTag(subject.descriptor)).toBe(tag);
    const fetched = await repo.fetchManifest(tag);
    expect(fetched.descriptor.mediaType).toBe(OCI_INDEX);
    const index = JSON.parse(fetched.bytes.toString()) as ImageIndex;
    expect(index.manifests).toEqual([
      { ...signature.descriptor, artifactType: SIGNATURE, annotations: { note: 'signed' } },
      { ...sbom.descriptor, artifactType: SBOM, annotations: { note: 'listed' } },
    ]);

    const all = await repo.referrers(subject.descriptor);
    expect(all.map((d) => d.digest)).toEqual([signature.descriptor.digest, sbom.descriptor.digest]);
    const filtered = await repo.referrers(subject.descriptor, SBOM);
    expect(filtered.map((d) => d.digest)).toEqual([sbom.descriptor.digest]);
    // The API was tried first and found missing (404 on distribution 2.8).
    expect(
      proxy.requests.some((r) => r.path.startsWith('/v2/refs/app/referrers/') && r.status === 404),
    ).toBe(true);
  });

  it('lists no referrers for a subject without any', async () => {
    const repo = open('refs/none');
    const subject = await pushSubject(repo, 'lonely');
    expect(await repo.referrers(subject.descriptor)).toEqual([]);
  });

  it('keeps every referrer when several are pushed at once', async () => {
    const repo = open('refs/concurrent');
    const subject = await pushSubject(repo, 'popular');
    const referrers = await Promise.all(
      ['a', 'b', 'c', 'd'].map((note) => pushReferrer(repo, subject, SIGNATURE, note)),
    );
    const listed = await repo.referrers(subject.descriptor);
    expect(listed.map((d) => d.digest).sort()).toEqual(
      referrers.map((r) => r.descriptor.digest).sort(),
    );
  });

  describe('when another writer replaces the index between our write and our read-back', () => {
    const infos: string[] = [];
    const openLogged = (name: string): RemoteRepository =>
      new RemoteRepository(parseReference(`${proxy.host}/${name}`), {
        ...options,
        // Said up front, so the plain-HTTP fallback's own info line stays out of `infos`.
        plainHttp: true,
        logger: { debug: () => {}, warning: () => {}, info: (m) => infos.push(m) },
      });
    beforeEach(() => (infos.length = 0));

    it('merges ours into what the other wrote, and writes again', async () => {
      const repo = openLogged('refs/race');
      const subject = await pushSubject(repo, 'raced');
      const first = await pushReferrer(repo, subject, SIGNATURE, 'first');
      // What the other writer put there: the first referrer and one of its own.
      const theirs = manifest([], { annotations: { writer: 'other' } });
      await repo.pushManifest(theirs.descriptor, theirs.bytes);
      const theirIndex = blob(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: OCI_INDEX,
          manifests: [
            { ...first.descriptor, artifactType: SIGNATURE, annotations: { note: 'first' } },
            theirs.descriptor,
          ],
        }),
        OCI_INDEX,
      );
      await repo.pushManifest(theirIndex.descriptor, theirIndex.bytes, 'their-index');
      // Our write lands, but the next two reads of the tag find the other writer's index.
      const tag = referrersTag(subject.descriptor);
      proxy.setRules([
        {
          method: 'GET',
          path: new RegExp(`/manifests/${tag}$`),
          skip: 1,
          times: 2,
          fault: { kind: 'rewrite', path: (path) => path.replace(tag, 'their-index') },
        },
      ]);
      const ours = await pushReferrer(repo, subject, SBOM, 'ours');

      const index = JSON.parse((await repo.fetchManifest(tag)).bytes.toString()) as ImageIndex;
      expect(index.manifests.map((d) => d.digest)).toEqual([
        first.descriptor.digest,
        theirs.descriptor.digest,
        ours.descriptor.digest,
      ]);
      const writes = proxy.requests.filter((r) => r.method === 'PUT' && r.path.endsWith(tag));
      expect(writes).toHaveLength(3); // first referrer, ours, ours merged again
      expect(infos).toEqual([
        `${proxy.host}/refs/race: another writer replaced the referrers index ${tag} without ${ours.descriptor.digest}; merging it in again (attempt 2 of ${INDEX_WRITE_ATTEMPTS})`,
      ]);
    });

    it('gives up after a bounded number of writes that never stick, saying what to do', async () => {
      const repo = openLogged('refs/lost');
      const subject = await pushSubject(repo, 'lost');
      const tag = referrersTag(subject.descriptor);
      proxy.setRules([
        {
          method: 'PUT',
          path: new RegExp(`/manifests/${tag}$`),
          fault: { kind: 'rewrite', path: (path) => path.replace(tag, 'elsewhere') },
        },
      ]);
      const referrer = manifest([], { artifactType: SIGNATURE, subject: subject.descriptor });
      const error = await repo
        .pushManifest(referrer.descriptor, referrer.bytes)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OciError);
      expect(error).toMatchObject({ code: 'CONCURRENT_UPDATE' });
      expect((error as Error).message).toBe(
        `${proxy.host}/refs/lost: other writers kept replacing the referrers index ${tag} of ${subject.descriptor.digest}: ${referrer.descriptor.digest} is pushed but not listed in it after ${INDEX_WRITE_ATTEMPTS} attempts. Run the step again to list it (pushing the same artifact again changes nothing else)`,
      );
      const writes = proxy.requests.filter((r) => r.method === 'PUT' && r.path.endsWith(tag));
      expect(writes).toHaveLength(INDEX_WRITE_ATTEMPTS);
      expect(infos).toHaveLength(INDEX_WRITE_ATTEMPTS - 1);
    });
  });

  it('waits two to three times its own round trip before reading back, within bounds', () => {
    expect(settleDelay(10, () => 0)).toBe(100);
    expect(settleDelay(400, () => 0)).toBe(800);
    expect(settleDelay(400, () => 1)).toBe(1200);
    expect(settleDelay(60_000, () => 0)).toBe(5_000);
  });

  it('does not take a tag that resolves to the subject itself for an index', async () => {
    const repo = open('refs/gitlab');
    const subject = await pushSubject(repo, 'gitlab-like');
    const tag = referrersTag(subject.descriptor);
    proxy.setRules([
      {
        method: 'GET',
        path: new RegExp(`/manifests/${tag}$`),
        fault: {
          kind: 'status',
          status: 200,
          headers: { 'content-type': subject.descriptor.mediaType },
          body: subject.bytes.toString(),
        },
      },
    ]);
    expect(await repo.referrers(subject.descriptor)).toEqual([]);
  });

  it('uses the referrers API when the registry answers with an index, filtering on the client', async () => {
    const repo = open('refs/api');
    const subject = await pushSubject(repo, 'api subject');
    const listed = [
      {
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        digest: blob('r1').descriptor.digest,
        size: 1,
        artifactType: SIGNATURE,
      },
      {
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        digest: blob('r2').descriptor.digest,
        size: 2,
        artifactType: SBOM,
      },
    ];
    const answer = (headers: Record<string, string> = {}) => ({
      kind: 'status' as const,
      status: 200,
      headers: { 'content-type': OCI_INDEX, ...headers },
      body: JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: listed }),
    });
    proxy.setRules([{ method: 'GET', path: /\/referrers\//, fault: answer(), times: 1 }]);
    expect((await repo.referrers(subject.descriptor, SBOM)).map((d) => d.digest)).toEqual([
      listed[1]!.digest,
    ]);
    const asked = proxy.requests.filter((r) => r.path.includes('/referrers/')).at(-1);
    expect(asked?.path).toBe(
      `/v2/refs/api/referrers/${subject.descriptor.digest}?artifactType=${encodeURIComponent(SBOM)}`,
    );
    // When the server says it filtered, its answer stands as is.
    proxy.setRules([
      {
        method: 'GET',
        path: /\/referrers\//,
        fault: answer({ 'oci-filters-applied': 'artifactType' }),
        times: 1,
      },
    ]);
    expect(await repo.referrers(subject.descriptor, SBOM)).toHaveLength(2);
    // No tag-schema lookups happened.
    expect(
      proxy.requests.some((r) => r.path.includes(`/manifests/${referrersTag(subject.descriptor)}`)),
    ).toBe(false);
  });

  it('falls back to the tag schema when the referrers path answers something else (HTML)', async () => {
    const repo = open('refs/html');
    const subject = await pushSubject(repo, 'html subject');
    const signature = await pushReferrer(repo, subject, SIGNATURE, 'x');
    proxy.setRules([
      {
        method: 'GET',
        path: /\/referrers\//,
        fault: {
          kind: 'status',
          status: 200,
          headers: { 'content-type': 'text/html' },
          body: '<html></html>',
        },
      },
    ]);
    expect((await repo.referrers(subject.descriptor)).map((d) => d.digest)).toEqual([
      signature.descriptor.digest,
    ]);
  });

  describe('a referrers endpoint that is no API', () => {
    const referrersAsked = () => proxy.requests.filter((r) => r.path.includes('/referrers/'));

    it("falls back at once on ghcr.io's redirect to a rate-limited page, never following it", async () => {
      const repo = open('refs/ghcr-like');
      const subject = await pushSubject(repo, 'ghcr-like subject');
      const signature = await pushReferrer(repo, subject, SIGNATURE, 'x');
      const before = referrersAsked().length;
      proxy.setRules([
        {
          method: 'GET',
          path: /\/referrers\//,
          fault: { kind: 'redirect', status: 303, location: `${proxy.url}/rate-limited` },
        },
        { path: /^\/rate-limited/, fault: { kind: 'status', status: 429 } },
      ]);
      expect((await repo.referrers(subject.descriptor)).map((d) => d.digest)).toEqual([
        signature.descriptor.digest,
      ]);
      expect(referrersAsked().length - before).toBe(1);
      expect(proxy.requests.some((r) => r.path.startsWith('/rate-limited'))).toBe(false);
    });

    it.each([429, 404, 400])(
      'falls back at once on HTTP %i, without trying again',
      async (status) => {
        const repo = open(`refs/status-${status}`);
        const subject = await pushSubject(repo, `subject ${status}`);
        const before = referrersAsked().length;
        proxy.setRules([
          {
            method: 'GET',
            path: /\/referrers\//,
            fault: { kind: 'status', status, headers: { 'retry-after': '30' } },
          },
        ]);
        expect(await repo.referrers(subject.descriptor)).toEqual([]);
        expect(referrersAsked().length - before).toBe(1);
      },
    );

    it('tries a stumble (503) again before taking the answer for no API', async () => {
      const repo = open('refs/stumble');
      const subject = await pushSubject(repo, 'stumble subject');
      const signature = await pushReferrer(repo, subject, SIGNATURE, 'y');
      const before = referrersAsked().length;
      proxy.setRules([
        { method: 'GET', path: /\/referrers\//, fault: { kind: 'status', status: 503 }, times: 1 },
      ]);
      expect((await repo.referrers(subject.descriptor)).map((d) => d.digest)).toEqual([
        signature.descriptor.digest,
      ]);
      // The 503, then the registry's own answer (distribution has no API: 404).
      expect(
        referrersAsked()
          .slice(before)
          .map((r) => r.status),
      ).toEqual([503, 404]);
    });
  });

  it('leaves the index alone when the registry answers OCI-Subject', async () => {
    const repo = open('refs/subject-aware');
    const subject = await pushSubject(repo, 'aware');
    const referrer = manifest([], { artifactType: SIGNATURE, subject: subject.descriptor });
    // The real registry stores the manifest; the proxy adds what a referrers-aware one answers.
    proxy.setRules([
      {
        method: 'PUT',
        path: /\/manifests\/sha256:/,
        fault: { kind: 'headers', headers: { 'OCI-Subject': subject.descriptor.digest } },
        times: 1,
      },
    ]);
    expect(await repo.pushManifest(referrer.descriptor, referrer.bytes)).toEqual({
      subjectHandled: true,
    });
    expect(await repo.resolve(referrer.descriptor.digest)).toEqual(referrer.descriptor);
    expect(
      proxy.requests.filter(
        (r) => r.method === 'PUT' && r.path.startsWith('/v2/refs/subject-aware/manifests/sha256-'),
      ),
    ).toHaveLength(0);
  });
});
