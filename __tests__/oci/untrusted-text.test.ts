import { escapeControls, logText, markdownText, quoted } from '../../src/oci/untrusted-text.js';
import { parseCommand, runnerLines } from '../support/workflow-commands.js';

/** What attackers put in titles, annotations and error bodies to reach the runner. */
const HOSTILE = [
  '\n::warning::x',
  '::add-mask::secret',
  '::stop-commands::token',
  '  ::error file=a,line=1::forged',
  '\u00a0\u2003::warning::behind Unicode spaces',
  '\u0085::warning::behind NEL',
  'title\r::warning::after a carriage return',
  'a\u2028::warning::after a line separator',
  'text ##[warning]legacy form mid-line',
  '###[add-mask]three hashes',
  '##[group]x',
  '\u001b[2K\u001b[1Ahides the line above',
  'right\u202eleft',
  '::WARNING::upper case',
];

describe('logText', () => {
  it.each(HOSTILE)('makes %j start no workflow command, alone or inside a line', (text) => {
    for (const printed of [logText(text), `Pulled ${logText(text)} → /out`]) {
      const lines = runnerLines(printed);
      expect(lines).toHaveLength(1);
      expect(parseCommand(printed)).toBeUndefined();
    }
  });

  it.each(HOSTILE)('leaves no control or invisible character in %j', (text) => {
    expect(logText(text)).toMatch(/^[\x20-\x7e\u00a0-\u00ff\u2003→]*$/u);
  });

  it('escapes visibly, in the forms a reader knows', () => {
    expect(logText('a\nb\rc\td')).toBe('a\\nb\\rc\\td');
    expect(logText('\u001b[31mred')).toBe('\\u001b[31mred');
    expect(logText('tag\u{e0041}')).toBe('tag\\u{e0041}');
    expect(logText('::warning::x')).toBe('\\u003a:warning::x');
    expect(logText('  ::x::y')).toBe('  \\u003a:x::y');
    expect(logText('a ##[debug]b')).toBe('a #\\u0023[debug]b');
  });

  it('changes nothing in ordinary text, Windows paths and Unicode names included', () => {
    for (const text of [
      'dist/app-1.2.3.tar.gz',
      'C:\\work\\out\\a.txt',
      'résumé 日本語 🙂',
      'application/vnd.oci.image.layer.v1.tar+gzip',
      'host:5000/repo@sha256:0123',
      'a::b',
      '# heading',
    ]) {
      expect(logText(text)).toBe(text);
    }
  });

  it.each(HOSTILE)('is idempotent on %j', (text) => {
    expect(logText(logText(text))).toBe(logText(text));
  });

  it('quotes', () => {
    expect(quoted('a\nb')).toBe('"a\\nb"');
  });
});

describe('escapeControls', () => {
  it('keeps command markers (only logText breaks them)', () => {
    expect(escapeControls('::x::\n')).toBe('::x::\\n');
  });
});

describe('markdownText', () => {
  it.each([
    ['<script>alert(1)</script>', '&#60;script&#62;alert(1)&#60;/script&#62;'],
    ['a|b', 'a&#124;b'],
    ['a\\|b', 'a&#92;&#124;b'],
    ['*bold* _em_ ~~del~~', '&#42;bold&#42; &#95;em&#95; &#126;&#126;del&#126;&#126;'],
    ['[x](https://e.example)', '&#91;x&#93;(https&#58;//e.example)'],
    ['![i](x.png)', '&#33;&#91;i&#93;(x.png)'],
    ['`code`', '&#96;code&#96;'],
    ['$x^2$', '&#36;x^2&#36;'],
    ['&amp; "q" \'s\'', '&#38;amp; &#34;q&#34; &#39;s&#39;'],
    ['line\nbreak', 'line&#92;nbreak'],
    ['plain-name_v1.txt', 'plain-name&#95;v1.txt'],
  ])('shows %j literally', (text, markdown) => {
    expect(markdownText(text)).toBe(markdown);
  });

  it.each([
    ['https://evil.example/login', 'https&#58;//evil.example/login'],
    ['see www.evil.example', 'see www&#46;evil.example'],
    ['WWW.EVIL.EXAMPLE ftp://x', 'WWW&#46;EVIL.EXAMPLE ftp&#58;//x'],
  ])('shows %j as text, never as a link GitHub would make of it', (text, markdown) => {
    // GitHub's Markdown (cmark-gfm's autolink extension) links `scheme://` and `www.` even
    // inside <code>; it does not once the `:` or the `.` is a character reference.
    expect(markdownText(text)).toBe(markdown);
  });

  it('leaves no character that could end a table cell or row', () => {
    const cell = markdownText('a|b\n| c | d |\r\n<td>');
    expect(cell).not.toMatch(/[|\n\r<>]/);
  });
});
