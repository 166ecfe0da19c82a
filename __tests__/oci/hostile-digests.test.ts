// Digests read from a layout's index.json or from a manifest are checked before anything uses
// them, and a remote repository checks every descriptor it is handed: a path-like digest must
// reach neither the file system nor a URL, nor be handed out as a digest.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { OciLayout } from '../../src/oci/layout/store.js';
import { parseManifestLinks } from '../../src/oci/manifest-graph.js';
import { parseReference } from '../../src/oci/reference.js';
import { RemoteRepository } from '../../src/oci/remote/repository.js';
import { OCI_EMPTY, OCI_MANIFEST } from '../../src/oci/media-types.js';
import { digestBytes } from '../../src/oci/digest.js';
import { makeTempDir } from '../support/temp.js';

const PATH_LIKE = 'sha256:../../x';
const empty = { mediaType: OCI_EMPTY, digest: digestBytes('{}'), size: 2 };

describe('hostile digests', () => {
  let temp: { path: string; remove: () => Promise<void> };
  beforeEach(async () => (temp = await makeTempDir('oci-layout-digests-')));
  afterEach(async () => temp.remove());

  async function layoutListing(digest: string): Promise<string> {
    const root = join(temp.path, 'layout');
    await mkdir(join(root, 'blobs', 'sha256'), { recursive: true });
    await writeFile(join(root, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
    await writeFile(
      join(root, 'index.json'),
      JSON.stringify({
        schemaVersion: 2,
        manifests: [
          { mediaType: OCI_MANIFEST, digest: empty.digest, size: 2 },
          {
            mediaType: OCI_MANIFEST,
            digest,
            size: 10,
            annotations: { 'org.opencontainers.image.ref.name': 'v1' },
          },
        ],
      }),
    );
    return root;
  }

  it.each([PATH_LIKE, 'sha256:ABC', 'md5:0123', 'sha256:' + 'a'.repeat(63) + '/'])(
    'refuses a layout whose index.json lists %j, naming the entry',
    async (digest) => {
      const root = await layoutListing(digest);
      await expect(OciLayout.open(root, { create: false })).rejects.toMatchObject({
        code: 'LAYOUT_ERROR',
        message: expect.stringContaining(
          `OCI layout ${root}: index.json lists an entry (manifests[1]) whose digest is not valid`,
        ),
      });
    },
  );

  it.each([
    ['a layer', { layers: [{ mediaType: 'text/plain', digest: PATH_LIKE, size: 1 }] }, 'layers[0]'],
    ['the config', { config: { ...empty, digest: PATH_LIKE }, layers: [] }, 'config'],
    ['the subject', { layers: [], subject: { ...empty, digest: PATH_LIKE } }, 'subject'],
  ])('refuses a manifest where %s has a path-like digest', (_what, fields, field) => {
    const bytes = Buffer.from(
      JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: empty, ...fields }),
    );
    expect(() => parseManifestLinks(bytes, 'manifest m')).toThrow(
      expect.objectContaining({
        code: 'INVALID_MANIFEST',
        message: expect.stringContaining(`manifest m: ${field} has an invalid digest`),
      }),
    );
  });

  it('refuses an index whose entry has a path-like digest', () => {
    const bytes = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        manifests: [{ mediaType: OCI_MANIFEST, digest: PATH_LIKE, size: 1 }],
      }),
    );
    expect(() => parseManifestLinks(bytes, 'index i')).toThrow(/manifests\[0\] has an invalid/);
  });

  it('a remote repository refuses a path-like descriptor before any request', async () => {
    // Nothing listens on port 1: a request would fail as NETWORK_ERROR, not INVALID_DIGEST.
    const repo = new RemoteRepository(parseReference('127.0.0.1:1/team/app'), {
      plainHttp: true,
      retry: { attempts: 1 },
    });
    const hostile = { mediaType: OCI_MANIFEST, digest: PATH_LIKE, size: 10 } as const;
    const source = { open: () => Readable.from([Buffer.from('x')]) };
    for (const attempt of [
      () => repo.fetch(hostile),
      () => repo.fetchManifest(hostile),
      () => repo.exists(hostile),
      () => repo.pushBlob(hostile, source),
      () => repo.pushManifest(hostile, Buffer.from('{}')),
      () => repo.tag(hostile, 'v1'),
      () => repo.referrers(hostile),
      () => repo.delete(hostile),
    ]) {
      await expect(attempt()).rejects.toMatchObject({ code: 'INVALID_DIGEST' });
    }
  });
});
