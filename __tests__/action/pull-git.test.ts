// `command: pull` never writes into a .git folder, through the bundled action against a real
// registry, whatever allow-path-traversal says: a planted .git/config (core.fsmonitor) or hook
// would run code in the job's next git step. The workspace is a checked-out repository.
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileLayer, folderLayer, pushArtifact, type LayerSpec } from '../commands/pull/fixtures.js';
import { failed, pullFixture, repository, tree } from './pull-support.js';

const GIT_CONFIG = '[core]\n\trepositoryformatversion = 0\n';
const PLANTED = '[core]\n\tfsmonitor = "echo pwned >&2"\n';

describe('pull refuses to write into .git', () => {
  const fixture = pullFixture();
  let count = 0;

  async function pushed(layers: LayerSpec[]): Promise<string> {
    const name = `git/case${++count}`;
    await pushArtifact(repository(fixture.registry.host, name), layers, 'v1');
    return `${name}:v1`;
  }

  /** A workspace as actions/checkout leaves it: a .git folder with its config. */
  async function checkout(): Promise<string> {
    const ws = await fixture.tempDir('oci-pull-git-');
    await mkdir(join(ws, '.git', 'hooks'), { recursive: true });
    await writeFile(join(ws, '.git', 'config'), GIT_CONFIG);
    return ws;
  }

  async function expectUntouched(ws: string, extra: Record<string, string> = {}): Promise<void> {
    expect(await tree(ws)).toEqual({
      '.git': 'dir 755',
      '.git/config': `file 644 ${GIT_CONFIG}`,
      '.git/hooks': 'dir 755',
      ...extra,
    });
  }

  it.each(['.git/config', '.GIT/config', '.git./config', 'git~1/config', 'sub/.git/config'])(
    'refuses the title %s, with or without allow-path-traversal',
    async (title) => {
      const ws = await checkout();
      const reference = await pushed([fileLayer('fine.txt', 'fine'), fileLayer(title, PLANTED)]);
      for (const allow of ['false', 'true']) {
        const message = failed(
          await fixture.pull({ reference, 'allow-path-traversal': allow }, { workspace: ws }),
        );
        expect(message).toContain(`layer title "${title}" has the path segment "`);
        expect(message).toContain(
          'a pull never writes into a .git folder, since git runs what it finds there (hooks, core.fsmonitor); refused whatever allow-path-traversal says',
        );
        await expectUntouched(ws);
      }
    },
  );

  it('refuses a folder layer with a tar entry under .git/', async () => {
    const ws = await checkout();
    const reference = await pushed([
      folderLayer('site', [
        { name: 'site/', type: '5' },
        { name: 'site/index.html', body: '<h1>hi</h1>' },
        { name: 'site/.git/', type: '5' },
        { name: 'site/.git/config', body: PLANTED },
      ]),
    ]);
    const message = failed(
      await fixture.pull({ reference, 'allow-path-traversal': 'true' }, { workspace: ws }),
    );
    expect(message).toMatch(
      /^folder layer "site": tar entry "site\/\.git\/" has the path segment "\.git": a pull never writes into a \.git folder/,
    );
    await expectUntouched(ws);
  });

  it('refuses a title that would go through a link into .git that the checkout holds', async () => {
    const ws = await checkout();
    await symlink('.git', join(ws, 'docs'));
    const reference = await pushed([fileLayer('docs/config', PLANTED)]);
    const message = failed(await fixture.pull({ reference }, { workspace: ws }));
    expect(message).toContain(
      `layer "docs/config" would be written into the .git folder ${join(ws, '.git')}`,
    );
    await expectUntouched(ws, { docs: 'link -> .git' });
    expect(await readFile(join(ws, '.git', 'config'), 'utf8')).toBe(GIT_CONFIG);
  });

  it('refuses a .git title in any of several references, merged or not, writing nothing', async () => {
    const ws = await checkout();
    const fine = await pushed([fileLayer('fine.txt', 'fine')]);
    const planted = await pushed([
      fileLayer('notes.txt', 'notes'),
      fileLayer('.git/config', PLANTED),
    ]);
    // A folder each (their tags are both v1: named by into=), or all merged into "path".
    for (const [merge, reference] of [
      ['false', `${fine} into=fine\n${planted} into=planted`],
      ['true', `${fine}\n${planted}`],
    ] as const) {
      const message = failed(
        await fixture.pull({ reference, merge, path: '.' }, { workspace: ws }),
      );
      expect(message).toContain('layer title ".git/config" has the path segment ".git"');
      await expectUntouched(ws);
    }
  });

  it('refuses into= a .git folder, or a link that leads into one', async () => {
    const ws = await checkout();
    const fine = await pushed([fileLayer('config', PLANTED)]);
    const other = await pushed([fileLayer('other.txt', 'other')]);
    const named = failed(
      await fixture.pull(
        { reference: `${fine} into=.git\n${other} into=other`, path: '.' },
        { workspace: ws },
      ),
    );
    expect(named).toBe(
      `Input "reference": got "${fine} into=.git"; expected an into=<folder> without a .git segment: a pull never writes into a .git folder, since git runs what it finds there (hooks, core.fsmonitor)`,
    );
    await expectUntouched(ws);

    // A link standing where a reference's folder goes: from that folder all looks fine, from
    // "path" the layer would land in .git.
    await symlink('.git', join(ws, 'docs'));
    const linked = failed(
      await fixture.pull(
        { reference: `${fine} into=docs\n${other} into=other`, path: '.' },
        { workspace: ws },
      ),
    );
    expect(linked).toContain(
      `layer "config" would be written into the .git folder ${join(ws, '.git')}`,
    );
    await expectUntouched(ws, { docs: 'link -> .git' });
  });

  it('still pulls names that only look alike (.github, .gitignore)', async () => {
    const ws = await checkout();
    const reference = await pushed([
      fileLayer('.github/workflows/ci.yml', 'on: push\n'),
      fileLayer('.gitignore', 'dist/\n'),
    ]);
    const run = await fixture.pull({ reference }, { workspace: ws });
    expect(run.errors).toEqual([]);
    expect(run.exitCode).toBe(0);
    await expectUntouched(ws, {
      '.github': 'dir 755',
      '.github/workflows': 'dir 755',
      '.github/workflows/ci.yml': 'file 644 on: push\n',
      '.gitignore': 'file 644 dist/\n',
    });
  });
});
