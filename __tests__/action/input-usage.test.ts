// The one table of which command uses which input agrees with action.yml and with the README's
// "used by" column, and the warnings it drives fire only for inputs the workflow really gave.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  describeUsers,
  INPUT_USAGE,
  unusedInputWarnings,
  type InputUse,
} from '../../src/action/inputs/input-usage.js';
import { COMMAND_NAMES } from '../../src/action/inputs/command-names.js';
import { readString } from '../../src/action/inputs/read.js';
import { declaredInputs } from '../support/action-defaults.js';

const ROOT = join(import.meta.dirname, '..', '..');
const TABLE = INPUT_USAGE as Record<string, InputUse>;

/** The README's Inputs table: input name → its "used by" cell. */
function readmeUsedBy(): Map<string, string> {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Inputs'), readme.indexOf('## Outputs'));
  const rows = section.split('\n').filter((line) => /^\| `/.test(line));
  const usedBy = new Map<string, string>();
  for (const row of rows) {
    const [names = '', , users = ''] = row
      .split('|')
      .slice(1)
      .map((cell) => cell.trim());
    for (const name of names.split(',').map((n) => n.trim().replace(/^`|`$/g, ''))) {
      if (usedBy.has(name)) throw new Error(`the README lists input ${name} twice`);
      usedBy.set(name, users);
    }
  }
  return usedBy;
}

describe('which command uses which input', () => {
  it('has one entry for every input of action.yml, and no other', () => {
    expect(Object.keys(TABLE).sort()).toEqual(Object.keys(declaredInputs()).sort());
  });

  it('holds the input names: the readers take no other name (npm run typecheck)', () => {
    // @ts-expect-error a misspelt input is a type error, not an input that is never set
    expect(readString('referense')).toBe('');
  });

  it('knows each default as action.yml writes it, so a default passed by the runner is no input', () => {
    const declared = declaredInputs();
    for (const [name, use] of Object.entries(TABLE)) {
      expect([name, use.default ?? '']).toEqual([name, declared[name]]);
    }
  });

  it('agrees with the "used by" column of the README', () => {
    const readme = readmeUsedBy();
    expect([...readme.keys()].sort()).toEqual(Object.keys(TABLE).sort());
    for (const [name, use] of Object.entries(TABLE)) {
      expect([name, readme.get(name)]).toEqual([name, describeUsers(use.usedBy)]);
    }
  });

  it('names only commands that exist, in hints too', () => {
    for (const use of Object.values(TABLE)) {
      const named = [
        ...(typeof use.usedBy === 'string'
          ? []
          : 'allBut' in use.usedBy
            ? use.usedBy.allBut
            : use.usedBy),
        ...Object.keys(use.meant ?? {}),
      ];
      for (const command of named) expect(COMMAND_NAMES).toContain(command);
    }
  });
});

describe('warnings about inputs a command ignores', () => {
  /** The runner's view: every default of action.yml (github-token filled in), plus `given`. */
  const runner =
    (given: Record<string, string> = {}) =>
    (name: string): string => {
      const defaults = declaredInputs();
      const value = given[name] ?? defaults[name] ?? '';
      return value.startsWith('${{') ? 'ghs_the_job_token' : value;
    };

  it.each(COMMAND_NAMES)('says nothing to %s about what the workflow did not give', (command) => {
    expect(unusedInputWarnings(command, runner({ command }))).toEqual([]);
  });

  it('names the input and what was likely meant, never its value', () => {
    const warnings = unusedInputWarnings(
      'push',
      runner({ path: 'dist/', 'source-password': 'hunter2', overwrite: 'false', unpack: 'true' }),
    );
    expect(warnings).toEqual([
      'Input "path" is not used by push; did you mean "files" (what to push; "path" is where pull writes)?',
      'Input "overwrite" is not used by push',
      'Input "source-password" is not used by push; did you mean "password"?',
    ]);
    expect(warnings.join('\n')).not.toContain('hunter2');
  });

  it('points platform and subject mix-ups to the input meant', () => {
    expect(unusedInputWarnings('push', runner({ platform: 'linux/amd64' }))).toEqual([
      'Input "platform" is not used by push; did you mean "artifact-platform" (the platform to record for what is pushed)?',
    ]);
    expect(unusedInputWarnings('pull', runner({ 'artifact-platform': 'linux/amd64' }))).toEqual([
      'Input "artifact-platform" is not used by pull; did you mean "platform" (which manifest of an index to take)?',
    ]);
    expect(unusedInputWarnings('attach', runner({ subject: 'team/app:v1' }))).toEqual([
      'Input "subject" is not used by attach; did you mean "reference" (the manifest the attached artifact refers to)?',
    ]);
    expect(
      unusedInputWarnings('index', runner({ files: 'dist/', platform: 'linux/amd64' })),
    ).toEqual([
      'Input "files" is not used by index',
      'Input "platform" is not used by index; did you mean "platform=os/arch" at the end of a "manifests" or "add" line?',
    ]);
  });

  it('points pull users who give a tag list to the reference', () => {
    expect(
      unusedInputWarnings('pull', runner({ tags: 'v1', 'if-no-files-found': 'warn' })),
    ).toEqual([
      'Input "tags" is not used by pull; did you mean "reference" (repo:tag names the one tag it works on)?',
      'Input "if-no-files-found" is not used by pull',
    ]);
  });
});
