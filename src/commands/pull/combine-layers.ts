// The layers of several artifacts pulled at once, decided before a byte is downloaded: each
// layer becomes a download job, unless another artifact has the very same layer at the same
// place (then it is downloaded once). With `merge`, folder layers that meet (at one path, or one
// inside the other) become one tree, merged after download (see merge-tree.ts); single files
// that meet with different digests, or a file where another artifact has a folder, are refused
// here. Without `merge`, artifacts never share a place.
import { dirname, relative, sep } from 'node:path';
import { quoted } from '../../oci/untrusted-text.js';
import { PullError } from './errors.js';
import type { PlannedLayer } from './plan.js';

export interface ArtifactLayers {
  /** Names the artifact in messages, such as `host/repo:tag`. */
  where: string;
  layers: readonly PlannedLayer[];
}

export interface Job {
  layer: PlannedLayer;
  /** The artifact that downloads it. */
  artifact: number;
}

export interface Unit {
  /** The job whose staged result is moved to its target. */
  base: number;
  /** Jobs merged into the base's staged folder, in order, at a path below it ([] = itself). */
  merged: { job: number; path: string[] }[];
}

export interface Combined {
  jobs: Job[];
  /** For each artifact, for each of its layers, the job that brings it. */
  jobOf: number[][];
  units: Unit[];
}

export function combineLayers(artifacts: readonly ArtifactLayers[], merge: boolean): Combined {
  const jobs: Job[] = [];
  const byTarget = new Map<string, number>();
  const mergedInto = new Map<number, { base: number; path: string[] }>();
  const jobOf = artifacts.map((artifact, a) =>
    artifact.layers.map((layer) => {
      const existing = byTarget.get(layer.target);
      if (existing === undefined) {
        jobs.push({ layer, artifact: a });
        byTarget.set(layer.target, jobs.length - 1);
        return jobs.length - 1;
      }
      const other = jobs[existing] as Job;
      const where = (job: Job) => (artifacts[job.artifact] as ArtifactLayers).where;
      if (!merge) {
        throw new PullError(
          'CONFLICTING_TITLES',
          `${where(other)} and ${artifact.where} would both write ${quoted(layer.target)}; pull them into folders of their own`,
        );
      }
      const same =
        other.layer.descriptor.digest === layer.descriptor.digest &&
        other.layer.unpack === layer.unpack;
      if (same) return existing;
      if (!(other.layer.unpack && layer.unpack)) {
        throw differ(layer.target, where(other), artifact.where);
      }
      jobs.push({ layer, artifact: a });
      mergedInto.set(jobs.length - 1, { base: existing, path: [] });
      return jobs.length - 1;
    }),
  );

  // A job below another's target: merged into the outermost folder that holds it.
  jobs.forEach((job, j) => {
    if (mergedInto.has(j)) return;
    let outer: number | undefined;
    for (let dir = dirname(job.layer.target); dir !== dirname(dir); dir = dirname(dir)) {
      const holder = byTarget.get(dir);
      if (holder === undefined) continue;
      const holding = jobs[holder] as Job;
      const where = (k: Job) => (artifacts[k.artifact] as ArtifactLayers).where;
      if (!merge) {
        throw new PullError(
          'CONFLICTING_TITLES',
          `${where(job)} would write ${quoted(job.layer.target)} inside ${quoted(holding.layer.target)}, which ${where(holding)} writes; pull them into folders of their own`,
        );
      }
      if (!holding.layer.unpack) throw differ(job.layer.target, where(holding), where(job));
      outer = holder;
    }
    if (outer !== undefined) {
      const base = (jobs[outer] as Job).layer.target;
      mergedInto.set(j, { base: outer, path: relative(base, job.layer.target).split(sep) });
    }
  });

  const units: Unit[] = [];
  const unitOf = new Map<number, Unit>();
  jobs.forEach((_, j) => {
    if (mergedInto.has(j)) return;
    const unit: Unit = { base: j, merged: [] };
    units.push(unit);
    unitOf.set(j, unit);
  });
  jobs.forEach((_, j) => {
    const into = mergedInto.get(j);
    if (into === undefined) return;
    // The base may itself be merged into another at one path: follow to the unit's base.
    let base = into.base;
    let path = into.path;
    for (let up = mergedInto.get(base); up !== undefined; up = mergedInto.get(base)) {
      path = [...up.path, ...path];
      base = up.base;
    }
    unitOf.get(base)?.merged.push({ job: j, path });
  });
  return { jobs, jobOf, units };
}

function differ(target: string, first: string, second: string): PullError {
  return new PullError(
    'CONFLICTING_FILES',
    `merge: ${first} and ${second} both hold ${quoted(target)}, with different content; nothing was written`,
  );
}
