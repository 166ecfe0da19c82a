// Outputs, job summary lines for push and attach: the same shape for both.
import * as core from '@actions/core';
import type { PushResult } from '../../commands/push/push.js';
import type { TargetSpec } from '../../commands/target-spec.js';
import { artifactTypeOf } from '../../commands/pack/manifest.js';
import { setJsonOutput, setOutputs } from '../outputs.js';
import { actionUses, pushSummaryMarkdown } from '../summary/push.js';
import { targetName } from '../inputs/push.js';

export async function reportPush(
  spec: TargetSpec,
  result: PushResult,
  verb: 'Pushed' | 'Attached',
  subject?: string,
): Promise<void> {
  const name = targetName(spec);
  const digest = result.descriptor.digest;
  const reference = `${name}@${digest}`;
  const artifactType = artifactTypeOf(result.manifest);
  setOutputs({
    digest,
    reference,
    'media-type': result.descriptor.mediaType,
    'artifact-type': artifactType,
    size: result.descriptor.size,
    // The exact bytes whose digest is `digest`.
    manifest: result.bytes.toString('utf8'),
  });
  setJsonOutput(
    'tags',
    result.tags.map((tag) => `${name}:${tag}`),
  );
  setJsonOutput('files', result.files);

  const markdown = pushSummaryMarkdown({
    verb,
    target: result.tags[0] === undefined ? name : `${name}:${result.tags[0]}`,
    reference,
    digest,
    artifactType,
    tags: result.tags,
    files: result.files,
    ...(subject === undefined ? {} : { subject }),
    pull:
      spec.kind === 'layout'
        ? { layout: spec.path, reference: digest }
        : {
            registry: spec.reference.registry,
            reference: `${spec.reference.repository}@${digest}`,
          },
    uses: actionUses(),
  });
  await core.summary.addRaw(markdown).write();
}
