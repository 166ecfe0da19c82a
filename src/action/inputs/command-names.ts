// The commands the action runs (the `command` input). The input names are the keys of
// INPUT_USAGE (input-usage.ts), which also says which command reads each.

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
