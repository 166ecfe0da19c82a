// Outputs and job summary of push and attach: the same shape for both.
import type { PushResult } from '../../commands/push/push.js';
import { targetName, type RemoteTargetSpec, type TargetSpec } from '../../commands/target-spec.js';
import { artifactTypeOf } from '../../commands/pack/manifest.js';
import { warnAboutLargeOutputs } from '../output-size.js';
import { setWrittenOutputs } from '../outputs.js';
import { actionUses, pushSummaryMarkdown } from '../summary/push.js';
import { writeSummary } from '../summary/write.js';

export async function reportPush(
  spec: TargetSpec,
  result: PushResult,
  verb: 'Pushed' | 'Attached',
  subject?: string,
): Promise<void> {
  const name = targetName(spec);
  const digest = result.descriptor.digest;
  const artifactType = artifactTypeOf(result.manifest);
  // Compact JSON, so later steps can fromJSON() it.
  const files = JSON.stringify(result.files);
  const { reference, manifest } = setWrittenOutputs(
    { name, descriptor: result.descriptor, bytes: result.bytes, artifactType, tags: result.tags },
    { files },
  );
  warnAboutLargeOutputs({ files, manifest }, '"reference" (or "digest")');

  await writeSummary(
    pushSummaryMarkdown({
      verb,
      name,
      ...(result.tags[0] === undefined ? {} : { tag: result.tags[0] }),
      reference,
      digest,
      artifactType,
      tags: result.tags,
      files: result.files,
      ...(subject === undefined ? {} : { subject }),
      ...(spec.kind === 'layout' ? {} : { pullWith: pullInputs(spec, digest) }),
      uses: actionUses(),
    }),
  );
}

/** The inputs a pull step needs to read back exactly this digest from the registry. */
function pullInputs(spec: RemoteTargetSpec, digest: string): [string, string][] {
  const inputs: [string, string][] = [
    ['registry', spec.reference.registry],
    ['reference', `${spec.reference.repository}@${digest}`],
  ];
  if (spec.options.plainHttp) inputs.push(['plain-http', 'true']);
  if (spec.options.insecure) inputs.push(['insecure', 'true']);
  if (spec.options.caFile !== undefined) inputs.push(['ca-file', spec.options.caFile]);
  return inputs;
}
