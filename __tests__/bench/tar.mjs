// The folder baselines: GNU tar with gzip at the action's compression level, then curl, as a
// shell script would move a folder through a registry. A push packs the folder (`tar -c` piped
// through `gzip -<level>`, one core), learns the archive's digest (openssl, as any client must
// before a monolithic upload) and uploads it; a pull downloads the layer and unpacks it
// (`tar -xzf`). Neither checks what a registry sent, nor refuses hostile entries.
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { curlPull, curlPush, sequence } from './curl.mjs';
import { measure } from './measure.mjs';

/** The action's default `compression-level`. */
export const LEVEL = 6;

/**
 * `tar -c <folder> | gzip -<level> > <archive>`, openssl sha256 of it, then curl's upload.
 * @param {{ dir: string, title: string }} folder  the data folder and the folder's name in it
 */
export async function tarPush(registry, repository, folder, { scratch }) {
  const archive = join(scratch, 'tar-push.tar.gz');
  try {
    const packed = await measure(
      'sh',
      [
        '-c',
        `tar -cf - -C "$1" "$2" | gzip -${LEVEL} > "$3"`,
        'sh',
        folder.dir,
        folder.title,
        archive,
      ],
      { scratch },
    );
    const hashed = await measure('openssl', ['dgst', '-sha256', '-r', archive], { scratch });
    const blob = { path: archive, digest: `sha256:${hashed.stdout.slice(0, 64)}` };
    const pushed = await curlPush(registry, repository, [blob], { parallel: 1, scratch });
    return sequence(sequence(packed, hashed), pushed);
  } finally {
    await rm(archive, { force: true });
  }
}

/** curl's download of the layer, then `tar -xzf` of it into `out`. */
export async function tarPull(registry, repository, blob, { out, scratch }) {
  const download = join(out, 'download');
  await mkdir(download);
  const fetched = await curlPull(registry, repository, [blob], {
    outDir: download,
    parallel: 1,
    scratch,
  });
  const unpacked = await measure('tar', ['-xzf', join(download, '0'), '-C', out], { scratch });
  return sequence(fetched, unpacked);
}
