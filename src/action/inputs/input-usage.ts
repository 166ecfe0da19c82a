// Which command uses which input, written down once. A given input that the chosen command
// ignores gets a warning (with the input the user likely meant), so `path: dist/` on a push does
// not go green with nothing in it. The README's "used by" column is checked against this table.
import { COMMAND_NAMES, type CommandName } from './command-names.js';

/** The commands that read an input. */
export type Users = 'all' | { allBut: readonly CommandName[] } | readonly CommandName[];

export interface InputUse {
  usedBy: Users;
  /**
   * action.yml's default, which the runner passes when the workflow gives nothing: a value
   * equal to it was not given. A `${{ … }}` default is filled in by the runner from the
   * workflow (github-token), so its value never tells; such an input is never warned about.
   */
  default?: string;
  /** Per command that ignores it: what the user likely meant instead. */
  meant?: Partial<Record<CommandName, string>>;
}

const allBut = (...commands: CommandName[]): Users => ({ allBut: commands });
const PUSH: readonly CommandName[] = ['push', 'attach'];
/** The commands that take one manifest of an index by its platform. */
const PLATFORM: readonly CommandName[] = ['pull', 'resolve', 'copy', 'attach', 'discover'];
const BUT_COPY = COMMAND_NAMES.filter((command) => command !== 'copy');
/** The same hint for several commands. */
const hint = (
  commands: readonly CommandName[],
  text: string,
): Partial<Record<CommandName, string>> =>
  Object.fromEntries(commands.map((command) => [command, text]));
const TAG_IN_REFERENCE = hint(
  ['pull', 'resolve', 'delete', 'discover', 'copy'],
  '"reference" (repo:tag names the one tag it works on)',
);

// One line per input, in action.yml's order. A new input is one more line here (and a README row).
export const INPUT_USAGE = {
  command: { usedBy: 'all' },
  registry: { usedBy: 'all' },
  reference: { usedBy: allBut('repo-ls') },
  layout: { usedBy: allBut('repo-ls') },
  tags: { usedBy: ['push', 'attach', 'tag', 'index'], meant: TAG_IN_REFERENCE },
  files: { usedBy: ['push', 'attach', 'pull'] },
  'working-directory': { usedBy: ['push', 'attach', 'pull'] },
  'if-no-files-found': { usedBy: PUSH, default: 'error' },
  'include-hidden-files': { usedBy: PUSH, default: 'false' },
  'artifact-type': { usedBy: ['push', 'attach', 'discover', 'pull', 'index'] },
  config: { usedBy: PUSH },
  'image-spec': { usedBy: PUSH },
  annotations: { usedBy: [...PUSH, 'index'] },
  'annotation-file': { usedBy: PUSH },
  reproducible: { usedBy: PUSH, default: 'true' },
  'compression-level': { usedBy: PUSH, default: '6' },
  concurrency: { usedBy: ['push', 'attach', 'pull', 'copy', 'index'], default: '16' },
  'chunk-size': { usedBy: ['push', 'attach', 'copy'] },
  path: {
    usedBy: ['pull'],
    meant: hint(PUSH, '"files" (what to push; "path" is where pull writes)'),
  },
  'media-types': { usedBy: ['pull'], meant: hint(PUSH, '"files" (path:media/type per line)') },
  overwrite: { usedBy: ['pull'], default: 'true' },
  'allow-path-traversal': { usedBy: ['pull'], default: 'false' },
  unpack: { usedBy: ['pull'], default: 'true' },
  'unpack-limit': { usedBy: ['pull'] },
  'expected-digest': { usedBy: ['pull'] },
  cache: { usedBy: ['pull'], default: 'false' },
  'download-parts': { usedBy: ['pull'], default: 'auto' },
  'include-digest-tags': { usedBy: ['repo-tags'], default: 'false' },
  source: { usedBy: ['copy'], meant: { pull: '"reference" (what to pull)' } },
  'source-layout': { usedBy: ['copy'], meant: hint(BUT_COPY, '"layout"') },
  recursive: { usedBy: ['copy'], default: 'false' },
  'source-username': { usedBy: ['copy'], meant: hint(BUT_COPY, '"username"') },
  'source-password': { usedBy: ['copy'], meant: hint(BUT_COPY, '"password"') },
  'artifact-platform': {
    usedBy: PUSH,
    meant: hint(
      ['pull', 'resolve', 'copy', 'discover'],
      '"platform" (which manifest of an index to take)',
    ),
  },
  platform: {
    usedBy: PLATFORM,
    meant: {
      push: '"artifact-platform" (the platform to record for what is pushed)',
      index: '"platform=os/arch" at the end of a "manifests" or "add" line',
    },
  },
  merge: { usedBy: ['pull'], default: 'false' },
  subject: {
    usedBy: ['pull'],
    meant: {
      attach: '"reference" (the manifest the attached artifact refers to)',
      discover: '"reference" (the manifest whose referrers to list)',
    },
  },
  manifests: { usedBy: ['index'], meant: { push: '"files" (what to push)' } },
  add: { usedBy: ['index'], meant: { tag: '"tags" (the tags to add)' } },
  remove: { usedBy: ['index'], meant: { delete: '"reference" (the manifest to delete)' } },
  username: { usedBy: 'all' },
  password: { usedBy: 'all' },
  'github-token': { usedBy: 'all', default: '${{ github.token }}' },
  'plain-http': { usedBy: 'all', default: 'false' },
  insecure: { usedBy: 'all', default: 'false' },
  'ca-file': { usedBy: 'all' },
  timeout: { usedBy: 'all' },
} as const satisfies Record<string, InputUse>;

export type InputName = keyof typeof INPUT_USAGE;

export function isUsedBy(users: Users, command: CommandName): boolean {
  if (users === 'all') return true;
  if ('allBut' in users) return !users.allBut.includes(command);
  return users.includes(command);
}

/** How the README's "used by" column writes it: `all`, ``all but `repo-ls` ``, `push, pull`. */
export function describeUsers(users: Users): string {
  if (users === 'all') return 'all';
  if ('allBut' in users) return `all but ${users.allBut.map((c) => `\`${c}\``).join(', ')}`;
  return users.join(', ');
}

/**
 * One warning for each input the workflow gave that `command` does not use. `read` gives an
 * input's value as the runner passed it (its action.yml default when the workflow gave none).
 * Values are never quoted: the input may hold a secret.
 */
export function unusedInputWarnings(
  command: CommandName,
  read: (name: InputName) => string,
): string[] {
  const warnings: string[] = [];
  for (const [name, use] of Object.entries(INPUT_USAGE) as [InputName, InputUse][]) {
    if (isUsedBy(use.usedBy, command)) continue;
    if (use.default?.startsWith('${{')) continue;
    const value = read(name);
    if (value === '' || value === use.default) continue;
    const meant = use.meant?.[command];
    warnings.push(
      `Input "${name}" is not used by ${command}${meant === undefined ? '' : `; did you mean ${meant}?`}`,
    );
  }
  return warnings;
}
