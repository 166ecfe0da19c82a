// The inputs of the registry commands (repo-ls, repo-tags, resolve, tag, copy, discover,
// delete), read once into typed values for src/commands.
import { isDigest } from '../../oci/digest.js';
import { DEFAULT_CONCURRENCY } from '../../oci/transfer-policy.js';
import { isValidMediaType } from '../../oci/media-types.js';
import {
  isValidRegistry,
  isValidTag,
  parseReference,
  referenceSelector,
} from '../../oci/reference.js';
import type { RemoteOptions } from '../../oci/remote/options.js';
import { OciError } from '../../oci/errors.js';
import {
  targetName,
  targetSelector,
  type RemoteTargetSpec,
  type TargetSpec,
} from '../../commands/target-spec.js';
import { InputError } from '../input-error.js';
import { readRemoteOptions, readTargetSpec, withChunkSize } from './connection.js';
import { tagNames } from './metadata-action.js';
import { readBoolean, readInteger, readLines, readString, refuseGiven } from './read.js';

const TAG_EXPECTED = "a tag: 1-128 letters, digits, '_', '.' or '-', not starting with '.' or '-'";

/** A target with the tag or digest the command works on. */
export interface SelectedTarget {
  target: TargetSpec;
  /** Tag or digest inside the target. */
  selector: string;
  /** `host/repo` or the layout path as given. */
  name: string;
}

/**
 * `registry` + `reference` (or `layout` + `reference`) naming one manifest. Without a tag or
 * digest, `latest` unless the command needs one spelled out (delete).
 */
export function readSelectedTarget(options: { requireSelector?: string } = {}): SelectedTarget {
  const target = readTargetSpec();
  const given = targetSelector(target);
  if (given === undefined && options.requireSelector !== undefined) {
    throw new InputError('reference', readString('reference'), options.requireSelector);
  }
  return { target, selector: given ?? 'latest', name: targetName(target) };
}

/** `registry` alone, for repo-ls. */
export function readRegistry(): { registry: string; options: RemoteOptions } {
  refuseGiven(
    'layout',
    'nothing: repo-ls lists the repositories of a registry, which a layout folder does not have',
  );
  const registry = readString('registry');
  if (registry === '' || !isValidRegistry(registry)) {
    throw new InputError(
      'registry',
      registry,
      'a registry host[:port], such as ghcr.io or localhost:5000',
    );
  }
  return { registry, options: readRemoteOptions() };
}

/** A repository (or layout folder) without a tag or digest, for repo-tags. */
export function readRepository(): TargetSpec {
  const target = readTargetSpec();
  if (targetSelector(target) !== undefined) {
    throw new InputError(
      'reference',
      readString('reference'),
      target.kind === 'layout'
        ? 'nothing with "layout": repo-tags lists every tag of the folder'
        : 'a repository without tag or digest, such as org/app',
    );
  }
  return target;
}

/**
 * `tags`: one per line, at least one; a tag, or a full reference to the target's repository
 * (docker/metadata-action's format).
 */
export function readTagList(target: TargetSpec): string[] {
  const lines = readLines('tags');
  if (lines.length === 0)
    throw new InputError('tags', '', `one or more tags, one per line (${TAG_EXPECTED})`);
  return tagNames(lines, target);
}

/** `artifact-type` as a filter; undefined when empty. */
export function readArtifactTypeFilter(): string | undefined {
  const value = readString('artifact-type');
  if (value === '') return undefined;
  if (!isValidMediaType(value)) {
    throw new InputError(
      'artifact-type',
      value,
      'a media type type/subtype, such as application/spdx+json',
    );
  }
  return value;
}

export interface CopyInputs {
  source: SelectedTarget;
  destination: TargetSpec;
  destinationName: string;
  /** The destination's tag: its reference's, else the source's tag; none copies by digest. */
  tag?: string;
  recursive: boolean;
  concurrency: number;
  /** Set when source and destination are repositories of one registry. */
  mountFrom?: string;
}

const SOURCE_EXPECTED =
  'a full reference host/repo[:tag][@digest], or with "source-layout" a tag or digest in that folder';

export function readCopyInputs(): CopyInputs {
  const source = readCopySource();
  const destination = withChunkSize(readTargetSpec());
  const destinationSelector = targetSelector(destination);
  if (destinationSelector !== undefined && isDigest(destinationSelector)) {
    throw new InputError(
      'reference',
      readString('reference'),
      'a destination without a digest, such as repo or repo:tag: the copy keeps the source digest',
    );
  }
  const tag = destinationSelector ?? (isDigest(source.selector) ? undefined : source.selector);
  const inputs: CopyInputs = {
    source,
    destination,
    destinationName: targetName(destination),
    recursive: readBoolean('recursive', false),
    concurrency: readInteger('concurrency', 1, 64, DEFAULT_CONCURRENCY),
  };
  if (tag !== undefined) inputs.tag = tag;
  const shared = sameRegistry(source.target, destination);
  if (shared !== undefined) {
    const [from, to] = shared;
    // Reading the same registry with the destination's explicit login is what users mean when
    // no source credentials are given.
    if (from.options.credentials === undefined && to.options.credentials !== undefined) {
      from.options.credentials = to.options.credentials;
    }
    // Blobs are mounted between repositories of one registry (uploaded only where refused).
    if (from.reference.repository !== to.reference.repository) {
      inputs.mountFrom = from.reference.repository;
    }
  }
  return inputs;
}

/** Source and destination when both are repositories of one registry. */
function sameRegistry(
  source: TargetSpec,
  destination: TargetSpec,
): [RemoteTargetSpec, RemoteTargetSpec] | undefined {
  if (source.kind !== 'remote' || destination.kind !== 'remote') return undefined;
  return source.reference.registry === destination.reference.registry
    ? [source, destination]
    : undefined;
}

function readCopySource(): SelectedTarget {
  const layout = readString('source-layout');
  const source = readString('source');
  if (layout !== '') {
    if (source !== '' && !isDigest(source) && !isValidTag(source)) {
      throw new InputError('source', source, 'a tag or digest inside "source-layout"');
    }
    const target: TargetSpec = { kind: 'layout', path: layout };
    return { target, selector: source || 'latest', name: layout };
  }
  if (source === '') throw new InputError('source', '', SOURCE_EXPECTED);
  let reference;
  try {
    reference = parseReference(source);
  } catch (error) {
    if (error instanceof OciError) {
      throw new InputError('source', source, `${SOURCE_EXPECTED} (${error.message})`);
    }
    throw error;
  }
  const target: TargetSpec = {
    kind: 'remote',
    reference,
    options: readRemoteOptions({ username: 'source-username', password: 'source-password' }),
  };
  return {
    target,
    selector: referenceSelector(reference) ?? 'latest',
    name: targetName(target),
  };
}
