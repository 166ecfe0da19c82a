// skopeo (containers/image, an independent Go client) as the second contender: it copies an OCI
// image layout folder to the registry and back. Its layout holds the very blobs the action
// pushes (hard links to the data files), as the layers of an ordinary image.
import { createHash } from 'node:crypto';
import { link, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { measure } from './measure.mjs';

/**
 * `--preserve-digests`: copy blobs and manifest as they are. Without it skopeo gzips
 * uncompressed layers on the way to a registry, which is other work than ours.
 * `--insecure-policy`: no signature policy for a loopback registry.
 */
const COPY = ['copy', '--quiet', '--insecure-policy', '--preserve-digests'];

/**
 * Writes an OCI image layout at `dir` whose tag `tag` is an image with these layers; returns
 * its config and manifest blobs (with their bytes).
 * @param {{ path: string, digest: string, size: number, mediaType: string, diffId: string }[]} layers
 */
export async function writeImageLayout(dir, tag, layers) {
  const blobs = join(dir, 'blobs', 'sha256');
  await mkdir(blobs, { recursive: true });
  const seen = new Set();
  for (const layer of layers) {
    if (seen.has(layer.digest)) continue;
    seen.add(layer.digest);
    await link(layer.path, join(blobs, layer.digest.slice('sha256:'.length)));
  }
  const addBlob = async (mediaType, json) => {
    const bytes = Buffer.from(JSON.stringify(json));
    const hex = createHash('sha256').update(bytes).digest('hex');
    await writeFile(join(blobs, hex), bytes);
    return { mediaType, digest: `sha256:${hex}`, size: bytes.length, bytes };
  };
  const config = await addBlob('application/vnd.oci.image.config.v1+json', {
    architecture: 'amd64',
    os: 'linux',
    rootfs: { type: 'layers', diff_ids: layers.map((layer) => layer.diffId) },
  });
  const manifest = await addBlob('application/vnd.oci.image.manifest.v1+json', {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: config.mediaType, digest: config.digest, size: config.size },
    layers: layers.map(({ mediaType, digest, size }) => ({ mediaType, digest, size })),
  });
  await writeFile(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  await writeFile(
    join(dir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [
        {
          mediaType: manifest.mediaType,
          digest: manifest.digest,
          size: manifest.size,
          annotations: { 'org.opencontainers.image.ref.name': tag },
        },
      ],
    }),
  );
  return { config, manifest };
}

/**
 * Puts the image of writeImageLayout() into `repository:tag` without skopeo, for pulls and
 * unchanged re-pushes: the layers must be there already (the action pushed the same blobs);
 * only the config blob and the manifest are uploaded.
 */
export async function seedImage(registry, repository, tag, { config, manifest }) {
  const start = `${registry.url}/v2/${repository}/blobs/uploads/`;
  const session = await globalThis.fetch(start, { method: 'POST' });
  await session.arrayBuffer();
  const location = new URL(session.headers.get('location') ?? '', start);
  location.searchParams.set('digest', config.digest);
  const put = await globalThis.fetch(location, {
    method: 'PUT',
    headers: { 'content-type': 'application/octet-stream' },
    body: config.bytes,
  });
  await put.arrayBuffer();
  const tagged = await globalThis.fetch(`${registry.url}/v2/${repository}/manifests/${tag}`, {
    method: 'PUT',
    headers: { 'content-type': manifest.mediaType },
    body: manifest.bytes,
  });
  const answer = await tagged.text();
  if (session.status !== 202 || put.status !== 201 || tagged.status !== 201) {
    throw new Error(
      `seeding ${repository}:${tag}: ${session.status} ${put.status} ${tagged.status} ${answer}`,
    );
  }
}

/** skopeo copy oci:<layout>:<tag> docker://<registry>/<repository>:<tag> */
export function skopeoPush(layout, tag, registry, repository, { scratch }) {
  return measure(
    'skopeo',
    [
      ...COPY,
      '--dest-tls-verify=false',
      `oci:${layout}:${tag}`,
      `docker://${registry.host}/${repository}:${tag}`,
    ],
    { scratch, env: skopeoEnv(scratch) },
  );
}

/** skopeo copy docker://<registry>/<repository>:<tag> oci:<layout>:<tag> */
export function skopeoPull(registry, repository, tag, layout, { scratch }) {
  return measure(
    'skopeo',
    [
      ...COPY,
      '--src-tls-verify=false',
      `docker://${registry.host}/${repository}:${tag}`,
      `oci:${layout}:${tag}`,
    ],
    { scratch, env: skopeoEnv(scratch) },
  );
}

/** No credentials of the machine: an empty home and Docker config. */
function skopeoEnv(scratch) {
  return {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: scratch,
    DOCKER_CONFIG: join(scratch, 'docker-config'),
    REGISTRY_AUTH_FILE: join(scratch, 'auth.json'),
  };
}
