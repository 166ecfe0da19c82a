// The CLI's copy of action.yml (descriptions of the inputs, which outputs hold JSON) is current:
// `npm run bundle` writes it, and a stale one would show old help or print JSON as text.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { INPUT_DESCRIPTIONS, JSON_OUTPUTS } from '../../src/cli/action-metadata.js';
import { commandHelp, generalHelp } from '../../src/cli/help.js';
import { inputsOf } from '../../src/cli/arguments.js';
import { COMMAND_NAMES } from '../../src/action/inputs/command-names.js';

const ROOT = join(import.meta.dirname, '..', '..');

interface ActionYaml {
  inputs: Record<string, { description: string }>;
  outputs: Record<string, { description: string }>;
}

describe("the CLI's copy of action.yml", () => {
  it('is what the generator writes from action.yml now (npm run bundle writes it)', async () => {
    await expect(
      promisify(execFile)(process.execPath, [
        join(ROOT, '.github', 'scripts', 'cli-metadata.mjs'),
        '--check',
      ]),
    ).resolves.toBeDefined();
    const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as ActionYaml;
    expect(Object.keys(INPUT_DESCRIPTIONS)).toEqual(Object.keys(action.inputs));
    expect(JSON_OUTPUTS).toEqual([
      'tags',
      'manifest',
      'files',
      'repositories',
      'referrers',
      'pulled',
    ]);
  });

  it("gives each command's help every input the command reads, with its description", () => {
    for (const command of COMMAND_NAMES) {
      const help = commandHelp(command).replace(/\n {6}/g, ' ');
      for (const input of inputsOf(command)) {
        const description = INPUT_DESCRIPTIONS[input]!.replace(/\s+/g, ' ');
        expect(help).toContain(`--${input}`);
        expect(help).toContain(description);
      }
    }
  });

  it('lists every command with a one-line summary of what it does', () => {
    const lines = generalHelp().split('\n');
    for (const command of COMMAND_NAMES) {
      expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^  ${command} +\\S`)));
    }
  });
});
