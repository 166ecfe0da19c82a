import { parseFileSpecs, splitMediaType } from '../../../src/commands/pack/file-spec.js';

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
