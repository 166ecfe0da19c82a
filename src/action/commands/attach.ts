import { attachArtifact } from '../../commands/attach.js';
import { openTarget } from '../../commands/open-target.js';
import { InputError } from '../input-error.js';
import { actionLog } from '../log.js';
import { readPlatform } from '../inputs/platform.js';
import { readPushInputs } from '../inputs/push.js';
import { asInputError } from './push.js';
import { reportPush } from './push-report.js';

/** Reads the inputs of `command: attach`, runs it, and writes its outputs and job summary. */
export async function runAttach(): Promise<void> {
  const { target: spec, options, selector } = await readPushInputs('attach');
  const { artifactType } = options;
  if (artifactType === undefined) {
    throw new InputError(
      'artifact-type',
      '',
      'the type of what is attached, such as application/spdx+json or application/vnd.dev.sigstore.bundle.v0.3+json (attach requires it)',
    );
  }
  if (options.imageSpec !== 'v1.1') {
    throw new InputError(
      'image-spec',
      options.imageSpec,
      'v1.1: only it has the subject field attach needs',
    );
  }
  const subjectPlatform = readPlatform();
  const target = await openTarget(spec, { create: false });
  const result = await asInputError(() =>
    attachArtifact(
      target,
      {
        ...options,
        artifactType,
        subjectReference: selector ?? 'latest',
        ...(subjectPlatform === undefined ? {} : { subjectPlatform }),
      },
      actionLog,
    ),
  );
  if (result.kind === 'nothing-found') return;
  await reportPush(spec, result, 'Attached', `${options.name}@${result.subject.digest}`);
}
