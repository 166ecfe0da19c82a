import { join } from 'node:path';
import { isExplicitVersion } from '@actions/tool-cache';
import { cacheVersion } from '../../../src/commands/pull/artifact-cache.js';
import { titleTarget } from '../../../src/commands/pull/output-path.js';
import { archivePrefix, entrySegments } from '../../../src/commands/pull/tar-paths.js';
import type { Digest } from '../../../src/oci/digest.js';

describe('titleTarget', () => {
  const out = '/work/out';

  it.each([
    ['a.txt', join(out, 'a.txt')],
    ['dir/sub/a.txt', join(out, 'dir/sub/a.txt')],
    ['./dir/../a.txt', join(out, 'a.txt')],
  ])('puts %s at %s', (title, target) => {
    expect(titleTarget(out, title, false)).toBe(target);
  });

  it.each(['../a.txt', 'dir/../../a.txt', '/etc/passwd'])(
    'refuses %s unless traversal is allowed',
    (title) => {
      expect(() => titleTarget(out, title, false)).toThrow(/allow-path-traversal/);
      expect(titleTarget(out, title, true)).not.toBe(out);
    },
  );

  it.each(['', '.', 'dir/..', 'a\0b', '..', '../..', '/', '/work'])(
    'refuses %j always',
    (title) => {
      expect(() => titleTarget(out, title, true)).toThrow(/layer title/);
    },
  );
});

describe('entrySegments', () => {
  it.each([
    ['dir', 'dir', []],
    ['dir/', 'dir', []],
    ['./dir/a', 'dir', ['a']],
    ['dir/x/../a', 'dir', ['a']],
    ['nested/dir/a', 'nested/dir', ['a']],
  ])('maps %s under %s', (entry, title, segments) => {
    expect(entrySegments(entry, archivePrefix(title), title)).toEqual(segments);
  });

  it.each([
    ['dir/../x', /is not inside "dir\/"/],
    ['dir/../../x', /leaves the layer folder/],
    ['/dir/a', /leaves the layer folder/],
    ['dirx/a', /is not inside "dir\/"/],
    ['a', /is not inside "dir\/"/],
  ])('refuses %s under dir', (entry, message) => {
    expect(() => entrySegments(entry, 'dir', 'dir')).toThrow(message);
  });
});

describe('cacheVersion', () => {
  it('is a version @actions/tool-cache finds, even for an all-digit digest', () => {
    const digits = `sha256:0${'1'.repeat(63)}` as Digest;
    expect(cacheVersion(digits)).toBe(`0.0.0-sha256-0${'1'.repeat(63)}`);
    expect(isExplicitVersion(cacheVersion(digits))).toBe(true);
    // The dotted form would not be: a numeric identifier with a leading zero.
    expect(isExplicitVersion(`0.0.0-sha256.0${'1'.repeat(63)}`)).toBe(false);
  });
});
