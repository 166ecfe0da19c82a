import {
  checkDescriptor,
  declaredMediaType,
  hasDescriptorShape,
} from '../../src/oci/manifest-fields.js';

const D = `sha256:${'b'.repeat(64)}`;
const good = { mediaType: 'application/x.a', digest: D, size: 3, annotations: { a: 'b' } };

describe('checkDescriptor', () => {
  it('returns mediaType, digest and size only', () => {
    expect(checkDescriptor(good, 'layers[0]')).toEqual({
      descriptor: { mediaType: 'application/x.a', digest: D, size: 3 },
    });
  });

  it.each([
    [null, 'layers[0] is not a descriptor'],
    [[good], 'layers[0] is not a descriptor'],
    [{ ...good, digest: 5 }, 'layers[0] needs a mediaType and a digest'],
    [{ ...good, mediaType: undefined }, 'layers[0] needs a mediaType and a digest'],
    [{ ...good, size: -1 }, 'layers[0] has no valid size'],
    [{ ...good, size: 1.5 }, 'layers[0] has no valid size'],
    [{ ...good, size: '3' }, 'layers[0] has no valid size'],
  ])('refuses %j: %s', (value, fault) => {
    expect(checkDescriptor(value, 'layers[0]')).toEqual({ fault });
  });

  it("refuses a digest that does not parse, with the digest's own reason", () => {
    const checked = checkDescriptor({ ...good, digest: 'sha256:../../x' }, 'config');
    expect(checked).toEqual({ fault: expect.stringMatching(/^config: .+/) });
  });

  it('checks the media type only when asked', () => {
    const odd = { ...good, mediaType: 'not a type' };
    expect(checkDescriptor(odd, 'm')).toHaveProperty('descriptor');
    expect(checkDescriptor(odd, 'm', { validMediaType: true })).toEqual({
      fault: 'm: its mediaType is not a media type',
    });
  });
});

describe('hasDescriptorShape', () => {
  it('looks at the JSON types of the three fields only', () => {
    expect(hasDescriptorShape({ mediaType: 'x', digest: 'not checked', size: -1 })).toBe(true);
    expect(hasDescriptorShape({ mediaType: 'x', digest: D })).toBe(false);
    expect(hasDescriptorShape(null)).toBe(false);
  });
});

describe('declaredMediaType', () => {
  it.each([
    ['{"mediaType":"application/x.m"}', 'application/x.m'],
    ['{"mediaType":5}', undefined],
    ['{}', undefined],
    ['null', undefined],
    ['not json', undefined],
  ])('of %s is %s', (text, mediaType) => {
    expect(declaredMediaType(Buffer.from(text))).toBe(mediaType);
  });
});
