// `oci-artifact <command> --<input> value …` → what to run. The flags are exactly the action's
// inputs (the table in src/action/inputs/input-usage.ts, one entry per input of action.yml), so an
// input added there is a flag here. Nothing in this file prints: errors are UsageErrors, and they
// name flags, never values (a value may be a password).
import {
  INPUT_USAGE,
  isUsedBy,
  unusedInputWarnings,
  type InputUse,
} from '../action/inputs/input-usage.js';
import { COMMAND_NAMES, type CommandName } from '../action/inputs/command-names.js';
import { SECRET_INPUTS } from '../action/inputs/read.js';
import { UsageError } from './usage-error.js';

/** Flags of the CLI itself, which are no inputs. */
export const OWN_FLAGS = {
  help: '--help',
  version: '--version',
  debug: '--debug',
  passwordStdin: '--password-stdin',
} as const;

export type CommandLine =
  | { kind: 'help'; command?: CommandName }
  | { kind: 'version' }
  | {
      kind: 'run';
      command: CommandName;
      /** Input name → each value given, in order (a repeated flag gives several). */
      inputs: ReadonlyMap<string, readonly string[]>;
      /** Print debug lines. */
      debug: boolean;
      /** Read `password` from standard input. */
      passwordStdin: boolean;
    };

const TABLE = INPUT_USAGE as Readonly<Record<string, InputUse>>;

/** An input whose action.yml default is true or false: `--flag` alone means true. */
export const isBooleanInput = (name: string): boolean =>
  TABLE[name]?.default === 'true' || TABLE[name]?.default === 'false';

/** The inputs `command` reads, in action.yml's order (`command` itself is the first word). */
export function inputsOf(command: CommandName): string[] {
  return Object.entries(TABLE)
    .filter(([name, use]) => name !== 'command' && isUsedBy(use.usedBy, command))
    .map(([name]) => name);
}

const isHelp = (arg: string): boolean => arg === OWN_FLAGS.help || arg === '-h';

export function parseCommandLine(argv: readonly string[]): CommandLine {
  const [first, ...rest] = argv;
  if (first === undefined) {
    throw new UsageError('No command given; oci-artifact --help lists the commands');
  }
  if (isHelp(first)) return { kind: 'help' };
  if (first === OWN_FLAGS.version) return { kind: 'version' };
  const command = COMMAND_NAMES.find((name) => name === first.toLowerCase());
  if (command === undefined) {
    throw new UsageError(
      first.startsWith('-')
        ? `The command comes first, before any flag: oci-artifact <command> ${first} …; the commands are ${COMMAND_NAMES.join(', ')}`
        : `Unknown command ${JSON.stringify(first)}; the commands are ${COMMAND_NAMES.join(', ')}`,
    );
  }
  if (rest.some(isHelp)) return { kind: 'help', command };

  const known = new Set(inputsOf(command));
  const inputs = new Map<string, string[]>();
  let debug = false;
  let passwordStdin = false;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i] as string;
    if (arg === OWN_FLAGS.debug) {
      debug = true;
      continue;
    }
    if (arg === OWN_FLAGS.passwordStdin) {
      passwordStdin = true;
      continue;
    }
    if (!arg.startsWith('--') || arg === '--') {
      throw new UsageError(
        `Unexpected argument ${describeArgument(arg, rest.slice(0, i))}: every input is a flag, such as --reference app:v1, and a boolean takes its value after "=" (--overwrite=false)`,
      );
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    if (!known.has(name)) throw new UsageError(unknownFlag(command, name));
    let value: string;
    if (eq >= 0) value = arg.slice(eq + 1);
    else if (isBooleanInput(name)) value = 'true';
    else {
      const next = rest[++i];
      if (next === undefined) throw new UsageError(`--${name} needs a value: --${name} <value>`);
      value = next;
    }
    inputs.set(name, [...(inputs.get(name) ?? []), value]);
  }
  if (passwordStdin && inputs.has('password')) {
    throw new UsageError('Give --password or --password-stdin, not both');
  }
  return { kind: 'run', command, inputs, debug, passwordStdin };
}

/**
 * The argument quoted, unless it follows a secret's value: then it may be the rest of a
 * password with a space that the shell split (`--password two words`).
 */
function describeArgument(arg: string, before: readonly string[]): string {
  const previous = before.at(-1) ?? '';
  const afterSecret =
    SECRET_FLAGS.has(before.at(-2) ?? '') ||
    [...SECRET_FLAGS].some((flag) => previous.startsWith(`${flag}=`));
  return afterSecret ? '(not shown: it follows a password)' : JSON.stringify(arg);
}

/** Why `--name` is not a flag of `command`: another command's input (with the likely meaning), or none. */
function unknownFlag(command: CommandName, name: string): string {
  if (name === 'command') {
    return `--command is no flag: the command is the first word, as in oci-artifact ${command} …`;
  }
  if (name in TABLE) {
    const [warning] = unusedInputWarnings(command, (input) => (input === name ? '\0given' : ''));
    return `${warning?.replace(/^Input "([^"]+)"/, '--$1') ?? `--${name} is not used by ${command}`}; oci-artifact ${command} --help lists its flags`;
  }
  const close = inputsOf(command).find((input) => isNear(input, name));
  return `Unknown flag --${name} for ${command}${close === undefined ? '' : `; did you mean --${close}?`} (oci-artifact ${command} --help lists its flags)`;
}

/** One edit apart, or the same but for a missing or extra hyphen or letter case. */
function isNear(a: string, b: string): boolean {
  const plain = (s: string): string => s.toLowerCase().replace(/[-_]/g, '');
  if (plain(a) === plain(b)) return true;
  return editDistance(a, b) <= 1 || (a.length > 5 && editDistance(a, b) <= 2);
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length] as number;
}

const SECRET_FLAGS = new Set(SECRET_INPUTS.map((name) => `--${name}`));

/**
 * The values of the secret flags (`--password x`, `--password=x`, …), found before the command
 * line is checked, so that no message, not even one about a mistyped flag, can show them.
 */
export function secretsIn(argv: readonly string[]): string[] {
  const secrets: string[] = [];
  argv.forEach((arg, i) => {
    const next = argv[i + 1];
    if (SECRET_FLAGS.has(arg) && next !== undefined) secrets.push(next);
    const eq = arg.indexOf('=');
    if (eq > 0 && SECRET_FLAGS.has(arg.slice(0, eq))) secrets.push(arg.slice(eq + 1));
  });
  return secrets.filter((secret) => secret !== '');
}
