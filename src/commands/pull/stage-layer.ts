// Brings one layer into the work folder, verified: a file (size and digest checked while it is
// written) or an extracted folder (the compressed digest checked at the end of the stream, the
// uncompressed one against its annotation). Nothing here touches a final path.
import { createWriteStream } from 'node:fs';
import { pipeline as pipelineCallback, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ORAS_CONTENT_DIGEST } from '../../oci/annotations.js';
import type { Descriptor } from '../../oci/descriptor.js';
import { parseDigest, VerifyingStream, type Digest } from '../../oci/digest.js';
import type { Log } from '../log.js';
import { PullError } from './errors.js';
import type { PlannedLayer } from './plan.js';
import { extractTarGzip } from './tar-extract.js';

/** Single-file layers: rw-r--r-- before the umask (the tar of a folder carries its own modes). */
export const FILE_MODE = 0o644;

export interface StagedLayer {
  layer: PlannedLayer;
  /** The verified file or extracted folder in the work folder. */
  path: string;
  /** Files written, for a folder. */
  files?: number;
}

export async function stageLayer(
  layer: PlannedLayer,
  source: Readable,
  path: string,
  log: Log,
): Promise<StagedLayer> {
  const label = `layer "${layer.name}" (${layer.descriptor.digest})`;
  const verified = verifying(source, layer.descriptor, label);
  if (!layer.unpack) {
    await pipeline(verified, createWriteStream(path, { flags: 'wx', mode: FILE_MODE }));
    return { layer, path };
  }
  const expectedDigest = uncompressedDigest(layer);
  const result = await extractTarGzip(verified, {
    title: layer.name,
    root: path,
    log,
    ...(expectedDigest ? { expectedDigest } : {}),
  });
  return { layer, path, files: result.files };
}

/** Checks size and digest on the way, whatever the source promised. */
export function verifying(source: Readable, descriptor: Descriptor, label: string): Readable {
  const verifier = new VerifyingStream(descriptor, label);
  pipelineCallback(source, verifier, () => undefined);
  return verifier;
}

function uncompressedDigest(layer: PlannedLayer): Digest | undefined {
  const value = layer.descriptor.annotations?.[ORAS_CONTENT_DIGEST];
  if (value === undefined) return undefined;
  try {
    return parseDigest(value);
  } catch (error) {
    throw new PullError(
      'BAD_ARCHIVE',
      `folder layer "${layer.name}": its ${ORAS_CONTENT_DIGEST} annotation is not a digest: ${(error as Error).message}`,
    );
  }
}
