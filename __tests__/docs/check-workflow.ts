// What the docs test requires of a workflow (a documentation example wrapped by as-workflow.ts, or
// a file under .github/workflows): actionlint finds nothing, and every step that uses this action
// passes only inputs that action.yml declares, naming the action in the documented form.
import { actionlint } from './actionlint.js';
import { stepsUsing } from './action-steps.js';

export interface WorkflowCheck {
  /** Where the workflow came from, for messages: `README.md`, `.github/workflows/ci.yml`. */
  source: string;
  /** Maps a line of the linted text to the line of `source` it came from. */
  sourceLine: (lintedLine: number) => number;
  /** Whether a `uses:` value names this action. */
  isThisAction: (uses: string) => boolean;
  /** The form a `uses:` of this action must have; any form when absent. */
  usesForm?: RegExp;
  inputs: ReadonlySet<string>;
}

/** One line per problem, `source:line: message`; empty when the workflow passes. */
export async function checkWorkflow(text: string, check: WorkflowCheck): Promise<string[]> {
  const at = (line: number) => `${check.source}:${check.sourceLine(line)}`;
  const findings = (await actionlint(text, check.source)).map(
    (problem) => `${at(problem.line)}:${problem.column}: ${problem.message} [${problem.kind}]`,
  );
  for (const step of stepsUsing(text, check.isThisAction)) {
    if (check.usesForm && !check.usesForm.test(step.uses)) {
      findings.push(`${at(step.line)}: "uses: ${step.uses}" is not in the form ${check.usesForm}`);
    }
    for (const key of step.withKeys) {
      if (!check.inputs.has(key)) {
        findings.push(`${at(step.line)}: "with: ${key}" is not an input of action.yml`);
      }
    }
  }
  return findings;
}
