// `oci-artifact --help` and `oci-artifact <command> --help`. The flags of a command are the inputs
// the action's own table says it reads (input-usage.ts), with action.yml's descriptions,
// embedded at bundle time (action-metadata.ts).
import { INPUT_USAGE, type InputUse } from '../action/inputs/input-usage.js';
import { COMMAND_NAMES, type CommandName } from '../action/inputs/command-names.js';
import { INPUT_DESCRIPTIONS, VERSION } from './action-metadata.js';
import { inputsOf, isBooleanInput, OWN_FLAGS } from './arguments.js';

/** One line per command; a command without one is still listed. */
const COMMAND_SUMMARIES: Partial<Record<CommandName, string>> = {
  push: 'files, globs and folders → one artifact',
  pull: 'an artifact → files in --path, verified and atomic',
  'repo-ls': 'the repositories of a registry',
  'repo-tags': 'the tags of a repository',
  resolve: 'tag → digest, no download',
  tag: 'add tags to a manifest',
  copy: 'copy an artifact between repositories, registries or layout folders',
  attach: 'an artifact that refers to another (SBOM, signature)',
  discover: 'the artifacts attached to one',
  delete: 'delete a manifest',
  index: 'an image index over manifests, one per platform, or an edit of one',
};

const WIDTH = 100;
const TABLE = INPUT_USAGE as Readonly<Record<string, InputUse>>;

/** `text` in lines of at most WIDTH characters (a longer word gets a line of its own). */
function wrap(text: string, indent: string): string[] {
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (current !== '' && indent.length + current.length + 1 + word.length > WIDTH) {
      lines.push(indent + current);
      current = word;
    } else {
      current = current === '' ? word : `${current} ${word}`;
    }
  }
  if (current !== '') lines.push(indent + current);
  return lines;
}

export function generalHelp(): string {
  const width = Math.max(...COMMAND_NAMES.map((name) => name.length));
  return [
    `oci-artifact ${VERSION}: push files and folders to any OCI registry as an artifact, and pull them`,
    'back by digest. The commands and inputs of the oci-artifact-action GitHub Action, for a shell or',
    'any CI system.',
    '',
    'Usage: oci-artifact <command> --<input> <value> …',
    '',
    'Commands:',
    ...COMMAND_NAMES.map((name) =>
      `  ${name.padEnd(width)}  ${COMMAND_SUMMARIES[name] ?? ''}`.trimEnd(),
    ),
    '',
    ...wrap(
      'The flags are the inputs of the action, by the same names. A repeated flag is a list ' +
        '(--files a --files b is the two-line input "a", "b"); a boolean is --flag or ' +
        '--flag=false. The outputs are printed as one JSON object on stdout; the log goes to ' +
        'stderr. Exit code 1 on any error. Credentials come from --username and ' +
        '--password-stdin, else from the Docker config (docker login, credential helpers), ' +
        'as in the action.',
      '',
    ),
    '',
    'Flags of every command:',
    `  ${OWN_FLAGS.passwordStdin}  read --password from standard input (what is on the command line is`,
    '                    visible to other processes on this machine)',
    `  ${OWN_FLAGS.debug}           print debug lines too`,
    `  ${OWN_FLAGS.help}, -h        this help; oci-artifact <command> --help lists the command's flags`,
    `  ${OWN_FLAGS.version}         print the version`,
    '',
  ].join('\n');
}

export function commandHelp(command: CommandName): string {
  const summary = COMMAND_SUMMARIES[command];
  const lines = [`Usage: oci-artifact ${command} [flags]`, ''];
  if (summary !== undefined) lines.push(`${command}: ${summary}`, '');
  lines.push('Flags (the inputs of the action that this command reads):');
  for (const name of inputsOf(command)) {
    const fallback = TABLE[name]?.default;
    const shown = fallback === undefined || fallback.startsWith('${{') ? '' : fallback;
    const flag = isBooleanInput(name) ? `--${name}[=false]` : `--${name} <value>`;
    lines.push(`  ${flag}${shown === '' ? '' : `  (default: ${shown})`}`);
    lines.push(...wrap(INPUT_DESCRIPTIONS[name] ?? '', '      '));
  }
  lines.push(
    '',
    `  ${OWN_FLAGS.passwordStdin}, ${OWN_FLAGS.debug}, ${OWN_FLAGS.help}: see oci-artifact --help`,
    '',
  );
  return lines.join('\n');
}
