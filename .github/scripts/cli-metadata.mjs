// Writes src/cli/action-metadata.ts from action.yml and package.json, so the CLI's help carries
// the inputs' descriptions and its JSON output knows which outputs hold JSON without reading
// action.yml at run time. `npm run bundle` runs it first; a test checks the committed file is
// current. `node .github/scripts/cli-metadata.mjs [--check]`: --check only compares, exit 1 when
// the file is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as prettier from 'prettier';
import { parse } from 'yaml';

const ROOT = join(import.meta.dirname, '..', '..');
const TARGET = join(ROOT, 'src', 'cli', 'action-metadata.ts');

const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8'));
const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

const descriptions = Object.fromEntries(
  Object.entries(action.inputs).map(([name, input]) => [name, input.description.trim()]),
);
// An output whose description says JSON holds JSON text; the CLI prints it as JSON.
const jsonOutputs = Object.entries(action.outputs)
  .filter(([, output]) => /\bJSON\b/.test(output.description))
  .map(([name]) => name);

const source = `// Generated from action.yml and package.json by .github/scripts/cli-metadata.mjs (run by
// \`npm run bundle\`): do not edit.

/** The package version. */
export const VERSION = ${JSON.stringify(version)};

/** Each input's description in action.yml, by name. */
export const INPUT_DESCRIPTIONS: Readonly<Record<string, string>> = ${JSON.stringify(descriptions)};

/** The outputs whose value is JSON text. */
export const JSON_OUTPUTS: readonly string[] = ${JSON.stringify(jsonOutputs)};
`;

const options = (await prettier.resolveConfig(TARGET)) ?? {};
const formatted = await prettier.format(source, { ...options, filepath: TARGET });

if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(TARGET, 'utf8');
  } catch {
    // missing counts as stale
  }
  if (current !== formatted) {
    console.error(`${TARGET} is not current with action.yml: run npm run bundle and commit it`);
    process.exit(1);
  }
} else {
  writeFileSync(TARGET, formatted);
}
