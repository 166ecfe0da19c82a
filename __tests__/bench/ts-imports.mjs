// The bench runs some of the tests' TypeScript helpers as Node runs TypeScript (types stripped).
// Those helpers name their imports by the `.js` that tsc would emit, as jest's moduleNameMapper
// expects; Node finds no such file. This hook tries the `.ts` beside a relative `.js` that is
// missing, for importers that are TypeScript themselves.
import { registerHooks } from 'node:module';

let registered = false;

/** Lets `import('…/x.ts')` load helpers whose own imports say `./y.js`. Idempotent. */
export function resolveTypeScriptImports() {
  if (registered) return;
  registered = true;
  registerHooks({
    resolve(specifier, context, nextResolve) {
      const fromTypeScript = context.parentURL?.endsWith('.ts') ?? false;
      if (!fromTypeScript || !specifier.startsWith('.') || !specifier.endsWith('.js')) {
        return nextResolve(specifier, context);
      }
      try {
        return nextResolve(specifier, context);
      } catch (error) {
        if (error?.code !== 'ERR_MODULE_NOT_FOUND') throw error;
        return nextResolve(`${specifier.slice(0, -'.js'.length)}.ts`, context);
      }
    },
  });
}
