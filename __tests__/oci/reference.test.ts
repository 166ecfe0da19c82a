import {
  apiHost,
  formatReference,
  isValidRegistry,
  parseReference,
  referenceSelector,
  type Reference,
} from '../../src/oci/reference.js';
import type { Digest } from '../../src/oci/digest.js';

const D = `sha256:${'a'.repeat(64)}` as Digest;
const D512 = `sha512:${'b'.repeat(128)}` as Digest;

describe('parseReference: valid references', () => {
  it.each<[string, Reference]>([
    ['ubuntu', { registry: 'docker.io', repository: 'library/ubuntu' }],
    ['ubuntu:22.04', { registry: 'docker.io', repository: 'library/ubuntu', tag: '22.04' }],
    ['org/app', { registry: 'docker.io', repository: 'org/app' }],
    ['docker.io/ubuntu', { registry: 'docker.io', repository: 'library/ubuntu' }],
    ['index.docker.io/org/app', { registry: 'docker.io', repository: 'org/app' }],
    [
      'registry-1.docker.io/app:v1',
      { registry: 'docker.io', repository: 'library/app', tag: 'v1' },
    ],
    [
      'ghcr.io/owner/repo/sub:tag',
      { registry: 'ghcr.io', repository: 'owner/repo/sub', tag: 'tag' },
    ],
    ['localhost/app', { registry: 'localhost', repository: 'app' }],
    ['localhost:5000/app', { registry: 'localhost:5000', repository: 'app' }],
    ['127.0.0.1:5000/a/b:t', { registry: '127.0.0.1:5000', repository: 'a/b', tag: 't' }],
    ['[::1]:5000/app:v1', { registry: '[::1]:5000', repository: 'app', tag: 'v1' }],
    ['[2001:db8::1]/app', { registry: '[2001:db8::1]', repository: 'app' }],
    ['Example.COM/app', { registry: 'Example.COM', repository: 'app' }],
    ['my-host/app', { registry: 'docker.io', repository: 'my-host/app' }],
    [`app@${D}`, { registry: 'docker.io', repository: 'library/app', digest: D }],
    [`r.io/app:v1@${D}`, { registry: 'r.io', repository: 'app', tag: 'v1', digest: D }],
    [`r.io/app@${D512}`, { registry: 'r.io', repository: 'app', digest: D512 }],
    ['r.io/a.b_c__d---e/f', { registry: 'r.io', repository: 'a.b_c__d---e/f' }],
    ['r.io/app:_under.score-1', { registry: 'r.io', repository: 'app', tag: '_under.score-1' }],
    [`r.io/app:${'T'.repeat(128)}`, { registry: 'r.io', repository: 'app', tag: 'T'.repeat(128) }],
    // A bare host:port is a repository with a tag, as in the distribution grammar.
    ['localhost:5000', { registry: 'docker.io', repository: 'library/localhost', tag: '5000' }],
  ])('%s', (value, expected) => {
    expect(parseReference(value)).toEqual(expected);
  });

  it('uses the default registry when none is named', () => {
    expect(parseReference('org/app:v1', { defaultRegistry: 'localhost:5000' })).toEqual({
      registry: 'localhost:5000',
      repository: 'org/app',
      tag: 'v1',
    });
    expect(parseReference('app', { defaultRegistry: 'r.io' })).toEqual({
      registry: 'r.io',
      repository: 'app',
    });
  });
});

describe('parseReference: invalid references say which part is wrong', () => {
  it.each<[string, RegExp]>([
    ['', /it is empty/],
    ['app tag', /whitespace/],
    ['App', /path component "App" must be lowercase/],
    ['r.io/Org/app', /path component "Org"/],
    ['r.io/a//b', /path component ""/],
    ['r.io/-app', /path component "-app"/],
    ['r.io/a___b', /path component "a___b"/],
    ['r.io/', /repository name is empty/],
    ['r.io/app:', /the tag "" must be 1-128 characters/],
    ['r.io/app:-x', /the tag "-x"/],
    ['r.io/app:.x', /the tag ".x"/],
    [`r.io/app:${'t'.repeat(129)}`, /the tag "t{129}"/],
    ['r.io/app:a:b', /path component "app:a"/],
    ['r.io/app@', /the digest "" is not valid: expected algorithm:hex/],
    [
      'r.io/app@sha256:zzz',
      /the digest "sha256:zzz" is not valid: expected 64 lowercase hex digits$/,
    ],
    [`r.io/app@sha256:${'A'.repeat(64)}`, /is not valid: expected 64 lowercase hex digits$/],
    ['r.io/app@md5:abc', /the digest "md5:abc" is not valid: expected sha256 or sha512$/],
    ['example.com:99999/app', /the registry "example.com:99999" is not a valid host\[:port\]/],
    ['example.com:/app', /the registry "example.com:"/],
    ['-bad.com/app', /the registry "-bad.com"/],
    ['[::1/app', /the registry "\[::1"/],
    ['[zz]:5000/app', /the registry "\[zz\]:5000"/],
    [`r.io/${'a'.repeat(251)}`, /longer than 255 characters/],
  ])('%s', (value, message) => {
    expect(() => parseReference(value)).toThrow(
      expect.objectContaining({
        code: 'INVALID_REFERENCE',
        message: expect.stringMatching(message),
      }),
    );
    expect(() => parseReference(value)).toThrow(`invalid reference "${value}"`);
  });
});

describe('registry hosts', () => {
  it.each([
    ['ghcr.io', true],
    ['localhost', true],
    ['localhost:5000', true],
    ['127.0.0.1:65535', true],
    ['[::1]', true],
    ['[::1]:443', true],
    ['host:65536', false],
    ['host:', false],
    ['ho_st', false],
    ['[::1]x', false],
    ['', false],
  ])('%s valid: %s', (host, valid) => {
    expect(isValidRegistry(host)).toBe(valid);
  });
});

describe('formatting', () => {
  it('formats references', () => {
    const ref = parseReference(`r.io/app:v1@${D}`);
    expect(formatReference(ref)).toBe(`r.io/app:v1@${D}`);
    expect(formatReference(parseReference('ubuntu'))).toBe('docker.io/library/ubuntu');
  });

  it('prefers the digest as the selector', () => {
    expect(referenceSelector(parseReference(`r.io/app:v1@${D}`))).toBe(D);
    expect(referenceSelector(parseReference('r.io/app:v1'))).toBe('v1');
    expect(referenceSelector(parseReference('r.io/app'))).toBeUndefined();
  });

  it('sends Docker Hub to its API host', () => {
    expect(apiHost('docker.io')).toBe('registry-1.docker.io');
    expect(apiHost('ghcr.io')).toBe('ghcr.io');
  });
});
