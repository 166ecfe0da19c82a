// The values of the credentials a push was given, searched for in every byte it packs.
import { realpath, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkOwnFile, digestChecked } from '../../../src/commands/pack/checked-file.js';
import { BASE64_SEARCHED_SIZE, KnownSecrets } from '../../../src/commands/pack/known-secrets.js';
import { makeTempDir } from '../../support/temp.js';

const TOKEN = 'ghs_0123456789abcdefghijKNOWNSECRET01';
const b64 = (text: string): string => Buffer.from(text).toString('base64');

describe('known secrets', () => {
  const secrets = new KnownSecrets([
    { input: 'password', value: 'short' },
    { input: 'github-token', value: TOKEN },
  ]);
  const searchIn = (chunks: string[], size = 0) => {
    const search = secrets.search(size);
    return chunks.map((chunk) => search(Buffer.from(chunk))).find((found) => found);
  };

  it('finds a value within a chunk, and cut in two (or three) by chunks', () => {
    expect(searchIn([`a=${TOKEN}\n`])).toBe('github-token');
    expect(searchIn(['x'.repeat(100) + TOKEN.slice(0, 10), TOKEN.slice(10)])).toBe('github-token');
    expect(searchIn([TOKEN.slice(0, 5), TOKEN.slice(5, 9), TOKEN.slice(9)])).toBe('github-token');
    expect(searchIn([TOKEN.slice(0, 20), 'x', TOKEN.slice(20)])).toBeUndefined();
  });

  it.each([
    // User names of 4, 5 and 15 bytes: the value at each of the three offsets.
    ['a Docker config', (v: string) => `{"auths":{"r":{"auth":"${b64(`ci1:${v}`)}"}}}`],
    ['an .npmrc _auth', (v: string) => `_auth=${b64(`user:${v}`)}\n`],
    ['a Basic header', (v: string) => `Authorization: Basic ${b64(`x-access-token:${v}`)}`],
    ['the value alone', (v: string) => b64(v)],
  ])('finds a value in base64 wherever it stands, in a small file: %s', (_what, text) => {
    expect(searchIn([text(TOKEN)])).toBe('github-token');
    expect(searchIn([text(TOKEN)], BASE64_SEARCHED_SIZE + 1)).toBeUndefined();
    expect(searchIn([text(TOKEN.replace('K', 'X'))])).toBeUndefined();
  });

  it('leaves values too short to tell from data alone', () => {
    expect(searchIn(['password: short'])).toBeUndefined();
    expect(new KnownSecrets([{ input: 'password', value: '' }]).empty).toBe(true);
  });

  it('finds a value across the reused buffer of a file read in 1 MiB chunks', async () => {
    const dir = await makeTempDir('oci-secrets-');
    try {
      const path = join(await realpath(dir.path), 'big.bin');
      const before = Buffer.alloc(1024 * 1024 - 7, 0x61);
      await writeFile(path, Buffer.concat([before, Buffer.from(TOKEN), Buffer.alloc(9)]));
      const blame = { input: 'files', given: 'big.bin' };
      await expect(
        digestChecked(await checkOwnFile(path), secrets.refuser('"big.bin"', blame, 2 << 20)),
      ).rejects.toThrow(
        'files: got "big.bin"; expected no credentials, but "big.bin" holds the value of the input "github-token", which is never pushed',
      );
    } finally {
      await dir.remove();
    }
  });
});
