import type { Platform } from '../../src/oci/descriptor.js';
import { digestBytes } from '../../src/oci/digest.js';
import { OciError } from '../../src/oci/errors.js';
import { hostPlatform } from '../../src/oci/host-platform.js';
import {
  canonicalPlatform,
  formatPlatform,
  parsePlatform,
  platformMatches,
  platformOfConfig,
  samePlatform,
  storedPlatform,
} from '../../src/oci/platform.js';

const errorOf = (body: () => unknown): OciError => {
  try {
    body();
  } catch (error) {
    if (error instanceof OciError) return error;
    throw error;
  }
  throw new Error('no error was thrown');
};

describe('parsePlatform', () => {
  it.each<[string, Platform]>([
    ['linux/amd64', { architecture: 'amd64', os: 'linux' }],
    ['linux/arm/v7', { architecture: 'arm', os: 'linux', variant: 'v7' }],
    ['darwin/arm64', { architecture: 'arm64', os: 'darwin' }],
    [
      'windows/amd64:10.0.17763.5458',
      { architecture: 'amd64', os: 'windows', 'os.version': '10.0.17763.5458' },
    ],
    [
      'linux/arm64/v8:6.1',
      { architecture: 'arm64', os: 'linux', 'os.version': '6.1', variant: 'v8' },
    ],
  ])('reads %s', (text, expected) => {
    expect(parsePlatform(text)).toEqual(expected);
    expect(formatPlatform(parsePlatform(text))).toBe(text);
  });

  it.each([
    ['linux', 'it needs an os and an architecture'],
    ['linux/', `"" is not lower-case letters, digits, '.', '_' or '-'`],
    ['/amd64', `"" is not lower-case letters, digits, '.', '_' or '-'`],
    ['linux/arm/v7/extra', 'it needs an os and an architecture'],
    ['Linux/AMD64', `"Linux" is not lower-case letters, digits, '.', '_' or '-'`],
    ['linux/amd 64', `"amd 64" is not lower-case letters, digits, '.', '_' or '-'`],
    ['windows/amd64:', 'the os.version "" is empty or holds unusual characters'],
    ['', 'it needs an os and an architecture'],
  ])('refuses %j, saying why and what is expected', (text, why) => {
    const error = errorOf(() => parsePlatform(text));
    expect(error.code).toBe('INVALID_PLATFORM');
    expect(error.message).toBe(`invalid platform ${JSON.stringify(text)}: ${why}`);
  });
});

describe('canonical JSON', () => {
  it('writes the keys in the order Go writes them, so ORAS and this action agree on digests', () => {
    const bytes = JSON.stringify(canonicalPlatform({ os: 'darwin', architecture: 'arm64' }));
    expect(bytes).toBe('{"architecture":"arm64","os":"darwin"}');
    // The config `oras push --artifact-platform darwin/arm64` writes (ORAS's e2e test data).
    expect(digestBytes(bytes)).toBe(
      'sha256:e94c0ba80a1157ffab5b5c6656fffc089c6446c7ed0604f3382910d1ef7dd40d',
    );
    expect(
      Object.keys(
        canonicalPlatform({
          variant: 'v7',
          'os.features': ['f'],
          'os.version': '1',
          os: 'linux',
          architecture: 'arm',
        }),
      ),
    ).toEqual(['architecture', 'os', 'os.version', 'os.features', 'variant']);
  });
});

describe('platforms read from a registry', () => {
  it('takes os, architecture, variant, os.version and os.features from an image config', () => {
    const config = JSON.stringify({
      architecture: 'arm',
      os: 'linux',
      variant: 'v6',
      config: { Env: ['PATH=/bin'] },
      rootfs: { type: 'layers', diff_ids: [] },
    });
    expect(platformOfConfig(Buffer.from(config))).toEqual({
      architecture: 'arm',
      os: 'linux',
      variant: 'v6',
    });
  });

  it.each([
    ['the empty config', '{}'],
    ['no architecture', '{"os":"linux"}'],
    ['not JSON', 'plain text'],
    ['a JSON array', '[1,2]'],
    ['a newline in a name', '{"os":"linux","architecture":"amd64\\n::error::x"}'],
    ['a non-string', '{"os":"linux","architecture":5}'],
    ['bad features', '{"os":"linux","architecture":"amd64","os.features":["a b"]}'],
  ])('finds no platform in %s', (_what, text) => {
    expect(platformOfConfig(Buffer.from(text))).toBeUndefined();
  });

  it('keeps only well-formed values, so a platform it returns is safe to print', () => {
    expect(
      storedPlatform({ os: 'windows', architecture: 'amd64', 'os.features': ['win32k'] }),
    ).toEqual({ architecture: 'amd64', os: 'windows', 'os.features': ['win32k'] });
    expect(
      formatPlatform({ os: 'windows', architecture: 'amd64', 'os.features': ['win32k'] }),
    ).toBe('windows/amd64+win32k');
    expect(storedPlatform({ os: 'linux', architecture: 'amd64', variant: '' })).toEqual({
      architecture: 'amd64',
      os: 'linux',
    });
    expect(storedPlatform(null)).toBeUndefined();
  });
});

describe('platformMatches (ORAS rules)', () => {
  const p = parsePlatform;
  it('needs os and architecture to be equal', () => {
    expect(platformMatches(p('linux/amd64'), p('linux/amd64'))).toBe(true);
    expect(platformMatches(p('linux/arm64'), p('linux/amd64'))).toBe(false);
    expect(platformMatches(p('windows/amd64'), p('linux/amd64'))).toBe(false);
    expect(platformMatches(undefined, p('linux/amd64'))).toBe(false);
  });

  it('checks the variant and os.version only when the wanted platform gives them', () => {
    expect(platformMatches(p('linux/arm/v7'), p('linux/arm'))).toBe(true);
    expect(platformMatches(p('linux/arm/v6'), p('linux/arm/v7'))).toBe(false);
    expect(platformMatches(p('linux/arm'), p('linux/arm/v7'))).toBe(false);
    expect(platformMatches(p('windows/amd64:10.0.1'), p('windows/amd64'))).toBe(true);
    expect(platformMatches(p('windows/amd64:10.0.1'), p('windows/amd64:10.0.2'))).toBe(false);
    expect(platformMatches(p('windows/amd64'), p('windows/amd64:10.0.2'))).toBe(false);
  });

  it('counts an arm64 entry without a variant as v8', () => {
    expect(platformMatches(p('linux/arm64'), p('linux/arm64/v8'))).toBe(true);
    expect(platformMatches(p('linux/arm64/v8'), p('linux/arm64'))).toBe(true);
    expect(platformMatches(p('linux/arm64/v9'), p('linux/arm64/v8'))).toBe(false);
  });

  it("needs the wanted os.features among the entry's", () => {
    const entry: Platform = { os: 'windows', architecture: 'amd64', 'os.features': ['a', 'b'] };
    expect(
      platformMatches(entry, { os: 'windows', architecture: 'amd64', 'os.features': ['b'] }),
    ).toBe(true);
    expect(
      platformMatches(entry, { os: 'windows', architecture: 'amd64', 'os.features': ['c'] }),
    ).toBe(false);
  });

  it('tells duplicates apart by every field, arm64 and arm64/v8 being the same', () => {
    expect(samePlatform(p('linux/arm64'), p('linux/arm64/v8'))).toBe(true);
    expect(samePlatform(p('linux/arm/v6'), p('linux/arm/v7'))).toBe(false);
    expect(samePlatform(p('linux/arm'), p('linux/arm/v7'))).toBe(false);
    expect(samePlatform(p('windows/amd64:1'), p('windows/amd64'))).toBe(false);
  });
});

describe('hostPlatform (platform: auto)', () => {
  it.each([
    [{ platform: 'linux', arch: 'x64' }, 'linux/amd64'],
    [{ platform: 'win32', arch: 'x64' }, 'windows/amd64'],
    [{ platform: 'win32', arch: 'arm64' }, 'windows/arm64/v8'],
    [{ platform: 'darwin', arch: 'arm64' }, 'darwin/arm64/v8'],
    [{ platform: 'darwin', arch: 'x64' }, 'darwin/amd64'],
    [{ platform: 'linux', arch: 'arm', armVersion: '7' }, 'linux/arm/v7'],
    [{ platform: 'linux', arch: 'arm', armVersion: 6 }, 'linux/arm/v6'],
    [{ platform: 'linux', arch: 'arm' }, 'linux/arm'],
    [{ platform: 'linux', arch: 'ia32' }, 'linux/386'],
    [{ platform: 'linux', arch: 'ppc64' }, 'linux/ppc64le'],
    [{ platform: 'aix', arch: 'ppc64' }, 'aix/ppc64'],
    [{ platform: 'linux', arch: 's390x' }, 'linux/s390x'],
    [{ platform: 'linux', arch: 'riscv64' }, 'linux/riscv64'],
    [{ platform: 'freebsd', arch: 'x64' }, 'freebsd/amd64'],
  ])('maps %j to %s', (host, expected) => {
    expect(formatPlatform(hostPlatform(host))).toBe(expected);
  });

  it('matches the arm64 entries an index written without a variant has', () => {
    expect(
      platformMatches(
        parsePlatform('darwin/arm64'),
        hostPlatform({ platform: 'darwin', arch: 'arm64' }),
      ),
    ).toBe(true);
  });

  it("describes this machine in OCI's names, never Node's", () => {
    const host = hostPlatform();
    expect(host.os).toBe(process.platform === 'win32' ? 'windows' : process.platform);
    expect(['x64', 'ia32', 'win32']).not.toContain(host.architecture);
    expect(formatPlatform(host)).toMatch(/^[a-z0-9]+\/[a-z0-9]+(\/v\d+)?$/);
  });
});
