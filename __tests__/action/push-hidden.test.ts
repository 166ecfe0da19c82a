// Hidden files (names starting with '.') through the bundled action and a real registry: left
// out of globs and folder layers by default with a notice, honoured when a line names them,
// taken with include-hidden-files; and a checkout's .git/config with credentials never pushed.
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ActionRun } from '../support/run-action.js';
import {
  catalog,
  fetchBlob,
  parseManifest,
  skopeoRaw,
  succeeded,
  tarListing,
  useTestBed,
  writeTree,
} from './push-support.js';

const TOKEN = 'ghs_0123456789abcdefTOKEN';
/** What actions/checkout leaves in .git/config with persist-credentials at its default. */
const CHECKOUT_CONFIG = `[core]
\trepositoryformatversion = 0
[remote "origin"]
\turl = https://github.com/example/repo
[http "https://github.com/"]
\textraheader = AUTHORIZATION: basic ${Buffer.from(`x-access-token:${TOKEN}`).toString('base64')}
`;
const PASSWORD_URL_CONFIG = `[remote "origin"]\n\turl = https://ci:${TOKEN}@git.example.com/repo.git\n`;

const titles = (run: ActionRun): string[] =>
  (JSON.parse(run.outputs['files']!) as { title: string }[]).map((f) => f.title);

describe('hidden files on push', () => {
  const bed = useTestBed({
    registry: {},
    tree: {
      'notes.txt': 'notes\n',
      'dist/app.js': 'app\n',
      'dist/.cache/state': 'cache\n',
      '.env': `API_TOKEN=${TOKEN}\n`,
      '.github/workflows/ci.yml': 'on: push\n',
      '.git/HEAD': 'ref: refs/heads/main\n',
      '.git/config': CHECKOUT_CONFIG,
    },
    defaults: (registry) => ({ command: 'push', registry: registry!.host, 'plain-http': 'true' }),
  });
  const push = async (inputs: Record<string, string>) => succeeded(await bed.run(inputs));
  const notices = (run: ActionRun) =>
    run.stdout.split('\n').filter((line) => line.startsWith('::notice::'));

  it('leaves them out of a glob by default, with a notice naming them', async () => {
    const run = await push({ reference: 'hidden/glob:v1', files: '**' });
    expect(titles(run)).toEqual(['dist/app.js', 'notes.txt']);
    expect(notices(run)).toEqual([
      '::notice::Left out 4 hidden files and folders (names starting with "."): ".env", ".git", ".github", "dist/.cache". Set include-hidden-files: true to push them, or name them in a files line.',
    ]);
    const manifest = parseManifest(await skopeoRaw(`${bed.registry.host}/hidden/glob:v1`));
    expect(manifest.layers.map((l) => l.annotations?.['org.opencontainers.image.title'])).toEqual([
      'dist/app.js',
      'notes.txt',
    ]);
    expect(run.stdout).not.toContain(TOKEN);
  });

  it('leaves them out of a folder layer by default', async () => {
    const run = await push({ reference: 'hidden/folder:v1', files: 'dist' });
    const layer = parseManifest(run.outputs['manifest']!).layers[0]!;
    const listing = await tarListing(
      await fetchBlob(bed.registry.url, 'hidden/folder', layer.digest),
      bed.dir,
    );
    expect(listing.map((line) => line.split(' ').at(-1))).toEqual(['dist/', 'dist/app.js']);
    expect(notices(run)).toEqual([
      '::notice::Left out 1 hidden file or folder (names starting with "."): "dist/.cache". Set include-hidden-files: true to push them, or name them in a files line.',
    ]);
  });

  it('honours lines that name a hidden path', async () => {
    const run = await push({ reference: 'hidden/named:v1', files: '.env\n.github' });
    expect(titles(run)).toEqual(['.env', '.github']);
    expect(notices(run)).toEqual([]);
  });

  it('takes them all with include-hidden-files, .git left out by an exclude', async () => {
    const run = await push({
      reference: 'hidden/all:v1',
      files: '**\n!.git',
      'include-hidden-files': 'true',
    });
    expect(titles(run)).toEqual([
      '.env',
      '.github/workflows/ci.yml',
      'dist/.cache/state',
      'dist/app.js',
      'notes.txt',
    ]);
    expect(notices(run)).toEqual([]);
  });

  describe('a .git/config holding credentials', () => {
    const refused = async (inputs: Record<string, string>, shown: string) => {
      const run = await bed.run({ reference: 'hidden/git:v1', ...inputs });
      expect(run.exitCode).toBe(1);
      expect(run.errors).toHaveLength(1);
      expect(run.errors[0]).toContain(`but ${JSON.stringify(shown)} holds`);
      expect(run.errors[0]).toContain(
        'a git config with credentials is never pushed: check out with persist-credentials: false, or leave .git out (!.git)',
      );
      for (const text of [run.stdout, run.stderr, run.summary]) expect(text).not.toContain(TOKEN);
      expect(await catalog(bed.registry.url)).not.toContain('hidden/git');
      return run;
    };

    it('is refused from a glob with include-hidden-files, naming the extraheader', async () => {
      const run = await refused({ files: '**', 'include-hidden-files': 'true' }, '.git/config');
      expect(run.errors[0]).toContain(
        'holds an http extraheader (actions/checkout keeps the job token there unless persist-credentials: false)',
      );
    });

    it('is refused when a line names it, or the .git folder', async () => {
      await refused({ files: '.git/config' }, '.git/config');
      await refused({ files: '.git' }, '.git/config');
    });

    it('is refused when a remote URL carries a password', async () => {
      await writeFile(join(bed.ws, '.git', 'config'), PASSWORD_URL_CONFIG);
      try {
        const run = await refused({ files: '.git/config' }, '.git/config');
        expect(run.errors[0]).toContain('holds a URL with a password');
      } finally {
        await writeFile(join(bed.ws, '.git', 'config'), CHECKOUT_CONFIG);
      }
    });

    it('is pushed when it holds none (persist-credentials: false)', async () => {
      const clean = join(bed.dir, 'clean');
      await writeTree(clean, { '.git/config': '[core]\n\tbare = false\n', 'a.txt': 'a\n' });
      bed.defer(() => rm(clean, { recursive: true, force: true }));
      const run = succeeded(
        await bed.run(
          { reference: 'hidden/clean:v1', files: '**', 'include-hidden-files': 'true' },
          { workspace: clean },
        ),
      );
      expect(titles(run)).toEqual(['.git/config', 'a.txt']);
    });
  });

  it('no longer suggests a glob that would take secrets when files is the folder itself', async () => {
    const run = await bed.run({ reference: 'hidden/dot:v1', files: '.' });
    expect(run.exitCode).toBe(1);
    expect(run.errors[0]).toContain(
      'not the folder itself: name what to push (such as dist/ or out/**/*.zip); ** takes every file in it except hidden ones (.git, .env, …)',
    );
  });
});
