import {
  applyEdit,
  newEntries,
  type ResolvedEntry,
} from '../../../src/commands/image-index/edit.js';
import { IndexError } from '../../../src/commands/image-index/errors.js';
import { digestBytes } from '../../../src/oci/digest.js';
import { entryJson, type IndexEntry } from '../../../src/oci/image-index.js';
import { OCI_MANIFEST } from '../../../src/oci/media-types.js';
import { parsePlatform } from '../../../src/oci/platform.js';

const manifest = (name: string) => ({
  mediaType: OCI_MANIFEST,
  digest: digestBytes(name),
  size: name.length,
});
const resolved = (name: string, platform?: string): ResolvedEntry => ({
  written: name,
  descriptor: manifest(name),
  ...(platform ? { platform: parsePlatform(platform) } : {}),
});
const listed = (name: string, platform?: string): IndexEntry => {
  const entry = resolved(name, platform);
  return {
    descriptor: entry.descriptor,
    ...(entry.platform ? { platform: entry.platform } : {}),
    raw: { ...entryJson(entry), annotations: { kept: name } },
  };
};
const digests = (manifests: Record<string, unknown>[]) => manifests.map((m) => m['digest']);
const codeOf = (body: () => unknown): string => {
  try {
    body();
  } catch (error) {
    if (error instanceof IndexError) return error.code;
    throw error;
  }
  return 'no error';
};

describe('index entries', () => {
  it('of a new index keep the order given; entries without a platform may be several', () => {
    const entries = [resolved('b', 'linux/arm64'), resolved('a'), resolved('c')];
    expect(digests(newEntries(entries))).toEqual(entries.map((e) => e.descriptor.digest));
  });

  it('of a new index refuse one manifest twice, and one platform twice', () => {
    expect(codeOf(() => newEntries([resolved('a'), resolved('a')]))).toBe('DUPLICATE_ENTRY');
    expect(
      codeOf(() => newEntries([resolved('a', 'linux/arm64'), resolved('b', 'linux/arm64/v8')])),
    ).toBe('DUPLICATE_ENTRY');
  });
});

describe('applyEdit', () => {
  const existing = [listed('x', 'linux/amd64'), listed('y', 'windows/amd64'), listed('z')];

  it('keeps untouched entries as they were written, replaces in place, appends the rest', () => {
    const result = applyEdit(
      existing,
      [
        {
          kind: 'platform',
          written: 'platform=windows/amd64',
          platform: parsePlatform('windows/amd64'),
        },
      ],
      [resolved('x2', 'linux/amd64'), resolved('w', 'linux/arm64')],
      true,
    );
    expect(digests(result.manifests)).toEqual([
      digestBytes('x2'),
      digestBytes('z'),
      digestBytes('w'),
    ]);
    expect(result.manifests[1]).toEqual(existing[2]!.raw);
    expect(result.removed).toEqual([
      { written: 'platform=windows/amd64', digests: [digestBytes('y')] },
    ]);
    expect(result.replaced).toEqual([{ written: 'x2', digests: [digestBytes('x')] }]);
    expect(result.appended).toEqual(['w']);
  });

  it('re-adding a listed manifest replaces it, with the platform now given', () => {
    const result = applyEdit(existing, [], [resolved('z', 'linux/s390x')], true);
    expect(result.manifests[2]).toEqual(
      entryJson({ descriptor: manifest('z'), platform: parsePlatform('linux/s390x') }),
    );
    expect(result.appended).toEqual([]);
  });

  it('leaves one entry where an index listed several of the platform added', () => {
    const twice = [listed('p', 'linux/amd64'), listed('q'), listed('r', 'linux/amd64')];
    const result = applyEdit(twice, [], [resolved('s', 'linux/amd64')], true);
    expect(digests(result.manifests)).toEqual([digestBytes('s'), digestBytes('q')]);
    expect(result.replaced).toEqual([
      { written: 's', digests: [digestBytes('p'), digestBytes('r')] },
    ]);
  });

  it('refuses a removal that matches nothing, unless repeating after a concurrent write', () => {
    const removal = { kind: 'digest' as const, written: 'gone', digest: digestBytes('gone') };
    expect(codeOf(() => applyEdit(existing, [removal], [], true))).toBe('NOTHING_REMOVED');
    expect(digests(applyEdit(existing, [removal], [], false).manifests)).toHaveLength(3);
  });

  it('refuses two additions of one platform', () => {
    expect(
      codeOf(() =>
        applyEdit(
          existing,
          [],
          [resolved('m', 'linux/arm/v7'), resolved('n', 'linux/arm/v7')],
          true,
        ),
      ),
    ).toBe('DUPLICATE_ENTRY');
  });
});
