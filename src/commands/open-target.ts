// The one place that turns a TargetSpec into a Target.
import { OciLayout } from '../oci/layout/store.js';
import { RemoteRepository } from '../oci/remote/repository.js';
import type { Target } from '../oci/target.js';
import type { TargetSpec } from './target-spec.js';

export interface OpenOptions {
  /** Create the layout folder when missing (writers); readers need it to exist. */
  create?: boolean;
}

export async function openTarget(spec: TargetSpec, options: OpenOptions = {}): Promise<Target> {
  if (spec.kind === 'layout') {
    const create = options.create ?? false;
    return OciLayout.open(spec.path, spec.lock ? { create, lock: spec.lock } : { create });
  }
  return new RemoteRepository(spec.reference, spec.options);
}
