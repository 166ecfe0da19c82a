// The runner's reading of a step's output, rebuilt from its rules (actions/runner,
// src/Runner.Common/ActionCommand.cs and ActionCommandManager.cs), so tests can ask which lines
// of the raw stdout it would take as workflow commands.

export interface FoundCommand {
  /** Lower case, as the runner compares names case-insensitively. */
  name: string;
  /** The data after the command, unescaped as the runner does. */
  data: string;
  form: 'v2' | 'legacy';
  line: string;
}

/** Every command name the runner registers (the action commands it knows). */
const REGISTERED = [
  'add-mask',
  'add-matcher',
  'add-path',
  'debug',
  'echo',
  'endgroup',
  'error',
  'group',
  'notice',
  'remove-matcher',
  'save-state',
  'set-env',
  'set-output',
  'stop-commands',
  'warning',
  'internal-set-repo-path',
];

/** .NET's Char.IsWhiteSpace, which String.TrimStart() uses. */
const DOTNET_SPACE = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*/;

const unescapeData = (text: string): string =>
  text.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');

/** Lines as the runner reads them: split at \r\n, \n or \r. */
export const runnerLines = (output: string): string[] => output.split(/\r\n|\n|\r/);

/** The command the runner would find in one line, if any. */
export function parseCommand(line: string): FoundCommand | undefined {
  const trimmed = line.replace(DOTNET_SPACE, '');
  if (trimmed.startsWith('::')) {
    const end = trimmed.indexOf('::', 2);
    if (end >= 0) {
      const info = trimmed.slice(2, end);
      const name = (info.split(' ')[0] ?? '').toLowerCase();
      if (REGISTERED.includes(name)) {
        return { name, data: unescapeData(trimmed.slice(end + 2)), form: 'v2', line };
      }
    }
  }
  const prefix = line.indexOf('##[');
  if (prefix >= 0) {
    const close = line.indexOf(']', prefix);
    if (close >= 0) {
      const name = (line.slice(prefix + 3, close).split(' ')[0] ?? '').toLowerCase();
      if (REGISTERED.includes(name)) {
        return { name, data: line.slice(close + 1), form: 'legacy', line };
      }
    }
  }
  return undefined;
}

/** Every command in a step's output. */
export const workflowCommands = (output: string): FoundCommand[] =>
  runnerLines(output)
    .map(parseCommand)
    .filter((c): c is FoundCommand => c !== undefined);
