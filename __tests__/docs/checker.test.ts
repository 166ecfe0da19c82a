// The docs test's own parts: each must be able to fail, or a passing docs test proves nothing.
import { asWorkflow, NotAWorkflowError } from './as-workflow.js';
import { checkWorkflow, type WorkflowCheck } from './check-workflow.js';
import { DOCUMENTED_USES, NAMES_THIS_ACTION } from './doc-files.js';
import { yamlExamples } from './markdown-yaml.js';

const INPUTS = new Set(['command', 'reference', 'registry']);

function checkDocSnippet(snippet: string, firstLine = 10): Promise<string[]> {
  const workflow = asWorkflow(snippet);
  const check: WorkflowCheck = {
    source: 'doc.md',
    sourceLine: (line) => firstLine + line - workflow.exampleLine,
    isThisAction: (uses) => NAMES_THIS_ACTION.test(uses),
    usesForm: DOCUMENTED_USES,
    inputs: INPUTS,
  };
  return checkWorkflow(workflow.text, check);
}

describe('yamlExamples', () => {
  it('returns the yaml and yml blocks with the line of their first line, and nothing else', () => {
    const markdown = [
      '# Title', // 1
      '```sh', // 2
      'npm test', // 3
      '```', // 4
      '```yaml', // 5
      '- run: one', // 6
      '```', // 7
      '~~~~yml', // 8
      '- run: two', // 9
      '```', // 10 (not a closing fence for ~~~~)
      '~~~~', // 11
      '  ```yaml', // 12 (indented fence: its indentation is removed from the content)
      '  - run: three', // 13
      '  ```', // 14
    ].join('\n');
    expect(yamlExamples(markdown, 'x.md')).toEqual([
      { file: 'x.md', line: 6, text: '- run: one\n' },
      { file: 'x.md', line: 9, text: '- run: two\n```\n' },
      { file: 'x.md', line: 13, text: '- run: three\n' },
    ]);
  });
});

describe('asWorkflow', () => {
  it('wraps a list of steps into a job, keeping the example lines in order', () => {
    const workflow = asWorkflow('- run: echo one\n- run: echo two\n');
    const lines = workflow.text.split('\n');
    expect(lines[workflow.exampleLine - 1]).toBe('      - run: echo one');
    expect(lines[workflow.exampleLine]).toBe('      - run: echo two');
  });

  it('adds a stub job for each job whose outputs a step list reads', async () => {
    const snippet =
      '- run: echo "${{ needs.build.outputs.digest }} ${{ needs.build.outputs.size }}"\n';
    expect(asWorkflow(snippet).text).toContain('needs: [build]');
    expect(await checkDocSnippet(snippet)).toEqual([]);
  });

  it('gives a jobs-only example its trigger, and keeps a complete workflow as it is', () => {
    const jobs = 'jobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo\n';
    expect(asWorkflow(jobs)).toEqual({ text: `on: push\n${jobs}`, exampleLine: 2 });
    expect(asWorkflow(`on: push\n${jobs}`)).toEqual({ text: `on: push\n${jobs}`, exampleLine: 1 });
  });

  it('refuses YAML that is not a workflow example', () => {
    expect(() => asWorkflow('key: value\n')).toThrow(NotAWorkflowError);
  });
});

describe('checkWorkflow', () => {
  it('passes a correct example', async () => {
    const snippet = [
      '- uses: OWNER/oci-artifact-action@v1',
      '  with:',
      '    command: resolve',
      '    reference: ghcr.io/octo-org/app:v1',
    ].join('\n');
    expect(await checkDocSnippet(snippet)).toEqual([]);
  });

  it('reports a uses: without owner, as actionlint does, at its line in the doc', async () => {
    const findings = await checkDocSnippet('- uses: oci-artifact-action@v1\n', 10);
    expect(findings).toEqual([
      expect.stringMatching(/^doc\.md:10:\d+: .*owner is missing.* \[action\]$/),
      expect.stringMatching(/^doc\.md:10: "uses: oci-artifact-action@v1" is not in the form/),
    ]);
  });

  it('reports another owner or ref than the documented form', async () => {
    const findings = await checkDocSnippet('- uses: acme/oci-artifact-action@main\n', 10);
    expect(findings).toEqual([
      expect.stringMatching(/^doc\.md:10: "uses: acme\/.*" is not in the form/),
    ]);
  });

  it('reports a with: key that action.yml does not declare, at the step', async () => {
    const snippet = [
      '- run: echo first',
      '- id: push',
      '  uses: OWNER/oci-artifact-action@v1',
      '  with:',
      '    command: push',
      '    artifact_type: x',
    ].join('\n');
    expect(await checkDocSnippet(snippet, 20)).toEqual([
      'doc.md:22: "with: artifact_type" is not an input of action.yml',
    ]);
  });

  it('reports what actionlint finds in expressions and permissions', async () => {
    const workflow = [
      'on: push',
      'permissions:',
      '  packagez: write',
      'jobs:',
      '  a:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - run: echo "${{ github.repositoryy }}"',
    ].join('\n');
    const findings = await checkDocSnippet(workflow, 1);
    expect(findings).toEqual([
      expect.stringMatching(/^doc\.md:3:\d+: .*"packagez".* \[permissions\]$/),
      expect.stringMatching(/^doc\.md:8:\d+: .*"repositoryy".* \[expression\]$/),
    ]);
  });

  it('accepts what a current workflow needs: attestations permission, ubuntu-24.04', async () => {
    const workflow = [
      'on: push',
      'permissions:',
      '  attestations: write',
      '  id-token: write',
      'jobs:',
      '  a:',
      '    runs-on: ubuntu-24.04',
      '    steps:',
      '      - run: echo',
    ].join('\n');
    expect(await checkDocSnippet(workflow, 1)).toEqual([]);
  });
});
