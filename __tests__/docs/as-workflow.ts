// Turns a documentation example into a workflow that actionlint can check. Three shapes occur,
// and each is recognised by its top level:
//
// 1. A list of steps (the top level is a sequence): placed, unchanged, under
//    `jobs.example.steps` of a workflow triggered `on: push`, running on `ubuntu-latest`. A step
//    list often reads an earlier job's outputs (`needs.build.outputs.digest`); for each such job a
//    stub job is added that sets exactly those outputs, and the example job `needs` them, so
//    actionlint checks the expression instead of refusing an unknown job.
// 2. A workflow without its trigger (a mapping with `jobs` but no `on`): `on: push` is prepended.
// 3. A complete workflow (a mapping with `jobs` and `on`): linted as written.
//
// Anything else (a mapping without `jobs`, a scalar) is not a workflow example: the caller reports
// it, so that a doc uses another info string (json, text) for what is not a workflow.
import { parse } from 'yaml';

export interface LintableWorkflow {
  text: string;
  /** 1-based line of `text` that holds the example's first line. */
  exampleLine: number;
}

export class NotAWorkflowError extends Error {
  readonly code = 'NOT_A_WORKFLOW';
}

const STEPS_INDENT = '      ';
const NEEDS_OUTPUT = /\bneeds\.([A-Za-z_][\w-]*)\.outputs\.([A-Za-z_][\w-]*)/g;

export function asWorkflow(example: string): LintableWorkflow {
  const top: unknown = parse(example);
  if (Array.isArray(top)) return wrapSteps(example);
  if (isMapping(top) && 'jobs' in top) {
    if ('on' in top) return { text: example, exampleLine: 1 };
    return { text: `on: push\n${example}`, exampleLine: 2 };
  }
  throw new NotAWorkflowError(
    'neither a list of steps nor a workflow with jobs: give it another info string than yaml',
  );
}

function wrapSteps(steps: string): LintableWorkflow {
  const stubs = neededOutputs(steps);
  const head = ['on: push', 'jobs:'];
  for (const [job, outputs] of stubs) {
    head.push(`  ${job}:`, '    runs-on: ubuntu-latest', '    outputs:');
    for (const output of outputs) head.push(`      ${output}: stub`);
    head.push('    steps:', '      - run: echo stub');
  }
  head.push('  example:', '    runs-on: ubuntu-latest');
  if (stubs.size > 0) head.push(`    needs: [${[...stubs.keys()].join(', ')}]`);
  head.push('    steps:');
  const body = steps
    .split('\n')
    .map((line) => (line === '' ? line : STEPS_INDENT + line))
    .join('\n');
  return { text: `${head.join('\n')}\n${body}`, exampleLine: head.length + 1 };
}

/** job → output names, for every `needs.<job>.outputs.<name>` in the text. */
function neededOutputs(text: string): Map<string, Set<string>> {
  const jobs = new Map<string, Set<string>>();
  for (const [, job = '', output = ''] of text.matchAll(NEEDS_OUTPUT)) {
    const outputs = jobs.get(job) ?? new Set<string>();
    outputs.add(output);
    jobs.set(job, outputs);
  }
  return jobs;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
