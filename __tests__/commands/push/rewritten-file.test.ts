// A file rewritten in place (same inode, same size) after it was hashed and before it is sent:
// the target's digest check refuses the bytes, so what is stored always matches the manifest;
// the push then says which file changed, not only that a digest did not match.
import { appendFile, mkdir, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseFileSpecs } from '../../../src/commands/pack/file-spec.js';
import { pushArtifact } from '../../../src/commands/push/push.js';
import { OciLayout } from '../../../src/oci/layout/store.js';
import { parseReference } from '../../../src/oci/reference.js';
import { RemoteRepository } from '../../../src/oci/remote/repository.js';
import type { Target } from '../../../src/oci/target.js';
import { startRegistry, type Registry } from '../../support/registry.js';
import { memoryLog, useTempDirEach } from '../pull/helpers.js';
import { pushOptions } from './push-options.js';

describe('a file rewritten in place during a push', () => {
  const dir = useTempDirEach('oci-push-rewrite-');
  let registry: Registry;
  beforeAll(async () => {
    registry = await startRegistry();
  });
  afterAll(async () => registry?.stop());

  const push = async (
    open: () => Promise<Target>,
    change: (path: string) => Promise<void> = (path) =>
      writeFile(path, Buffer.alloc(300 * 1024, 'b')),
  ): Promise<unknown> => {
    const ws = join(dir.path, 'ws');
    await mkdir(ws);
    // Big enough to be checked for existence and sent in its own request.
    await writeFile(join(ws, 'report.bin'), Buffer.alloc(300 * 1024, 'a'));
    const options = pushOptions({
      name: 'target',
      files: parseFileSpecs(['report.bin']),
      workingDirectory: ws,
      tag: 'v1',
      tempRoot: join(dir.path, 'temp'),
    });
    // The target is opened once everything is hashed: the moment to rewrite the file.
    const target = async () => {
      await change(join(ws, 'report.bin'));
      return open();
    };
    return pushArtifact(target, options, memoryLog()).catch((error: unknown) => error);
  };

  it.each<[string, () => Promise<Target>]>([
    ['a layout folder', () => OciLayout.open(join(dir.path, 'layout'), { create: true })],
    [
      'a registry',
      async () =>
        new RemoteRepository(parseReference(`${registry.host}/rewrite/x`), {
          retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 5 },
        }),
    ],
  ])('into %s: refused, naming the file', async (_what, open) => {
    const error = await push(open);
    expect(error).toMatchObject({ code: 'FILE_CHANGED' });
    expect(String(error)).toContain(
      `${join(dir.path, 'ws', 'report.bin')} was rewritten in place since it was checked; refused (is something writing the workspace?)`,
    );
    expect((error as Error).cause).toMatchObject({ code: 'DIGEST_MISMATCH' });
  });

  it.each<[string, (path: string) => Promise<void>, string]>([
    ['grows', (path) => appendFile(path, 'more'), 'grew past 307200 bytes'],
    ['shrinks', (path) => truncate(path, 1000), 'shrank to 1000 of 307200 bytes'],
  ])('that %s is refused as it is read for the upload, at once', async (_what, change, what) => {
    // The client says each retry as it happens: there must be none.
    const said: string[] = [];
    const say = (message: string) => said.push(message);
    const error = await push(
      async () =>
        new RemoteRepository(parseReference(`${registry.host}/rewrite/y`), {
          retry: { attempts: 5, baseDelayMs: 1, maxDelayMs: 5 },
          logger: { debug: say, info: say, warning: say },
        }),
      change,
    );
    expect(said.filter((message) => message.includes('retrying'))).toEqual([]);
    expect(error).toMatchObject({ code: 'FILE_CHANGED' });
    expect(String(error)).toContain(`report.bin ${what} since it was checked`);
  });
});
