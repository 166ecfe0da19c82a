// Flat config kept under .github/linters (as the official action template does) so the top
// level holds only what the design card lists.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** @actions/core functions that print to the log. */
const PRINTERS = [
  'info',
  'notice',
  'warning',
  'error',
  'debug',
  'group',
  'startGroup',
  'endGroup',
  'setFailed',
];
const PRINT_MESSAGE =
  'print through actionLog (src/action/log.ts), which neutralises untrusted text; errors through formatError';

/**
 * no-restricted-syntax entries against `core.<name>`, importing `<name>` from @actions/core, and
 * writing to stdout/stderr directly.
 */
const printRestrictions = (names) => [
  {
    selector: `MemberExpression[object.name='core'][property.name=/^(${names.join('|')})$/]`,
    message: PRINT_MESSAGE,
  },
  {
    selector: `ImportDeclaration[source.value='@actions/core'] > ImportSpecifier[imported.name=/^(${names.join('|')})$/]`,
    message: PRINT_MESSAGE,
  },
  {
    selector: "MemberExpression[object.name='process'][property.name=/^(stdout|stderr)$/]",
    message: PRINT_MESSAGE,
  },
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-console': 'error',
    },
  },
  {
    files: ['**/*.mjs'],
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly' },
    },
  },
  {
    // The embedded OCI client must stay usable outside GitHub Actions.
    files: ['src/oci/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['@actions/*'] }],
    },
  },
  {
    // Commands take a logger; only src/action talks to the runner.
    files: ['src/commands/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: ['@actions/core'] }],
    },
  },
  {
    // Every log line leaves through src/action/log.ts, which neutralises untrusted text (workflow
    // commands, control characters); the step's error through formatError (main.ts).
    files: ['src/**/*.ts'],
    // src/cli.ts: the CLI's entry hands stdout and stderr to src/cli/main.ts, whose log sink
    // (src/cli/terminal-log.ts) receives lines from actionLog only.
    ignores: ['src/action/log.ts', 'src/action/main.ts', 'src/cli.ts'],
    rules: { 'no-restricted-syntax': ['error', ...printRestrictions(PRINTERS)] },
  },
  {
    files: ['src/action/main.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        ...printRestrictions(PRINTERS.filter((name) => name !== 'setFailed')),
      ],
    },
  },
  {
    files: ['__tests__/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
);
