import { runAction, type ActionRun } from '../support/run-action.js';

describe('where the content lives (bundled action)', () => {
  const runs: ActionRun[] = [];
  afterAll(async () => Promise.all(runs.map((r) => r.cleanup())));

  it.each(['push', 'pull', 'resolve'])(
    '%s refuses layout and registry together',
    async (command) => {
      const run = await runAction({
        command,
        layout: 'out/layout',
        registry: 'localhost:5000',
        reference: 'v1',
        files: 'a.txt',
      });
      runs.push(run);
      expect(run.exitCode).toBe(1);
      expect(run.errors).toEqual([
        'Input "layout": got "out/layout"; expected either "layout" or "registry", not both (registry is "localhost:5000")',
      ]);
    },
  );
});
