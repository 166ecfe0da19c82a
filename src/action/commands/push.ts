import { pushArtifact, TagsIncomplete } from '../../commands/push/push.js';
import { openTarget } from '../../commands/open-target.js';
import { SpecError } from '../../commands/pack/spec-error.js';
import { InputError } from '../input-error.js';
import { actionLog } from '../log.js';
import { readPushInputs, readPushTag } from '../inputs/push.js';
import { reportPush } from './push-report.js';

/** Reads the inputs of `command: push`, runs it, and writes its outputs and job summary. */
export async function runPush(): Promise<void> {
  const inputs = await readPushInputs('push');
  const tag = readPushTag(inputs);
  const result = await asInputError(() =>
    pushArtifact(
      () => openTarget(inputs.target, { create: true }),
      { ...inputs.options, tag },
      actionLog,
    ),
  ).catch(async (error: unknown) => {
    // The artifact is in: its outputs and summary still say where, and the step fails.
    if (error instanceof TagsIncomplete) await reportPush(inputs.target, error.pushed, 'Pushed');
    throw error;
  });
  // Nothing matched and if-no-files-found allowed it: the log said so; no outputs.
  if (result.kind === 'nothing-found') return;
  await reportPush(inputs.target, result, 'Pushed');
}

/** A SpecError from packing is bad input: report it as the input it names. */
export async function asInputError<T>(body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof SpecError) {
      throw new InputError(error.input, error.given, error.expected);
    }
    throw error;
  }
}
