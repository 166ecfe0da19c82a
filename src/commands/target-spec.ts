import type { LockOptions } from '../oci/layout/lock-file.js';
import { formatReference, referenceSelector, type Reference } from '../oci/reference.js';
import type { RemoteOptions } from '../oci/remote/options.js';

/** Where a command reads or writes: a repository in a registry, or an OCI image layout folder. */
export type TargetSpec = RemoteTargetSpec | LayoutTargetSpec;

export interface RemoteTargetSpec {
  kind: 'remote';
  reference: Reference;
  options: RemoteOptions;
}

export interface LayoutTargetSpec {
  kind: 'layout';
  /** The layout folder. */
  path: string;
  /** Tag (`org.opencontainers.image.ref.name`) or digest inside the layout, when given. */
  selector?: string;
  /** Waiting for other processes that update the folder's index.json. */
  lock?: LockOptions;
}

/** `host/repo` for a registry, the path as given for a layout folder: how messages name it. */
export function targetName(spec: TargetSpec): string {
  return spec.kind === 'layout'
    ? spec.path
    : formatReference({ registry: spec.reference.registry, repository: spec.reference.repository });
}

/** The tag or digest the spec names inside its target (a digest before a tag), if any. */
export function targetSelector(spec: TargetSpec): string | undefined {
  return spec.kind === 'layout' ? spec.selector : referenceSelector(spec.reference);
}
