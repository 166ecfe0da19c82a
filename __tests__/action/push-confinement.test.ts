// A push carries nothing from outside working-directory, through the bundled action and a real
// registry: links to a file outside, to /proc/self/environ and to a folder outside, each in a
// glob line, a literal line and a folder line; FIFOs; config and annotation-file; and a
// working-directory that is itself a link. Refused pushes leave nothing in the registry and no
// outside byte in the log.
import { execFileSync } from 'node:child_process';
import { mkdir, realpath, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ActionRun } from '../support/run-action.js';
import { catalog, parseManifest, skopeoRaw, succeeded, useTestBed } from './push-support.js';

const SECRET = 'outside-secret-4f1d';
/** Set in the action's environment: what /proc/self/environ would carry into an artifact. */
const CANARY = 'environ-canary-9b27';

describe('push confined to working-directory', () => {
  const bed = useTestBed({
    registry: {},
    tree: { 'in/a.txt': 'inside\n', 'pkg/lib.js': 'lib\n' },
    defaults: (registry) => ({ command: 'push', registry: registry!.host, 'plain-http': 'true' }),
  });
  let outside = '';
  beforeAll(async () => {
    outside = join(await realpath(bed.dir), 'outside');
    await mkdir(join(outside, 'deep'), { recursive: true });
    await writeFile(join(outside, 'secret.txt'), SECRET);
    await writeFile(join(outside, 'deep', 'more.txt'), SECRET);
    const ws = bed.ws;
    for (const dir of ['file', 'environ', 'folder', 'fifo', 'ok']) await mkdir(join(ws, dir));
    await symlink('../../outside/secret.txt', join(ws, 'file', 'link.txt'));
    await symlink('/proc/self/environ', join(ws, 'environ', 'link.txt'));
    // One file in the folder the link leads to: a glob's first match there is known.
    await symlink('../../outside/deep', join(ws, 'folder', 'link'));
    await symlink('../outside/secret.txt', join(ws, 'config-link.json'));
    await symlink('/proc/self/environ', join(ws, 'environ-config'));
    await symlink('../pkg/lib.js', join(ws, 'ok', 'lib-link.js'));
    execFileSync('mkfifo', [join(ws, 'fifo', 'pipe')]);
  });

  const refused = async (inputs: Record<string, string>): Promise<ActionRun> => {
    const run = await bed.run(
      { reference: 'confined/x:v1', ...inputs },
      { env: { LEAK_CANARY: CANARY } },
    );
    expect(run.exitCode).toBe(1);
    expect(run.errors).toHaveLength(1);
    for (const text of [run.stdout, run.stderr, run.summary]) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(CANARY);
    }
    expect(await catalog(bed.registry.url)).not.toContain('confined/x');
    return run;
  };

  const within = () => `Input "files": got`;
  const where = (entry: string, leads: string) =>
    `expected regular files and folders within working-directory "${bed.ws}", but "${entry}" leads to "${leads}`;

  describe.each<[string, string, string, () => string]>([
    ['a link to a file outside', 'file', 'link.txt', () => join(outside, 'secret.txt')],
    ['a link to /proc/self/environ', 'environ', 'link.txt', () => '/proc/'],
    ['a link to a folder outside', 'folder', 'link', () => join(outside, 'deep')],
  ])('%s', (_what, folder, link, leads) => {
    it('is refused in a glob line', async () => {
      const run = await refused({ files: `in/a.txt\n${folder}/**` });
      // Through the folder link, the glob's first match is the file in it.
      const [entry, to] =
        folder === 'folder'
          ? ['folder/link/more.txt', join(leads(), 'more.txt')]
          : [`${folder}/${link}`, leads()];
      expect(run.errors[0]).toContain(`${within()} "${folder}/**"`);
      expect(run.errors[0]).toContain(where(entry, to));
    });

    it('is refused in a literal line', async () => {
      const run = await refused({ files: `${folder}/${link}` });
      expect(run.errors[0]).toContain(`${within()} "${folder}/${link}"`);
      expect(run.errors[0]).toContain(where(`${folder}/${link}`, leads()));
    });

    it('is refused inside a folder line, naming the link', async () => {
      const run = await refused({ files: folder });
      expect(run.errors[0]).toContain(
        `Input "files": got "${folder}"; expected folders whose symbolic links stay inside them (a pull refuses the others), but "${folder}/${link}" links to`,
      );
      expect(run.errors[0]).toMatch(/which (is absolute|climbs out of ")/);
    });
  });

  it('refuses a path below a parent link leading out', async () => {
    const run = await refused({ files: 'folder/link/more.txt' });
    expect(run.errors[0]).toContain(
      where('folder/link/more.txt', join(outside, 'deep', 'more.txt')),
    );
  });

  it('refuses a FIFO, in a literal line and in a glob, without waiting on it', async () => {
    const literal = await refused({ files: 'fifo/pipe' });
    expect(literal.errors[0]).toContain(
      'but "fifo/pipe" is a FIFO, neither a regular file nor a folder',
    );
    const glob = await refused({ files: 'fifo/*' });
    expect(glob.errors[0]).toContain('but "fifo/pipe" is a FIFO');
  });

  it.each<[string, Record<string, string>, string]>([
    [
      'a config outside',
      { config: '../outside/secret.txt', 'artifact-type': 'application/x.a' },
      `Input "config": got "../outside/secret.txt"; expected regular files and folders within working-directory "WS", but "../outside/secret.txt" leads to`,
    ],
    [
      'a config linked outside',
      { config: 'config-link.json', 'artifact-type': 'application/x.a' },
      `but "config-link.json" leads to "OUT/secret.txt", outside it`,
    ],
    [
      'a config linked to /proc/self/environ',
      { config: 'environ-config', 'artifact-type': 'application/x.a' },
      `but "environ-config" leads to "/proc/`,
    ],
    [
      'an annotation file linked outside',
      { 'annotation-file': 'config-link.json' },
      `Input "annotation-file": got "config-link.json"; expected regular files and folders within working-directory "WS", but "config-link.json" leads to "OUT/secret.txt", outside it`,
    ],
  ])('refuses %s', async (_what, inputs, message) => {
    const run = await refused({ files: 'in/a.txt', ...inputs });
    expect(run.errors[0]).toContain(message.replace('WS', bed.ws).replace('OUT', outside));
  });

  it('follows a glob through links that stay inside, and takes a linked working-directory', async () => {
    const linkedWs = join(bed.dir, 'ws-link');
    await symlink(bed.ws, linkedWs);
    const run = succeeded(
      await bed.run({
        reference: 'confined/ok:v1',
        files: 'ok/*.js\nin',
        'working-directory': linkedWs,
      }),
    );
    const manifest = parseManifest(await skopeoRaw(`${bed.registry.host}/confined/ok:v1`));
    expect(manifest.layers.map((l) => l.annotations?.['org.opencontainers.image.title'])).toEqual([
      'ok/lib-link.js',
      'in',
    ]);
    expect(JSON.parse(run.outputs['files']!)[0]).toMatchObject({
      title: 'ok/lib-link.js',
      path: join(linkedWs, 'ok', 'lib-link.js'),
      size: 4,
    });
  });
});
