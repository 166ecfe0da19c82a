// A folder layer extracted on the system the test runs on (Linux, macOS or Windows in CI): links
// to folders work whatever the order of the entries, and names the file system takes for one
// fail the layer instead of one silently replacing the other.
import { access, lstat, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { LayerWriter } from '../../../src/commands/pull/layer-writer.js';
import { extractTarGzip } from '../../../src/commands/pull/tar-extract.js';
import { memoryLog } from '../../support/memory-log.js';
import { makeTempDir } from '../../support/temp.js';
import { tarGzip, type TarEntry } from './tar-builder.js';

describe('extracting a folder layer on this system', () => {
  let dir: { path: string; remove(): Promise<void> };
  let root: string;
  beforeEach(async () => {
    dir = await makeTempDir('oci-extract-');
    await mkdir(join(dir.path, 'work'));
    root = join(dir.path, 'work', 'layer');
  });
  afterEach(() => dir.remove());

  const extract = (entries: TarEntry[]) =>
    extractTarGzip(Readable.from([tarGzip(entries)]), { title: 'site', root, log: memoryLog() });

  it('makes links to folders that come later in the archive usable, and keeps the execute bit', async () => {
    await extract([
      { name: 'site/', type: '5' },
      { name: 'site/latest', type: '2', linkname: 'releases/v2' },
      { name: 'site/run', type: '2', linkname: 'bin/run.sh' },
      { name: 'site/bin/run.sh', mode: 0o755, body: '#!/bin/sh\necho ran\n' },
      { name: 'site/releases/v2/', type: '5' },
      { name: 'site/releases/v2/notes.txt', body: 'two' },
    ]);
    expect(await readdir(join(root, 'latest'))).toEqual(['notes.txt']);
    expect(await readFile(join(root, 'latest', 'notes.txt'), 'utf8')).toBe('two');
    expect(await readFile(join(root, 'run'), 'utf8')).toBe('#!/bin/sh\necho ran\n');
    const mode = (await lstat(join(root, 'bin', 'run.sh'))).mode;
    // Windows has no execute bit to keep.
    if (process.platform !== 'win32') expect(mode & 0o100).toBe(0o100);
  });

  it('fails on names that differ only in case where the file system ignores case, and keeps both where it does not', async () => {
    await writeFile(join(dir.path, 'probe'), '');
    const ignoresCase = await access(join(dir.path, 'PROBE')).then(
      () => true,
      () => false,
    );
    const extraction = extract([
      { name: 'site/', type: '5' },
      { name: 'site/README', body: 'upper' },
      { name: 'site/docs/a.md', body: 'a' },
      { name: 'site/readme', body: 'lower' },
    ]);
    if (ignoresCase) {
      await expect(extraction).rejects.toMatchObject({
        code: 'UNPORTABLE_NAME',
        message: expect.stringContaining(
          'tar entry "site/readme" and the entry "site/README" are one and the same name',
        ) as unknown,
      });
    } else {
      await extraction;
      expect((await readdir(root)).sort()).toEqual(['README', 'docs', 'readme']);
    }
  });

  it('fails on a folder whose name differs only in case from an earlier one, where case is ignored', async () => {
    await writeFile(join(dir.path, 'probe'), '');
    const ignoresCase = await access(join(dir.path, 'PROBE')).then(
      () => true,
      () => false,
    );
    const extraction = extract([
      { name: 'site/Docs/a.md', body: 'a' },
      { name: 'site/docs/b.md', body: 'b' },
    ]);
    if (ignoresCase) {
      await expect(extraction).rejects.toMatchObject({ code: 'UNPORTABLE_NAME' });
    } else {
      await extraction;
      expect((await readdir(root)).sort()).toEqual(['Docs', 'docs']);
    }
  });

  it('still replaces an earlier entry of exactly the same name, as tar does', async () => {
    await extract([
      { name: 'site/a.txt', body: 'first' },
      { name: 'site/a.txt', body: 'second' },
    ]);
    expect(await readFile(join(root, 'a.txt'), 'utf8')).toBe('second');
  });

  it('takes a name the writer never made for another spelling of one it did (any file system)', async () => {
    // What a case-insensitive file system does with `readme` after `README`, shown anywhere:
    // something the writer did not make answers to the name it is about to make.
    const writer = await LayerWriter.create(root, 'site', 'site');
    const body = async function* () {
      yield Buffer.from('x');
    };
    await writer.file(['README'], 0o644, undefined, 1, body());
    await writeFile(join(root, 'readme'), 'alias');
    await expect(writer.file(['readme'], 0o644, undefined, 1, body())).rejects.toMatchObject({
      code: 'UNPORTABLE_NAME',
      message: expect.stringContaining(
        'folder layer "site": tar entry "site/readme" and the entry "site/README" are one and the same name',
      ) as unknown,
    });
    // The same for a folder entry, and for a folder made on the way to a file.
    await mkdir(join(root, 'docs'));
    await expect(writer.folder(['docs'], 0o755, undefined)).rejects.toMatchObject({
      code: 'UNPORTABLE_NAME',
      message: expect.stringContaining('"site/docs" and another entry of the layer') as unknown,
    });
    await mkdir(join(root, 'lib'));
    await expect(writer.file(['lib', 'a.js'], 0o644, undefined, 1, body())).rejects.toMatchObject({
      code: 'UNPORTABLE_NAME',
      message: expect.stringContaining('"site/lib"') as unknown,
    });
    await writer.idle();
  });
});
