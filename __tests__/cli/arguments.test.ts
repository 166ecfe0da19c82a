// The command line → the action's inputs: every input of the command is a flag, repeated flags
// are lists, booleans stand alone, and what is no input of the command is refused by name.
import { INPUT_USAGE } from '../../src/action/inputs/input-usage.js';
import { COMMAND_NAMES } from '../../src/action/inputs/command-names.js';
import { inputsOf, parseCommandLine, secretsIn } from '../../src/cli/arguments.js';
import { flagInputs } from '../../src/cli/flag-inputs.js';
import { UsageError } from '../../src/cli/usage-error.js';

const run = (argv: string[]) => {
  const line = parseCommandLine(argv);
  if (line.kind !== 'run') throw new Error(`not a run: ${line.kind}`);
  return line;
};
const usage = (argv: string[]): string => {
  try {
    parseCommandLine(argv);
  } catch (error) {
    if (error instanceof UsageError) return error.message;
    throw error;
  }
  throw new Error(`accepted: ${argv.join(' ')}`);
};

describe('parseCommandLine', () => {
  it('takes each input of the command as --name value or --name=value, a repeated one as a list', () => {
    const line = run(['PUSH', '--files', 'a.txt', '--files=dir/', '--reference', '-odd:v1']);
    expect(line.command).toBe('push');
    expect(Object.fromEntries(line.inputs)).toEqual({
      files: ['a.txt', 'dir/'],
      reference: ['-odd:v1'],
    });
    const inputs = flagInputs('push', line.inputs);
    // As the runner passes a two-line input, and action.yml's default for what was not given.
    expect(inputs.get('files', 'lines')).toBe('a.txt\ndir/');
    expect(inputs.get('if-no-files-found', 'value')).toBe('error');
    expect(inputs.get('github-token', 'value')).toBe('');
    expect(inputs.get('command', 'value')).toBe('push');
    expect(() => inputs.get('files', 'value')).toThrow(
      '--files was given 2 times, but it takes one value',
    );
  });

  it('reads a boolean alone as true, and its value only after "="', () => {
    const line = run(['pull', '--overwrite=false', '--plain-http', '--reference', 'a/b:1']);
    expect(Object.fromEntries(line.inputs)).toEqual({
      overwrite: ['false'],
      'plain-http': ['true'],
      reference: ['a/b:1'],
    });
    expect(usage(['pull', '--overwrite', 'false'])).toMatch(
      /^Unexpected argument "false": .*\(--overwrite=false\)$/,
    );
  });

  it('has a flag for every input a command reads, and only those', () => {
    for (const command of COMMAND_NAMES) {
      const expected = Object.entries(INPUT_USAGE)
        .filter(([name, use]) => {
          if (name === 'command') return false;
          const users = use.usedBy as unknown;
          if (users === 'all') return true;
          if (typeof users === 'object' && users !== null && 'allBut' in users) {
            return !(users as { allBut: string[] }).allBut.includes(command);
          }
          return (users as string[]).includes(command);
        })
        .map(([name]) => name);
      expect([command, inputsOf(command)]).toEqual([command, expected]);
    }
  });

  it('names what it refuses: commands, flags of other commands, missing values', () => {
    expect(usage([])).toBe('No command given; oci-artifact --help lists the commands');
    expect(usage(['fetch'])).toMatch(/^Unknown command "fetch"; the commands are push, pull/);
    expect(usage(['--files', 'a', 'push'])).toMatch(/^The command comes first/);
    expect(usage(['push', '--command', 'pull'])).toMatch(/^--command is no flag/);
    expect(usage(['push', '--path', 'dist/'])).toBe(
      '--path is not used by push; did you mean "files" (what to push; "path" is where pull writes)?; oci-artifact push --help lists its flags',
    );
    expect(usage(['pull', '--referense', 'x'])).toBe(
      'Unknown flag --referense for pull; did you mean --reference? (oci-artifact pull --help lists its flags)',
    );
    expect(usage(['pull', '--reference'])).toBe('--reference needs a value: --reference <value>');
    expect(usage(['pull', '--password', 'p', '--password-stdin'])).toBe(
      'Give --password or --password-stdin, not both',
    );
    // A stray word after a password is not shown: it may be the password's second half.
    expect(usage(['pull', '--password', 'two', 'words'])).toMatch(
      /^Unexpected argument \(not shown: it follows a password\)/,
    );
    expect(usage(['pull', '--password=two', 'words'])).toMatch(/^Unexpected argument \(not/);
    expect(usage(['pull', '--overwrite', 'false', '--password', 'x'])).toMatch(
      /^Unexpected argument "false"/,
    );
  });

  it('answers --help for the whole tool or one command, and --version', () => {
    expect(parseCommandLine(['--help'])).toEqual({ kind: 'help' });
    expect(parseCommandLine(['-h'])).toEqual({ kind: 'help' });
    expect(parseCommandLine(['pull', '--bogus', '--help'])).toEqual({
      kind: 'help',
      command: 'pull',
    });
    expect(parseCommandLine(['--version'])).toEqual({ kind: 'version' });
  });

  it('finds the secrets of the command line before anything is checked', () => {
    expect(
      secretsIn([
        'copy',
        '--password',
        'a b',
        '--source-password=c',
        '--github-token',
        'ghs_x',
        '--password=',
        '--username',
        'user',
      ]),
    ).toEqual(['a b', 'c', 'ghs_x']);
  });
});
