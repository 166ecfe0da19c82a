import { newestReferrer } from '../../../src/commands/pull/pick-referrer.js';
import type { Descriptor } from '../../../src/oci/descriptor.js';
import { digestBytes } from '../../../src/oci/digest.js';
import { OCI_MANIFEST } from '../../../src/oci/media-types.js';

const referrer = (name: string, created?: string): Descriptor => ({
  mediaType: OCI_MANIFEST,
  digest: digestBytes(name),
  size: 1,
  artifactType: 'application/spdx+json',
  ...(created === undefined
    ? {}
    : { annotations: { 'org.opencontainers.image.created': created } }),
});
const pick = (...referrers: Descriptor[]) => newestReferrer(referrers)?.digest;

describe('newestReferrer', () => {
  it('takes the newest creation time, whatever the listing order', () => {
    expect(
      pick(
        referrer('jan', '2026-01-01T00:00:00Z'),
        referrer('mar', '2026-03-01T00:00:00Z'),
        referrer('feb', '2026-02-01T00:00:00Z'),
      ),
    ).toBe(digestBytes('mar'));
  });

  it('compares times, not text: offsets and fractions count', () => {
    expect(
      pick(referrer('utc', '2026-01-01T10:00:00Z'), referrer('east', '2026-01-01T11:00:00+02:00')),
    ).toBe(digestBytes('utc'));
    expect(
      pick(referrer('b', '2026-01-01T00:00:00.5Z'), referrer('a', '2026-01-01T00:00:00.25Z')),
    ).toBe(digestBytes('b'));
  });

  it('ignores what has no creation time, or a malformed one, when another has one', () => {
    expect(
      pick(
        referrer('dated', '2020-01-01T00:00:00Z'),
        referrer('none'),
        referrer('bad', 'yesterday'),
        referrer('injected', '2030-01-01T00:00:00Z\n::error::x'),
      ),
    ).toBe(digestBytes('dated'));
  });

  it('takes the later listed of two equally new, and the last listed when none is dated', () => {
    const t = '2026-05-05T05:05:05Z';
    expect(pick(referrer('first', t), referrer('second', t))).toBe(digestBytes('second'));
    expect(pick(referrer('x'), referrer('y'), referrer('z'))).toBe(digestBytes('z'));
    expect(newestReferrer([])).toBeUndefined();
  });
});
