import {
  checkLayerTitles,
  mergeAnnotations,
  parseAnnotationFile,
} from '../../../src/commands/pack/annotations.js';

describe('annotation files (ORAS format)', () => {
  it('reads $manifest, $config and per-title keys', () => {
    const file = parseAnnotationFile(
      JSON.stringify({ $manifest: { a: '1' }, $config: { b: '2' }, 'dist/a.txt': { c: '3' } }),
      'ann.json',
    );
    expect(file.manifest).toEqual({ a: '1' });
    expect(file.config).toEqual({ b: '2' });
    expect([...file.layers]).toEqual([['dist/a.txt', { c: '3' }]]);
  });

  it.each([
    [
      'not json',
      /annotation-file: got "ann.json"; expected a JSON object.*, but it is not valid JSON at line 1, column 1$/,
    ],
    ['[]', /expected a JSON object/],
    ['{"$manifest": {"a": 1}}', /the value of "\$manifest" is not an object of strings/],
    ['{"x": "y"}', /the value of "x" is not an object of strings/],
  ])('refuses %j', (text, message) => {
    expect(() => parseAnnotationFile(text, 'ann.json')).toThrow(message);
  });

  it('refuses titles that no pushed file has, naming them and the real ones', () => {
    const file = parseAnnotationFile('{"a.txt": {}, "typo.txt": {}}', 'ann.json');
    expect(() => checkLayerTitles(file, 'ann.json', ['a.txt'])).toThrow(
      /no file has the title "typo.txt" \(titles: "a.txt"\)/,
    );
    expect(() => checkLayerTitles(file, 'ann.json', ['a.txt', 'typo.txt'])).not.toThrow();
  });

  it('merges sources, allowing repeats of the same value but not conflicts', () => {
    expect(
      mergeAnnotations('annotations', [
        { from: 'input', values: { a: '1', b: '2' } },
        { from: 'file', values: { b: '2', c: '3' } },
      ]),
    ).toEqual({ a: '1', b: '2', c: '3' });
    expect(() =>
      mergeAnnotations('annotations', [
        { from: 'the input', values: { a: '1' } },
        { from: 'the file', values: { a: '2' } },
      ]),
    ).toThrow(
      'annotations: got "a"; expected each annotation key once, but "a" is set to different values by the input and by the file',
    );
  });
});
