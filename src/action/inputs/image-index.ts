// The inputs of `index`: where the index goes (`registry` + `reference`, or `layout`), and
// either `manifests` (create) or `add`/`remove` (update the index `reference` names).
import type {
  EntrySpec,
  ManifestSource,
  RemovalSpec,
} from '../../commands/image-index/entry-spec.js';
import { targetName, targetSelector, type TargetSpec } from '../../commands/target-spec.js';
import { DEFAULT_CONCURRENCY } from '../../oci/transfer-policy.js';
import type { Annotations } from '../../oci/descriptor.js';
import { isDigest } from '../../oci/digest.js';
import { OciError } from '../../oci/errors.js';
import { isValidMediaType } from '../../oci/media-types.js';
import { PLATFORM_SYNTAX } from '../../oci/platform.js';
import { isValidTag, parseReference, referenceSelector } from '../../oci/reference.js';
import { InputError } from '../input-error.js';
import { checkAnnotationKeys } from './annotation-keys.js';
import { readTargetSpec } from './connection.js';
import { parsePlatformInput } from './platform.js';
import { readInteger, readKeyValues, readLines, readString } from './read.js';

export type IndexWork =
  | { kind: 'create'; manifests: EntrySpec[] }
  | { kind: 'update'; add: EntrySpec[]; remove: RemovalSpec[] };

export interface IndexInputs {
  target: TargetSpec;
  /** `host/repo` or the layout path as given. */
  name: string;
  /** Create: the tag to write. Update: the tag or digest of the index to edit. */
  selector: string;
  work: IndexWork;
  artifactType?: string;
  annotations: Annotations;
  tags: string[];
  concurrency: number;
}

const ENTRY_EXPECTED =
  "a tag or digest of the index's repository, or a reference host/repo:tag or repo@sha256:…, then optionally platform=os/arch[/variant]";
const TAG_EXPECTED = "a tag: 1-128 letters, digits, '_', '.' or '-', not starting with '.' or '-'";

export function readIndexInputs(): IndexInputs {
  const target = readTargetSpec();
  const given = targetSelector(target);
  const work = readWork(target);
  if (work.kind === 'create' && given !== undefined && isDigest(given)) {
    throw new InputError(
      'reference',
      readString('reference'),
      'repo[:tag] without a digest: index computes the digest of the index it creates',
    );
  }
  const inputs: IndexInputs = {
    target,
    name: targetName(target),
    selector: given ?? 'latest',
    work,
    annotations: readIndexAnnotations(),
    tags: readTags(),
    concurrency: readInteger('concurrency', 1, 64, DEFAULT_CONCURRENCY),
  };
  const artifactType = readString('artifact-type');
  if (artifactType !== '') {
    if (!isValidMediaType(artifactType)) {
      throw new InputError(
        'artifact-type',
        artifactType,
        'a media type type/subtype, such as application/vnd.example.build.v1',
      );
    }
    inputs.artifactType = artifactType;
  }
  return inputs;
}

function readWork(target: TargetSpec): IndexWork {
  const manifests = readLines('manifests');
  const add = readLines('add');
  const remove = readLines('remove');
  if (manifests.length > 0 && (add.length > 0 || remove.length > 0)) {
    throw new InputError(
      'manifests',
      manifests[0] ?? '',
      'nothing when "add" or "remove" is given: "manifests" creates an index, "add" and "remove" edit the one "reference" names',
    );
  }
  if (manifests.length > 0) {
    return { kind: 'create', manifests: manifests.map((l) => entryOf('manifests', l, target)) };
  }
  if (add.length === 0 && remove.length === 0) {
    throw new InputError(
      'manifests',
      '',
      `the manifests of the index, one per line: ${ENTRY_EXPECTED}; or "add"/"remove" lines to edit the index "reference" names`,
    );
  }
  return {
    kind: 'update',
    add: add.map((line) => entryOf('add', line, target)),
    remove: remove.map((line) => removalOf(line, target)),
  };
}

/** `ref [platform=os/arch[/variant]]` */
function entryOf(input: string, line: string, target: TargetSpec): EntrySpec {
  const [ref = '', ...options] = line.split(/\s+/);
  const spec: EntrySpec = { written: line, source: sourceOf(input, line, ref, target) };
  for (const option of options) {
    if (!option.startsWith('platform=') || spec.platform !== undefined) {
      throw new InputError(input, line, ENTRY_EXPECTED);
    }
    spec.platform = parsePlatformInput(input, option.slice('platform='.length), PLATFORM_SYNTAX);
  }
  return spec;
}

/** `platform=os/arch[/variant]`, or a tag, digest or reference of the manifest to remove. */
function removalOf(line: string, target: TargetSpec): RemovalSpec {
  if (/\s/.test(line)) {
    throw new InputError(
      'remove',
      line,
      'one entry per line: a digest, tag or reference of the manifest to remove, or platform=os/arch[/variant]',
    );
  }
  if (line.startsWith('platform=')) {
    const platform = parsePlatformInput('remove', line.slice('platform='.length), PLATFORM_SYNTAX);
    return { kind: 'platform', written: line, platform };
  }
  return { kind: 'manifest', written: line, source: sourceOf('remove', line, line, target) };
}

/**
 * A digest or tag is one of the index's own repository; anything else is a reference, which
 * must be on the same registry (its manifest is copied in, blobs mounted).
 */
function sourceOf(input: string, line: string, ref: string, target: TargetSpec): ManifestSource {
  if (isDigest(ref) || isValidTag(ref)) return { kind: 'here', selector: ref };
  if (target.kind === 'layout') {
    throw new InputError(input, line, 'a tag or digest inside the layout folder');
  }
  const { registry, repository } = target.reference;
  let reference;
  try {
    reference = parseReference(ref, { defaultRegistry: registry });
  } catch (error) {
    if (error instanceof OciError) {
      throw new InputError(input, line, `${ENTRY_EXPECTED} (${error.message})`);
    }
    throw error;
  }
  if (reference.registry !== registry) {
    throw new InputError(
      input,
      line,
      `a manifest on the registry of "reference" (${registry}): copy it there first with command: copy`,
    );
  }
  const selector = referenceSelector(reference);
  if (selector === undefined) {
    throw new InputError(input, line, 'a reference with a tag or digest, such as team/app:v1');
  }
  return reference.repository === repository
    ? { kind: 'here', selector }
    : { kind: 'repository', reference };
}

function readIndexAnnotations(): Annotations {
  return checkAnnotationKeys(readKeyValues('annotations'));
}

function readTags(): string[] {
  const tags = readLines('tags');
  for (const tag of tags) {
    if (!isValidTag(tag))
      throw new InputError('tags', tag, `one tag per line, each ${TAG_EXPECTED}`);
  }
  return tags;
}
