// Several references in one pull, through the bundled action against the real registry (with
// the fault proxy in front to see what was asked of it): every matrix output into a folder of
// its own, or merged into one, with real collisions refused and identical files accepted.
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import type { ActionRun } from '../support/run-action.js';
import { useRegistries } from './registry-support.js';

interface Pulled {
  reference: string;
  digest: string;
  path: string;
  files: { path: string; title: string | null; digest: string }[];
}

const blobGets = (proxy: FaultProxy) =>
  proxy.requests.filter((r) => r.method === 'GET' && /\/blobs\/sha256:/.test(r.path));

describe('pull with several references (bundled action, real registry)', () => {
  const fx = useRegistries();
  let proxy: FaultProxy;
  let workspaces = 0;
  beforeAll(async () => {
    proxy = fx.stopAfter(await startFaultProxy(fx.registry.url));
  });
  beforeEach(() => proxy.requests.splice(0));

  const freshWorkspace = async () => {
    const dir = join(fx.temp, `ws-${++workspaces}`);
    await mkdir(dir, { recursive: true });
    return dir;
  };
  /** A matrix job: pushes `files` (path → content) of a fresh workspace; returns the digest. */
  const push = async (reference: string, files: Record<string, string>, list: string) => {
    const workspace = await freshWorkspace();
    for (const [path, content] of Object.entries(files)) {
      await mkdir(join(workspace, path, '..'), { recursive: true });
      await writeFile(join(workspace, path), content);
    }
    const result = await fx.act(
      { command: 'push', registry: fx.registry.host, reference, files: list },
      { workspace },
    );
    expect(result.exitCode).toBe(0);
    return result.outputs['digest']!;
  };
  const pull = async (inputs: Record<string, string>): Promise<ActionRun> => {
    const workspace = await freshWorkspace();
    return fx.act({ command: 'pull', registry: proxy.host, path: 'out', ...inputs }, { workspace });
  };
  const pulledOf = (run: ActionRun) => JSON.parse(run.outputs['pulled']!) as Pulled[];

  let darwin: string;
  beforeAll(async () => {
    const license = 'the same licence in every build\n';
    await push('team/build:linux', { 'dist/tool': 'linux', 'dist/LICENSE': license }, 'dist');
    await push(
      'team/build:windows',
      { 'dist/tool.exe': 'windows', 'dist/LICENSE': license },
      'dist',
    );
    darwin = await push(
      'team/build:darwin',
      { 'dist/tool-darwin': 'darwin', 'dist/LICENSE': license },
      'dist',
    );
  });

  it('pulls each into a folder named by its tag, or its short digest', async () => {
    const run = await pull({
      reference: `team/build:linux\nteam/build:windows\nteam/build@${darwin}`,
    });
    expect(run.exitCode).toBe(0);
    const out = join(run.workspace, 'out');
    const short = `sha256-${darwin.slice(7, 19)}`;
    expect((await readdir(out)).sort()).toEqual([short, 'linux', 'windows'].sort());
    expect(await readFile(join(out, 'linux', 'dist', 'tool'), 'utf8')).toBe('linux');
    expect(await readFile(join(out, 'windows', 'dist', 'tool.exe'), 'utf8')).toBe('windows');
    expect(await readFile(join(out, short, 'dist', 'tool-darwin'), 'utf8')).toBe('darwin');

    const pulled = pulledOf(run);
    expect(pulled.map((p) => p.path)).toEqual([
      join(out, 'linux'),
      join(out, 'windows'),
      join(out, short),
    ]);
    expect(pulled[2]).toEqual({
      reference: `${proxy.host}/team/build@${darwin}`,
      digest: darwin,
      path: join(out, short),
      files: [expect.objectContaining({ path: join(out, short, 'dist'), title: 'dist' })],
    });
    // The single-reference outputs are not set; `files` has the files of all, `path` the root.
    expect(run.outputs['digest']).toBeUndefined();
    expect(run.outputs['reference']).toBeUndefined();
    expect(run.outputs['path']).toBe(out);
    expect(JSON.parse(run.outputs['files']!)).toHaveLength(3);
    expect(run.stdout).toContain(`::group::Pull ${proxy.host}/team/build:windows`);
    expect(run.stdout).toContain('::group::Download the layers of 3 artifacts');
    expect(run.summary.match(/^### Pulled /gm)).toHaveLength(3);
  });

  it('pulls into the folders into= names', async () => {
    const run = await pull({
      reference: 'team/build:linux into=bin/linux\nteam/build:windows into=bin/windows',
    });
    expect(run.exitCode).toBe(0);
    expect(await readdir(join(run.workspace, 'out', 'bin'))).toEqual(['linux', 'windows']);
    // One reference with into= goes to that folder too.
    const one = await pull({ reference: 'team/build:linux into=linux' });
    expect(one.outputs['path']).toBe(join(one.workspace, 'out', 'linux'));
    expect(one.outputs['digest']).toMatch(/^sha256:/);
  });

  it('refuses two references that would share a folder before asking the registry anything', async () => {
    const sameTag = await pull({ reference: 'team/build:linux\nteam/other:linux' });
    expect(sameTag.errors).toEqual([
      'Input "reference": got "team/other:linux"; expected a folder of its own below "path", but it and "team/build:linux" would both write into "linux": name them with into=<folder>, or set merge: true',
    ]);
    const nested = await pull({
      reference: 'team/build:linux into=bin\nteam/build:windows into=BIN/windows',
    });
    expect(nested.errors[0]).toMatch(/would both write into "bin"/);
    expect(proxy.requests).toEqual([]);
    expect(await readdir(sameTag.workspace)).toEqual([]);
  });

  it('with merge: true, merges every matrix output into path; the file all hold is accepted', async () => {
    const run = await pull({
      reference: 'team/build:linux\nteam/build:windows\nteam/build:darwin',
      merge: 'true',
    });
    expect(run.exitCode).toBe(0);
    const dist = join(run.workspace, 'out', 'dist');
    expect((await readdir(dist)).sort()).toEqual(['LICENSE', 'tool', 'tool-darwin', 'tool.exe']);
    expect(pulledOf(run).map((p) => p.path)).toEqual(Array(3).fill(join(run.workspace, 'out')));
  });

  it('with merge: true, refuses a file two references hold differently, writing nothing', async () => {
    // Single files: refused from the manifests alone, before any blob is downloaded.
    await push('team/report:a', { 'report.txt': 'from a' }, 'report.txt');
    await push('team/report:b', { 'report.txt': 'from b' }, 'report.txt');
    const files = await pull({ reference: 'team/report:a\nteam/report:b', merge: 'true' });
    expect(files.errors[0]).toMatch(
      /^merge: 127\.0\.0\.1:\d+\/team\/report:a and 127\.0\.0\.1:\d+\/team\/report:b both hold ".*\/out\/report\.txt", with different content; nothing was written$/,
    );
    expect(blobGets(proxy)).toEqual([]);
    await expect(stat(join(files.workspace, 'out'))).rejects.toThrow();

    // A file inside folders: found once both are verified, still before anything is written.
    await push('team/build:linux-2', { 'dist/tool': 'linux, rebuilt' }, 'dist');
    const folders = await pull({
      reference: 'team/build:linux\nteam/build:linux-2',
      merge: 'true',
    });
    expect(folders.errors[0]).toMatch(
      /^merge: ".*\/out\/dist\/tool" in 127\.0\.0\.1:\d+\/team\/build:linux-2 differs from what 127\.0\.0\.1:\d+\/team\/build:linux holds there; nothing was written$/,
    );
    await expect(stat(join(folders.workspace, 'out'))).rejects.toThrow();
  });

  it('with merge: true, downloads a layer two references share once', async () => {
    await push('team/notes:a', { 'NOTES.md': 'shared', 'a.txt': 'a' }, 'NOTES.md\na.txt');
    await push('team/notes:b', { 'NOTES.md': 'shared', 'b.txt': 'b' }, 'NOTES.md\nb.txt');
    const run = await pull({ reference: 'team/notes:a\nteam/notes:b', merge: 'true' });
    expect(run.exitCode).toBe(0);
    expect((await readdir(join(run.workspace, 'out'))).sort()).toEqual([
      'NOTES.md',
      'a.txt',
      'b.txt',
    ]);
    expect(blobGets(proxy)).toHaveLength(3);
  });

  it('refuses into= with merge, and expected-digest with several references', async () => {
    expect(
      (await pull({ reference: 'team/build:linux into=x\nteam/build:windows', merge: 'true' }))
        .errors[0],
    ).toBe(
      'Input "reference": got "team/build:linux into=x"; expected a reference without into=: with merge: true every reference goes into "path" itself',
    );
    expect(
      (
        await pull({
          reference: 'team/build:linux\nteam/build:windows',
          'expected-digest': darwin,
        })
      ).errors[0],
    ).toMatch(
      /^Input "expected-digest": got "sha256:\w+"; expected nothing with several references/,
    );
    expect(
      (await pull({ reference: 'team/build:linux into=../up\nteam/build:windows' })).errors[0],
    ).toMatch(/^Input "reference": got "team\/build:linux into=\.\.\/up"; expected into=<folder>/);
  });
});
