// What several cases share, made once on first use: the skopeo image layouts (the same blobs as
// the action's layers) and the folder layer the action packs.
import { link } from 'node:fs/promises';
import { join } from 'node:path';
import { actionPush } from './contenders.mjs';
import { writeImageLayout } from './skopeo.mjs';

const FILE_LAYER = 'application/vnd.oci.image.layer.v1.tar';
const UNPACKED_DIGEST = 'io.deis.oras.content.digest';

/** @param {{ data: { dir: string, big: object, folder: object }, scratch: string }} ctx */
export function makeFixtures(ctx) {
  const { big, folder } = ctx.data;
  const asFileLayer = (file) => ({ ...file, mediaType: FILE_LAYER, diffId: file.digest });
  /** The action's folder layer, hard-linked out of the registry it was pushed to. */
  const folderBlob = { path: join(ctx.data.dir, 'folder-layer.tar.gz'), digest: '', size: 0 };
  let folderLayer;
  const images = new Map();
  const image = (id, layers) => {
    if (!images.has(id)) {
      const dir = join(ctx.scratch, `${id}-layout`);
      images.set(
        id,
        writeImageLayout(dir, 'skopeo', layers).then((blobs) => ({ dir, ...blobs })),
      );
    }
    return images.get(id);
  };
  return {
    folderBlob,
    /** skopeo's image layout of a data set: `{ dir, config, manifest }` (tag `skopeo`). */
    image: (id) => {
      if (id === 'big') return image(id, [asFileLayer(big)]);
      if (!folderLayer) throw new Error('the folder image needs pushFolder() first');
      return image(id, [folderLayer]);
    },
    /**
     * Pushes the folder with the action (untimed: a seed) and, the first time, keeps the layer
     * it packed for curl and skopeo to move.
     */
    pushFolder: async (registry, reference) => {
      const pushed = await actionPush(ctx, registry, reference, folder.title);
      if (!folderLayer) {
        const [layer] = JSON.parse(pushed.outputs['manifest']).layers;
        Object.assign(folderBlob, { digest: layer.digest, size: layer.size });
        await link(blobPath(registry, layer.digest), folderBlob.path);
        folderLayer = {
          ...folderBlob,
          mediaType: layer.mediaType,
          diffId: layer.annotations?.[UNPACKED_DIGEST] ?? layer.digest,
        };
      }
    },
  };
}

/** Where distribution's filesystem driver keeps a blob's bytes. */
function blobPath(registry, digest) {
  const hex = digest.slice('sha256:'.length);
  return join(registry.storageDir, 'docker/registry/v2/blobs/sha256', hex.slice(0, 2), hex, 'data');
}
