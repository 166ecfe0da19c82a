// `npm run coverage` measures the bundled action and CLI inside the child processes the tests
// start: it sets OCI_CHILD_COVERAGE to a folder, and every child that run-action.ts or
// run-cli.ts starts (with an environment built from scratch) writes its V8 coverage there.
export function childCoverageEnv(): Record<string, string> {
  const folder = process.env['OCI_CHILD_COVERAGE'];
  return folder ? { NODE_V8_COVERAGE: folder } : {};
}
