import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expandFileSpecs, type IfNoFilesFound } from '../../../src/commands/pack/expand-files.js';
import { parseFileSpecs } from '../../../src/commands/pack/file-spec.js';
import { HiddenTally } from '../../../src/commands/pack/hidden-files.js';
import { Workspace } from '../../../src/commands/pack/workspace.js';
import { makeTempDir } from '../../support/temp.js';
import { recordingLog } from './recording-log.js';

describe('expanding files lines', () => {
  let root: string;
  let ws: string;
  let remove: () => Promise<void>;
  beforeAll(async () => {
    ({ path: root, remove } = await makeTempDir('oci-expand-'));
    ws = join(root, 'ws');
    for (const dir of ['dist/sub', 'docs', 'brackets'])
      await mkdir(join(ws, dir), { recursive: true });
    const files = {
      'a.txt': 'a',
      'b.txt': 'b',
      'c.md': 'c',
      'dist/x.js': 'x',
      'dist/x.js.map': 'm',
      'dist/sub/y.js': 'y',
      'docs/readme.md': 'r',
      'brackets/v[1].txt': 'v',
      'note:v2.txt': 'n',
    };
    for (const [path, text] of Object.entries(files)) await writeFile(join(ws, path), text);
    await writeFile(join(root, 'outside.txt'), 'o');
    await symlink(join(ws, 'dist'), join(ws, 'dist-link'));
  });
  afterAll(async () => remove());

  const expand = async (lines: string[], ifNoFilesFound: IfNoFilesFound = 'error') => {
    const log = recordingLog();
    const result = await expandFileSpecs(parseFileSpecs(lines), {
      workspace: await Workspace.open(ws),
      ifNoFilesFound,
      includeHiddenFiles: false,
      hidden: new HiddenTally(),
      log,
    });
    return {
      entries: result.entries.map((e) => `${e.kind} ${e.title} ${e.mediaType}`),
      log: log.lines.filter((l) => !l.startsWith('debug')),
    };
  };

  it('makes a folder line one folder layer and a file line one file layer, with media types', async () => {
    const { entries } = await expand(['dist:application/x.web+gzip', './a.txt', 'docs/']);
    expect(entries).toEqual([
      'folder dist application/x.web+gzip',
      'file a.txt application/vnd.oci.image.layer.v1.tar',
      'folder docs application/vnd.oci.image.layer.v1.tar+gzip',
    ]);
  });

  it('makes each file a glob matches one layer, sorted, folders it matches by their files', async () => {
    const { entries } = await expand(['*.txt:text/plain', 'dis?', '!**/*.map']);
    expect(entries).toEqual([
      'file a.txt text/plain',
      'file b.txt text/plain',
      'file note:v2.txt text/plain',
      'file dist/sub/y.js application/vnd.oci.image.layer.v1.tar',
      'file dist/x.js application/vnd.oci.image.layer.v1.tar',
    ]);
  });

  it('takes an existing path literally even with glob characters, and a link to a folder as a folder', async () => {
    const { entries } = await expand(['brackets/v[1].txt', 'dist-link']);
    expect(entries).toEqual([
      'file brackets/v[1].txt application/vnd.oci.image.layer.v1.tar',
      'folder dist-link application/vnd.oci.image.layer.v1.tar+gzip',
    ]);
  });

  it('refuses paths outside the working directory and the working directory itself', async () => {
    await expect(expand(['../outside.txt'])).rejects.toThrow(
      /files: got "..\/outside.txt"; expected paths inside working-directory/,
    );
    await expect(expand([join(root, '*.txt')])).rejects.toThrow(/lies outside it/);
    await expect(expand(['../nowhere/*.txt'])).rejects.toThrow(/lies outside it/);
    await expect(expand(['.'])).rejects.toThrow(/not the folder itself/);
  });

  it('fails on duplicate titles, naming both lines', async () => {
    await expect(expand(['*.txt', 'a.txt:text/plain'])).rejects.toThrow(
      /files: got "a.txt:text\/plain"; expected each title once, but "a.txt" also comes from the line "\*.txt"/,
    );
  });

  it('follows if-no-files-found for lines that match nothing, excluded ones included', async () => {
    await expect(expand(['missing.txt'])).rejects.toThrow(
      /files: got "missing.txt"; expected an existing file or folder, or a glob that matches/,
    );
    await expect(expand(['*.nothing', 'a.txt'])).rejects.toThrow(/got "\*.nothing"/);
    await expect(expand(['a.txt:text/not valid'])).rejects.toThrow(
      '("text/not valid" is not a valid media type, so it was read as part of the path)',
    );
    const warned = await expand(['missing.txt', 'a.txt', '!a.txt', 'dist', '!dist'], 'warn');
    expect(warned.entries).toEqual([]);
    expect(warned.log).toEqual([
      `warning: files: "missing.txt" matches no file in ${ws}`,
      `warning: files: "a.txt" matches no file in ${ws}`,
      `warning: files: "dist" matches no file in ${ws}`,
    ]);
    const ignored = await expand(['missing.txt', 'c.md'], 'ignore');
    expect(ignored).toEqual({
      entries: ['file c.md application/vnd.oci.image.layer.v1.tar'],
      log: [],
    });
  });

  it('takes the working directory literally even when its name has glob characters', async () => {
    const odd = join(root, 'w[1]*');
    await mkdir(join(odd, 'd'), { recursive: true });
    await writeFile(join(odd, 'd', 'f.txt'), 'f');
    const result = await expandFileSpecs(parseFileSpecs(['**/*.txt', 'd']), {
      workspace: await Workspace.open(odd),
      ifNoFilesFound: 'error',
      includeHiddenFiles: false,
      hidden: new HiddenTally(),
      log: recordingLog(),
    });
    expect(result.entries.map((e) => `${e.kind} ${e.title}`)).toEqual(['file d/f.txt', 'folder d']);
  });
});
