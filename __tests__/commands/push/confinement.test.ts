// What a push may read, decided on the disk: real paths, kinds of files, hidden names, links in
// folder layers, and files that change between the check and the read.
import { execFileSync } from 'node:child_process';
import { mkdir, realpath, rename, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  checkOwnFile,
  digestChecked,
  readCheckedWhole,
  type CheckedFile,
} from '../../../src/commands/pack/checked-file.js';
import { expandFileSpecs } from '../../../src/commands/pack/expand-files.js';
import { parseFileSpecs } from '../../../src/commands/pack/file-spec.js';
import { walkFolder } from '../../../src/commands/pack/folder-walk.js';
import { HiddenTally } from '../../../src/commands/pack/hidden-files.js';
import { Workspace } from '../../../src/commands/pack/workspace.js';
import { makeTempDir } from '../../support/temp.js';
import { recordingLog } from './recording-log.js';

describe('what a push may read', () => {
  let root: string;
  let ws: string;
  let remove: () => Promise<void>;
  beforeAll(async () => {
    const dir = await makeTempDir('oci-confine-');
    remove = dir.remove;
    root = await realpath(dir.path);
    ws = join(root, 'ws');
    await mkdir(join(root, 'outside', 'deep'), { recursive: true });
    await writeFile(join(root, 'outside', 'secret.txt'), 'SECRET');
    await writeFile(join(root, 'outside', 'deep', 'x.txt'), 'SECRET');
    for (const dir of ['in', 'dist/sub', '.git', '.github/workflows', 'dist/.cache', 'links']) {
      await mkdir(join(ws, dir), { recursive: true });
    }
    const files: Record<string, string> = {
      'in/a.txt': 'a',
      'dist/app.js': 'app',
      'dist/sub/b.js': 'b',
      'dist/.cache/c.js': 'c',
      '.env': 'TOKEN=x',
      '.git/HEAD': 'ref',
      '.git/config': '[core]\n',
      '.github/workflows/ci.yml': 'on: push',
    };
    for (const [path, text] of Object.entries(files)) await writeFile(join(ws, path), text);
    await symlink(join(root, 'outside', 'secret.txt'), join(ws, 'links', 'file-out'));
    await symlink('/proc/self/environ', join(ws, 'links', 'environ'));
    await symlink('../../outside', join(ws, 'links', 'folder-out'));
    await symlink('../in/a.txt', join(ws, 'links', 'file-in'));
    await mkdir(join(ws, 'alias'));
    await symlink('../.env', join(ws, 'alias', 'notes.txt'));
    await symlink('../in/a.txt', join(ws, 'alias', 'a.txt'));
    execFileSync('mkfifo', [join(ws, 'in', 'fifo')]);
  });
  afterAll(async () => remove());

  const expand = async (lines: string[], includeHiddenFiles = false) => {
    const hidden = new HiddenTally();
    const log = recordingLog();
    const { entries } = await expandFileSpecs(parseFileSpecs(lines), {
      workspace: await Workspace.open(ws),
      ifNoFilesFound: 'warn',
      includeHiddenFiles,
      hidden,
      log,
    });
    return { titles: entries.map((e) => `${e.kind} ${e.title}`), hidden, log: log.lines };
  };

  it.each<[string, string[], string]>([
    [
      'a literal link to a file outside',
      ['links/file-out'],
      `"links/file-out" leads to "${'OUT'}/secret.txt", outside it`,
    ],
    ['a glob over a link to a file outside', ['links/*'], '"links/environ" leads to "/proc/'],
    ['a literal link to /proc/self/environ', ['links/environ'], '"links/environ" leads to "/proc/'],
    [
      'a literal link to a folder outside',
      ['links/folder-out'],
      `"links/folder-out" leads to "${'OUT'}", outside it`,
    ],
    [
      'a glob through a link to a folder outside',
      ['links/folder-o*/deep/*'],
      `"links/folder-out/deep/x.txt" leads to "${'OUT'}/deep/x.txt"`,
    ],
    [
      'a glob whose literal start leads out, before it walks',
      ['links/folder-out/**/*.none'],
      `"links/folder-out" leads to "${'OUT'}", outside it`,
    ],
    [
      'a file below a parent link leading out',
      ['links/folder-out/secret.txt'],
      `leads to "${'OUT'}/secret.txt"`,
    ],
    [
      'a FIFO named by a line',
      ['in/fifo'],
      '"in/fifo" is a FIFO, neither a regular file nor a folder',
    ],
    ['a FIFO a glob matches', ['in/*'], '"in/fifo" is a FIFO'],
  ])('refuses %s, naming it and where it leads', async (_what, lines, message) => {
    const expected = message.replaceAll('OUT', join(root, 'outside'));
    await expect(expand(lines)).rejects.toThrow(expected);
    await expect(expand(lines)).rejects.toThrow(
      `files: got ${JSON.stringify(lines[0])}; expected regular files and folders within working-directory "${ws}"`,
    );
  });

  it('leaves an excluded line alone: what is not pushed is not judged', async () => {
    const { titles, log } = await expand(['links/file-out', 'in/a.txt', '!links/**']);
    expect(titles).toEqual(['file in/a.txt']);
    expect(log).toContain(`warning: files: "links/file-out" matches no file in ${ws}`);
    expect(log).toContain('debug: files: "links/file-out" → 0 layers');
  });

  it('follows links that stay inside, under the name of the link', async () => {
    expect((await expand(['links/file-in'])).titles).toEqual(['file links/file-in']);
  });

  it('compares real path to real path when working-directory is itself a link', async () => {
    const linked = join(root, 'ws-link');
    await symlink(ws, linked);
    const { entries } = await expandFileSpecs(parseFileSpecs(['in/*.txt', 'dist']), {
      workspace: await Workspace.open(linked),
      ifNoFilesFound: 'error',
      includeHiddenFiles: false,
      hidden: new HiddenTally(),
      log: recordingLog(),
    });
    expect(entries.map((e) => [e.title, e.path])).toEqual([
      ['in/a.txt', join(linked, 'in', 'a.txt')],
      ['dist', join(linked, 'dist')],
    ]);
  });

  it('leaves hidden names below a line out of globs, counting each topmost one once', async () => {
    const { titles, hidden } = await expand(['dist/**', '.git*/**/*.yml', '**/HEAD']);
    expect(titles).toEqual([
      'file dist/app.js',
      'file dist/sub/b.js',
      'file .github/workflows/ci.yml',
    ]);
    expect(hidden.notice()).toBe(
      'Left out 2 hidden files and folders (names starting with "."): ".git", "dist/.cache". Set include-hidden-files: true to push them, or name them in a files line.',
    );
  });

  it('honours a line that names a hidden path, and include-hidden-files', async () => {
    expect((await expand(['.env', '.github'])).titles).toEqual(['file .env', 'folder .github']);
    const all = await expand(['**/*.js', '.g*/**'], true);
    expect(all.titles).toEqual([
      'file dist/.cache/c.js',
      'file dist/app.js',
      'file dist/sub/b.js',
      'file .git/HEAD',
      'file .git/config',
      'file .github/workflows/ci.yml',
    ]);
    expect(all.hidden.size).toBe(0);
  });

  it('leaves out a link to a hidden file, judged by its real name, unless asked', async () => {
    const globbed = await expand(['alias/*']);
    expect(globbed.titles).toEqual(['file alias/a.txt']);
    expect(globbed.hidden.notice()).toContain('"alias/notes.txt → .env"');
    const named = await expand(['alias/notes.txt']);
    expect(named.titles).toEqual([]);
    expect(named.log).toContain(
      `warning: files: "alias/notes.txt" matches no file in ${ws} (it matched only hidden files and folders, which are left out unless include-hidden-files is true)`,
    );
    expect((await expand(['alias/*'], true)).titles).toEqual([
      'file alias/a.txt',
      'file alias/notes.txt',
    ]);
  });

  it('says when a line matched only hidden files', async () => {
    const spelled = await expand(['.git/*', 'dist/.*/*']);
    expect(spelled.titles).toEqual(['file .git/HEAD', 'file .git/config', 'file dist/.cache/c.js']);
    // Like a shell, a wildcard never matches a leading dot: "*.env" leaves .env out.
    const onlyHidden = await expand(['*.env', 'dist/**/c.js']);
    expect(onlyHidden.titles).toEqual([]);
    expect(onlyHidden.log.filter((line) => line.startsWith('warning'))).toEqual([
      `warning: files: "*.env" matches no file in ${ws} (it matched only hidden files and folders, which are left out unless include-hidden-files is true)`,
      `warning: files: "dist/**/c.js" matches no file in ${ws} (it matched only hidden files and folders, which are left out unless include-hidden-files is true)`,
    ]);
  });
});

describe('folder layers', () => {
  let root: string;
  let remove: () => Promise<void>;
  beforeAll(async () => {
    const dir = await makeTempDir('oci-walk-');
    remove = dir.remove;
    root = await realpath(dir.path);
    await mkdir(join(root, 'f', 'sub', '.cache'), { recursive: true });
    await writeFile(join(root, 'f', 'a.txt'), 'a');
    await writeFile(join(root, 'f', '.env'), 'TOKEN=x');
    await writeFile(join(root, 'f', 'sub', '.cache', 'x'), 'x');
    await writeFile(join(root, 'secret.txt'), 'SECRET');
    await symlink('../a.txt', join(root, 'f', 'sub', 'up'));
    await symlink('missing-but-inside', join(root, 'f', 'dangling'));
  });
  afterAll(async () => remove());

  const walk = async (folder: string, includeHiddenFiles = false) => {
    const hidden: string[] = [];
    const items = await walkFolder({
      root: join(root, folder),
      realRoot: await realpath(join(root, folder)),
      title: folder,
      excludes: [],
      mtime: 0,
      includeHiddenFiles,
      blame: { input: 'files', given: folder },
      onHidden: (name) => hidden.push(name),
    });
    return { names: items.map((i) => i.entry.name), hidden };
  };

  it('keeps links that stay inside and leaves hidden names out, each reported once', async () => {
    expect(await walk('f')).toEqual({
      names: ['f', 'f/a.txt', 'f/dangling', 'f/sub', 'f/sub/up'],
      hidden: ['f/.env', 'f/sub/.cache'],
    });
    expect((await walk('f', true)).names).toEqual([
      'f',
      'f/.env',
      'f/a.txt',
      'f/dangling',
      'f/sub',
      'f/sub/.cache',
      'f/sub/.cache/x',
      'f/sub/up',
    ]);
  });

  it.each<[string, string, string]>([
    ['an absolute target', '/etc/passwd', '"g/l" links to "/etc/passwd", which is absolute'],
    ['/proc/self/environ', '/proc/self/environ', 'which is absolute'],
    [
      'a target climbing out',
      '../secret.txt',
      '"g/l" links to "../secret.txt", which climbs out of "g"',
    ],
    ['a chain leading out', 'sub/up/../..', 'which leads to'],
  ])('refuses a link with %s, naming it', async (_what, target, message) => {
    const folder = join(root, 'g');
    await mkdir(join(folder, 'sub'), { recursive: true });
    await symlink('..', join(folder, 'sub', 'up')).catch(() => undefined);
    await symlink(target, join(folder, 'l'));
    try {
      await expect(walk('g')).rejects.toThrow(message);
      await expect(walk('g')).rejects.toThrow(
        'files: got "g"; expected folders whose symbolic links stay inside them',
      );
    } finally {
      execFileSync('rm', [join(folder, 'l')]);
    }
  });
});

describe('a folder holding a name that is not UTF-8', () => {
  it('fails naming it, rather than with an ENOENT for a name no file has', async () => {
    const dir = await makeTempDir('oci-bytes-');
    try {
      const folder = join(await realpath(dir.path), 'site');
      await mkdir(folder);
      await writeFile(join(folder, 'ok.txt'), 'ok');
      // Linux takes any bytes but '/' and NUL: this one is Latin-1 "é.txt".
      await writeFile(
        Buffer.concat([Buffer.from(`${folder}/caf`), Buffer.from([0xe9]), Buffer.from('.txt')]),
        'x',
      );
      const walk = walkFolder({
        root: folder,
        realRoot: folder,
        title: 'site',
        excludes: [],
        includeHiddenFiles: false,
        blame: { input: 'files', given: 'site' },
      });
      await expect(walk).rejects.toThrow(
        'files: got "site"; expected file names that are valid UTF-8 (tar entries and titles hold text), but "site/caf\uFFFD.txt" is not (shown with U+FFFD in place of its other bytes): rename it',
      );
    } finally {
      await dir.remove();
    }
  });
});

describe('checked files', () => {
  let dir: { path: string; remove: () => Promise<void> };
  beforeEach(async () => {
    dir = await makeTempDir('oci-checked-');
  });
  afterEach(async () => dir.remove());

  const checked = async (name: string, content: string): Promise<CheckedFile> => {
    await writeFile(join(dir.path, name), content);
    return checkOwnFile(join(dir.path, name));
  };

  it('reads and hashes exactly what was checked', async () => {
    const file = await checked('a.txt', 'hello');
    expect((await readCheckedWhole(file)).toString()).toBe('hello');
    expect(await digestChecked(file)).toEqual({
      digest: 'sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824',
      size: 5,
    });
  });

  it('refuses a file replaced by another since the check', async () => {
    const file = await checked('a.txt', 'hello');
    await writeFile(join(dir.path, 'other'), 'hello');
    await rename(join(dir.path, 'other'), join(dir.path, 'a.txt'));
    await expect(digestChecked(file)).rejects.toThrow(
      `${file.path} was replaced since it was checked`,
    );
  });

  it('refuses a file replaced by a link since the check', async () => {
    const file = await checked('a.txt', 'hello');
    await writeFile(join(dir.path, 'secret'), 'hello');
    execFileSync('rm', [file.path]);
    await symlink(join(dir.path, 'secret'), file.path);
    await expect(readCheckedWhole(file)).rejects.toMatchObject({ code: 'FILE_CHANGED' });
  });

  it('refuses a parent folder swapped for a link leading elsewhere', async () => {
    await mkdir(join(dir.path, 'd'));
    const file = await checked('d/a.txt', 'hello');
    await mkdir(join(dir.path, 'elsewhere'));
    await writeFile(join(dir.path, 'elsewhere', 'a.txt'), 'hello');
    await rename(join(dir.path, 'd'), join(dir.path, 'd-old'));
    await symlink(join(dir.path, 'elsewhere'), join(dir.path, 'd'));
    await expect(readCheckedWhole(file)).rejects.toThrow('was replaced since it was checked');
  });

  it('refuses a file swapped for a FIFO since the check, without waiting for a writer', async () => {
    const file = await checked('a.txt', 'hello');
    execFileSync('rm', [file.path]);
    execFileSync('mkfifo', [file.path]);
    // Opened for reading without O_NONBLOCK, a FIFO would wait for a writer that never comes.
    await expect(readCheckedWhole(file)).rejects.toThrow(
      `${file.path} was replaced since it was checked`,
    );
  });

  it('refuses content longer than the checked size, as /proc files have', async () => {
    const file = await checked('a.txt', 'INPUT_PASSWORD=x');
    const zero: CheckedFile = { ...file, identity: { ...file.identity, size: 0 } };
    await expect(digestChecked(zero)).rejects.toThrow('grew past 0 bytes since it was checked');
  });
});
