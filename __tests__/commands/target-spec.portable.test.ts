import { targetName, targetSelector, type TargetSpec } from '../../src/commands/target-spec.js';
import { parseReference } from '../../src/oci/reference.js';

const D = `sha256:${'a'.repeat(64)}`;
const remote = (reference: string): TargetSpec => ({
  kind: 'remote',
  reference: parseReference(reference),
  options: {},
});

describe('targetName', () => {
  it('is host/repo for a registry, without tag or digest', () => {
    expect(targetName(remote(`r.io:5000/team/app:v1@${D}`))).toBe('r.io:5000/team/app');
  });

  it('is the path as given for a layout folder', () => {
    expect(targetName({ kind: 'layout', path: './out/layout', selector: 'v1' })).toBe(
      './out/layout',
    );
  });
});

describe('targetSelector', () => {
  it.each([
    [`r.io/app:v1@${D}`, D],
    ['r.io/app:v1', 'v1'],
    ['r.io/app', undefined],
  ])('of %s is %s (a digest before a tag)', (reference, selector) => {
    expect(targetSelector(remote(reference))).toBe(selector);
  });

  it("is a layout's selector as given", () => {
    expect(targetSelector({ kind: 'layout', path: 'l', selector: D })).toBe(D);
    expect(targetSelector({ kind: 'layout', path: 'l' })).toBeUndefined();
  });
});
