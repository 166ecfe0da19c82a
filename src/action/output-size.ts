// Outputs that grow with the number of files (`files`, `manifest`) are written whole, since
// later steps of the same job may read them freely; a warning says when they get big enough to
// break a job output. GitHub allows 1 MB of outputs per job, "approximated based on UTF-16
// encoding": two bytes per UTF-16 code unit, so about 500,000 characters of JSON.
// https://docs.github.com/en/actions/writing-workflows/choosing-what-your-workflow-does/passing-information-between-jobs
import { actionLog } from './log.js';

/** GitHub's limit on the outputs of one job, in bytes as it counts them. */
export const JOB_OUTPUTS_LIMIT = 1_000_000;

/** Half the job's limit: one such output and a few more would already exceed it. */
export const LARGE_OUTPUT = JOB_OUTPUTS_LIMIT / 2;

/** The size GitHub counts for an output value. */
export const outputSize = (value: string): number => value.length * 2;

/** A warning for each output whose value is large, with what to hand on instead. */
export function warnAboutLargeOutputs(outputs: Record<string, string>, instead: string): void {
  for (const [name, value] of Object.entries(outputs)) {
    const size = outputSize(value);
    if (size <= LARGE_OUTPUT) continue;
    actionLog.warning(
      `The output "${name}" is ${Math.round(size / 1000)} kB as GitHub counts it (UTF-16); the outputs of a job may total ${JOB_OUTPUTS_LIMIT / 1_000_000} MB. ` +
        `Later steps of this job can read it, but to hand the artifact to another job map ${instead} to the job's outputs instead.`,
    );
  }
}
