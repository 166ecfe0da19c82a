// Every YAML example in README.md and docs/*.md, and every workflow under .github/workflows,
// passes actionlint, and passes this action only inputs that action.yml declares.
import { readActionMetadata } from './action-metadata.js';
import { asWorkflow } from './as-workflow.js';
import { checkWorkflow } from './check-workflow.js';
import {
  documentationFiles,
  DOCUMENTED_USES,
  IS_LOCAL_ACTION,
  NAMES_THIS_ACTION,
  readRepositoryFile,
  workflowFiles,
} from './doc-files.js';
import { yamlExamples } from './markdown-yaml.js';

const { inputs } = readActionMetadata();

describe.each(documentationFiles())('%s', (file) => {
  const markdown = readRepositoryFile(file);
  const examples = yamlExamples(markdown, file);

  if (examples.length > 0) {
    it.each(examples.map((example) => [example.line, example] as const))(
      'the example at line %i passes actionlint and uses only inputs of action.yml',
      async (_line, example) => {
        const workflow = asWorkflow(example.text);
        const findings = await checkWorkflow(workflow.text, {
          source: file,
          sourceLine: (line) => example.line + line - workflow.exampleLine,
          isThisAction: (uses) => NAMES_THIS_ACTION.test(uses),
          usesForm: DOCUMENTED_USES,
          inputs,
        });
        expect(findings).toEqual([]);
      },
    );
  }

  it('names this action only inside YAML examples, pinned by SHA only with a version comment', () => {
    const usesLines = markdown
      .split('\n')
      .map((text, index) => ({ text, line: index + 1 }))
      .filter(({ text }) => /uses:\s*\S*oci-artifact-action@/.test(text));
    const inExamples = new Set(
      examples.flatMap((example) =>
        example.text.split('\n').map((_text, offset) => example.line + offset),
      ),
    );
    const outside = usesLines.filter(({ line }) => !inExamples.has(line));
    expect(outside.map(({ line, text }) => `${file}:${line}: ${text.trim()}`)).toEqual([]);
    const shaWithoutVersion = usesLines.filter(
      ({ text }) => /@[0-9a-f]{40}/.test(text) && !/#\s*v\d+\.\d+\.\d+/.test(text),
    );
    expect(shaWithoutVersion.map(({ line }) => `${file}:${line}`)).toEqual([]);
  });
});

describe('documentation examples', () => {
  it('are found where the docs have them', () => {
    const counts = Object.fromEntries(
      documentationFiles().map((file) => [
        file,
        yamlExamples(readRepositoryFile(file), file).length,
      ]),
    );
    expect(counts['README.md']).toBeGreaterThanOrEqual(2);
    expect(counts['docs/registries.md']).toBeGreaterThanOrEqual(7);
    expect(counts['docs/commands.md']).toBeGreaterThanOrEqual(7);
  });
});

describe.each(workflowFiles())('%s', (file) => {
  it('passes actionlint and gives the action only inputs of action.yml', async () => {
    const findings = await checkWorkflow(readRepositoryFile(file), {
      source: file,
      sourceLine: (line) => line,
      isThisAction: IS_LOCAL_ACTION,
      inputs,
    });
    expect(findings).toEqual([]);
  });
});
