// The action as a contender: push and pull through the bundled entry, checked for success.
import { runAction } from './action.mjs';

/**
 * Pushes `files` (the action's `files` input, relative to the data folder) to `reference`.
 * @param {{ data: { dir: string }, scratch: string }} ctx
 * @param {Record<string, string>} [inputs] more inputs (`concurrency`, …)
 */
export async function actionPush(ctx, registry, reference, files, inputs = {}) {
  const run = await runAction(
    {
      command: 'push',
      registry: registry.host,
      reference,
      files,
      'plain-http': 'true',
      'working-directory': ctx.data.dir,
      ...inputs,
    },
    { scratch: ctx.scratch, workspace: ctx.data.dir },
  );
  if (!/^sha256:[0-9a-f]{64}$/.test(run.outputs['digest'] ?? '')) {
    throw new Error(`action push ${reference}: no digest output`);
  }
  return run;
}

/**
 * Pulls `reference` into `out`, expecting `layers` entries in the `files` output.
 * @param {{ inputs?: Record<string, string>, toolCache?: string }} [options]
 *   `toolCache`: RUNNER_TOOL_CACHE to keep between runs (for `cache: true`).
 */
export async function actionPull(ctx, registry, reference, out, layers, options = {}) {
  const run = await runAction(
    {
      command: 'pull',
      registry: registry.host,
      reference,
      path: out,
      'plain-http': 'true',
      ...options.inputs,
    },
    {
      scratch: ctx.scratch,
      workspace: ctx.data.dir,
      ...(options.toolCache ? { toolCache: options.toolCache } : {}),
    },
  );
  const files = JSON.parse(run.outputs['files'] ?? '[]');
  if (files.length !== layers) {
    throw new Error(
      `action pull ${reference}: ${files.length} files in the output, expected ${layers}`,
    );
  }
  return run;
}
