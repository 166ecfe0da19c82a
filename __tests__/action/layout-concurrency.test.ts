// Several processes of the bundled action writing into one OCI layout folder at once, as two CI
// steps (or matrix jobs on one self-hosted runner) do: every index.json update is made under the
// folder's lock file, so none is lost; a lock left by a killed step is recovered; a live one is
// waited for, within a bound.
import { spawn } from 'node:child_process';
import { readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { INDEX_LOCK_FILE } from '../../src/oci/layout/index-file.js';
import { thisPlace } from '../../src/oci/layout/lock-file.js';
import { OciLayout } from '../../src/oci/layout/store.js';
import { artifact, pushGraph } from '../oci/content.js';
import { failure } from './registry-support.js';
import { succeeded, useTestBed } from './push-support.js';

describe('processes writing into one layout folder at once', () => {
  const bed = useTestBed({
    tree: { 'a.txt': 'a\n', 'sbom.json': '{"sbom":true}\n' },
  });
  let n = 0;
  /** A new layout folder holding `base` (and `doomed`, to delete), and its path. */
  async function layoutWithBase(): Promise<{ dir: string; layout: OciLayout }> {
    const dir = join(bed.dir, `layout-${n++}`);
    const layout = await OciLayout.open(dir, { create: true });
    await pushGraph(layout, artifact({ 'base.txt': `base ${dir}` }), 'base');
    await pushGraph(layout, artifact({ 'doomed.txt': `doomed ${dir}` }), 'doomed');
    return { dir, layout };
  }

  it('keeps all 40 tags that 4 tag steps set at once, 10 each', async () => {
    const { dir, layout } = await layoutWithBase();
    const tagsOf = (p: number) => Array.from({ length: 10 }, (_, t) => `p${p}-t${t}`);
    const runs = await Promise.all(
      [0, 1, 2, 3].map((p) =>
        bed.run({ command: 'tag', layout: dir, reference: 'base', tags: tagsOf(p).join('\n') }),
      ),
    );
    for (const run of runs) succeeded(run);
    const expected = [0, 1, 2, 3].flatMap(tagsOf);
    expect((await layout.tags()).filter((t) => /^p\d-t\d$/.test(t)).sort()).toEqual(
      expected.sort(),
    );
    const base = await layout.resolve('base');
    for (const tag of expected) expect((await layout.resolve(tag)).digest).toBe(base.digest);
    expect(await readdir(dir)).not.toContain(INDEX_LOCK_FILE);
  });

  it('loses nothing when pushes, attaches, copies, tag and delete run at once', async () => {
    const { dir, layout } = await layoutWithBase();
    const sources = await Promise.all(
      ['copied-0', 'copied-1'].map(async (tag) => {
        const path = join(bed.dir, `source-${n++}`);
        const graph = artifact({ 'copied.txt': tag });
        await pushGraph(await OciLayout.open(path, { create: true }), graph, tag);
        return { path, tag, digest: graph.root.descriptor.digest };
      }),
    );
    const releases = Array.from({ length: 10 }, (_, t) => `release-${t}`);
    const [push0, push1, attach0, attach1, ...rest] = await Promise.all([
      ...['pushed-0', 'pushed-1'].map((reference) =>
        bed.run({ command: 'push', layout: dir, reference, files: 'a.txt' }),
      ),
      ...['0', '1'].map((i) =>
        bed.run({
          command: 'attach',
          layout: dir,
          reference: 'base',
          'artifact-type': 'application/spdx+json',
          files: 'sbom.json',
          annotations: `run=${i}`,
        }),
      ),
      ...sources.map(({ path, tag }) =>
        bed.run({ command: 'copy', 'source-layout': path, source: tag, layout: dir }),
      ),
      bed.run({ command: 'tag', layout: dir, reference: 'base', tags: releases.join('\n') }),
      bed.run({ command: 'delete', layout: dir, reference: 'doomed' }),
    ]);
    for (const run of [push0!, push1!, attach0!, attach1!, ...rest]) succeeded(run);
    expect(await layout.tags()).toEqual(
      ['base', 'copied-0', 'copied-1', 'pushed-0', 'pushed-1', ...releases].sort(),
    );
    for (const { tag, digest } of sources) expect((await layout.resolve(tag)).digest).toBe(digest);
    expect((await layout.resolve('pushed-1')).digest).toBe(push1!.outputs['digest']);
    const referrers = await layout.referrers(await layout.resolve('base'));
    expect(referrers.map((d) => d.digest).sort()).toEqual(
      [attach0!.outputs['digest'], attach1!.outputs['digest']].sort(),
    );
    await expect(layout.resolve('doomed')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('recovers the lock a killed step left behind, and says so', async () => {
    const { dir, layout } = await layoutWithBase();
    const killed = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)']);
    await new Promise((resolve) => killed.once('spawn', resolve));
    const lock = join(dir, INDEX_LOCK_FILE);
    const since = new Date().toISOString();
    await writeFile(lock, JSON.stringify({ pid: killed.pid, ...thisPlace(), token: 'aa', since }));
    killed.kill('SIGKILL');
    await new Promise((resolve) => killed.once('exit', resolve));

    const run = succeeded(
      await bed.run({ command: 'tag', layout: dir, reference: 'base', tags: 'after-kill' }),
    );
    expect(run.stdout).toContain(
      `OCI layout ${dir}: index.json: removed a stale lock ${lock} (its process ${killed.pid} on this host is gone)`,
    );
    expect(await layout.tags()).toContain('after-kill');
    expect(await readdir(dir)).not.toContain(INDEX_LOCK_FILE);
  });

  it('recovers a lock from another host that was not refreshed for longer than 30 s', async () => {
    const { dir, layout } = await layoutWithBase();
    const lock = join(dir, INDEX_LOCK_FILE);
    const since = new Date(Date.now() - 45_000);
    await writeFile(
      lock,
      JSON.stringify({ pid: 1, host: 'gone-runner', token: 'bb', since: since.toISOString() }),
    );
    await utimes(lock, since, since);
    succeeded(await bed.run({ command: 'tag', layout: dir, reference: 'base', tags: 'later' }));
    expect(await layout.tags()).toContain('later');
  });

  it('gives up on a live holder after the bounded wait, naming the lock file and holder', async () => {
    const { dir, layout } = await layoutWithBase();
    const lock = join(dir, INDEX_LOCK_FILE);
    const since = new Date().toISOString();
    const holder = JSON.stringify({ pid: process.pid, ...thisPlace(), token: 'cc', since });
    await writeFile(lock, holder);
    const message = failure(
      await bed.run(
        { command: 'tag', layout: dir, reference: 'base', tags: 'blocked' },
        { env: { OCI_ACTION_TEST_LOCK_WAIT_MS: '500' } },
      ),
    );
    expect(message).toMatch(
      new RegExp(
        `^OCI layout ${dir}: index\\.json is locked by process ${process.pid} on host ${hostname()} .*: waited \\d+ s for the lock file ${lock}\\.`,
      ),
    );
    expect(await layout.tags()).not.toContain('blocked');
    expect(await readFile(lock, 'utf8')).toBe(holder);
  });
});
