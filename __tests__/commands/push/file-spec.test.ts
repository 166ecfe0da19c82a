import {
  mediaTypeHint,
  parseFileSpecs,
  splitMediaType,
  type IncludeSpec,
} from '../../../src/commands/pack/file-spec.js';

describe('files lines', () => {
  it.each([
    [
      'report.json:application/vnd.example.report.v1+json',
      'report.json',
      'application/vnd.example.report.v1+json',
    ],
    ['dir/a:b.txt:text/plain', 'dir/a:b.txt', 'text/plain'],
    ['dist', 'dist', undefined],
    ['C:\\build\\out.bin', 'C:\\build\\out.bin', undefined],
    [
      'C:\\build\\out.bin:application/octet-stream',
      'C:\\build\\out.bin',
      'application/octet-stream',
    ],
    ['notes:v2.txt', 'notes:v2.txt', undefined],
    ['file:', 'file:', undefined],
    ['a.txt:not a/type', 'a.txt:not a/type', undefined],
    [':text/plain', ':text/plain', undefined],
  ])('splits %j into path %j and media type %j', (line, path, mediaType) => {
    expect(splitMediaType(line)).toEqual(mediaType === undefined ? { path } : { path, mediaType });
  });

  it('reads ! lines as excludes, without a media type', () => {
    expect(parseFileSpecs(['**/*.txt:text/plain', '! **/skip.txt', '!x:text/plain'])).toEqual([
      {
        kind: 'include',
        pattern: '**/*.txt',
        mediaType: 'text/plain',
        line: '**/*.txt:text/plain',
      },
      { kind: 'exclude', pattern: '**/skip.txt', line: '! **/skip.txt' },
      { kind: 'exclude', pattern: 'x:text/plain', line: '!x:text/plain' },
    ]);
  });
});

describe('the media-type hint of a line that matched nothing', () => {
  const hint = (line: string): string | undefined =>
    mediaTypeHint(parseFileSpecs([line])[0] as IncludeSpec);

  it('suggests the / where a space stands in a media type', () => {
    expect(hint('a.txt:text plain')).toBe(
      '"text plain" is not a media type, so it was read as part of the path; did you mean "a.txt:text/plain"?',
    );
    expect(hint('out/*.json:application  vnd.example+json')).toMatch(
      /did you mean "out\/\*\.json:application\/vnd\.example\+json"\?$/,
    );
  });

  it('says why an invalid media type stayed in the path', () => {
    expect(hint('a.txt:text/not valid')).toBe(
      '"text/not valid" is not a valid media type, so it was read as part of the path',
    );
  });

  it('says nothing for lines that do not look like a media type was meant', () => {
    expect(hint('a.txt:text/plain')).toBeUndefined(); // a media type: nothing to explain
    expect(hint('notes:v2.txt')).toBeUndefined();
    expect(hint('my file:draft one two')).toBeUndefined();
    expect(hint('C:\\build\\my out')).toBeUndefined();
    expect(hint('dist')).toBeUndefined();
  });
});
