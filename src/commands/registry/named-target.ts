// A store as the registry commands use it: the Target, its name for messages, and for a registry
// the catalog lookup that tells a missing repository from one without tags.
import { OciError } from '../../oci/errors.js';
import { RemoteRegistry } from '../../oci/remote/registry.js';
import type { Target } from '../../oci/target.js';
import type { Log } from '../log.js';
import { openTarget, type OpenOptions } from '../open-target.js';
import { targetName, type RemoteTargetSpec, type TargetSpec } from '../target-spec.js';
import type { CatalogLookup } from './tag-listing.js';

export interface NamedTarget<T = Target> {
  target: T;
  /** `host/repo`, or the layout path as given. */
  name: string;
  /** Registries only: whether the catalog lists the repository. */
  inCatalog?: CatalogLookup;
}

export async function openNamedTarget(
  spec: TargetSpec,
  log: Log,
  options: OpenOptions = {},
): Promise<NamedTarget> {
  const target = await openTarget(spec, options);
  const name = targetName(spec);
  return spec.kind === 'remote'
    ? { target, name, inCatalog: catalogLookup(spec, log) }
    : { target, name };
}

/**
 * Reads the whole catalog (every page), which is acceptable because it runs only after the
 * registry said NAME_UNKNOWN. The catalog is a reserved extension, not part of the distribution
 * spec, and many registries close it or want a right the login lacks: then undefined.
 * https://github.com/opencontainers/distribution-spec/blob/main/extensions/README.md
 */
function catalogLookup(spec: RemoteTargetSpec, log: Log): CatalogLookup {
  return async () => {
    const registry = new RemoteRegistry(spec.reference.registry, spec.options);
    try {
      return (await registry.catalog()).includes(spec.reference.repository);
    } catch (error) {
      if (!(error instanceof OciError)) throw error;
      log.debug(`The catalog of ${spec.reference.registry} could not be read: ${error.message}`);
      return undefined;
    } finally {
      await registry.close();
    }
  };
}
