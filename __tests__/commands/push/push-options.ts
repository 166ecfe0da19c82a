// What a test packs or pushes with: the action's defaults (OCI 1.1, reproducible, fail when a
// line matches nothing), so that a test spells out only the fields it is about.
import type { ArtifactSpec } from '../../../src/commands/pack/pack-artifact.js';
import type { PushOptions } from '../../../src/commands/push/push.js';

type Defaulted =
  | 'ifNoFilesFound'
  | 'includeHiddenFiles'
  | 'imageSpec'
  | 'annotations'
  | 'reproducible'
  | 'mtime'
  | 'compressionLevel'
  | 'concurrency';

/** A fresh object each time: a test may change its annotations. */
const defaults = (): Pick<ArtifactSpec, Defaulted> => ({
  ifNoFilesFound: 'error',
  includeHiddenFiles: false,
  imageSpec: 'v1.1',
  annotations: {},
  reproducible: true,
  mtime: 0,
  compressionLevel: 6,
  concurrency: 1,
});

/** The defaults under `given`: what to pack, from where, and into which folder are required. */
export const artifactSpec = (
  given: Omit<ArtifactSpec, Defaulted> & Partial<ArtifactSpec>,
): ArtifactSpec => ({ ...defaults(), ...given });

/** The defaults and no extra tags under `given`; the target's name and temp root are required. */
export const pushOptions = (
  given: Omit<PushOptions, Defaulted | 'tags'> & Partial<PushOptions>,
): PushOptions => ({ ...defaults(), tags: [], ...given });
