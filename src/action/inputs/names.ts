// Every input and output name in one place; they are the action's interface (see action.yml).

export const COMMAND_NAMES = [
  'push',
  'pull',
  'repo-ls',
  'repo-tags',
  'resolve',
  'tag',
  'copy',
  'attach',
  'discover',
  'delete',
  'index',
] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];
