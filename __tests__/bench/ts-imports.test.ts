// The WAN bench loads the tests' fault proxy (TypeScript) with Node's own type stripping, not
// through jest: this proves it still can, since nothing else would notice until a bench run.
import { execFile } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const here = (path: string) => pathToFileURL(fileURLToPath(new URL(path, import.meta.url))).href;

describe('the bench loading the fault proxy as Node runs TypeScript', () => {
  it('imports it with its .js-named imports, starts it and stops it', async () => {
    const script = `
      import { resolveTypeScriptImports } from ${JSON.stringify(here('./ts-imports.mjs'))};
      resolveTypeScriptImports();
      const { startFaultProxy } = await import(${JSON.stringify(here('../support/fault-proxy.ts'))});
      const proxy = await startFaultProxy('http://127.0.0.1:9');
      proxy.setRules([{ method: 'POST', path: /x/, fault: { kind: 'single-post' } }]);
      console.log(proxy.url.startsWith('http://127.0.0.1:') ? 'started' : proxy.url);
      await proxy.stop();
    `;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script]);
    expect(stdout.trim()).toBe('started');
  });
});
