// `WWW-Authenticate` parsing per RFC 7235 §4.1: several challenges in one header or many,
// case-insensitive schemes, params as tokens or quoted strings, an optional token68.
// https://www.rfc-editor.org/rfc/rfc7235#section-2.1

export interface Challenge {
  /** Lower case: `basic`, `bearer`, … */
  scheme: string;
  /** Param names in lower case; values unquoted. */
  params: Record<string, string>;
  token68?: string;
}

const TCHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;
const TOKEN68_CHAR = /[A-Za-z0-9\-._~+/]/;

class Scanner {
  pos = 0;
  constructor(readonly text: string) {}

  get done(): boolean {
    return this.pos >= this.text.length;
  }
  peek(): string {
    return this.text[this.pos] ?? '';
  }
  skipSpaces(): void {
    while (this.peek() === ' ' || this.peek() === '\t') this.pos++;
  }
  skipSpacesAndCommas(): void {
    while (/[ \t,]/.test(this.peek()) && !this.done) this.pos++;
  }
  token(pattern = TCHAR): string {
    const start = this.pos;
    while (!this.done && pattern.test(this.peek())) this.pos++;
    return this.text.slice(start, this.pos);
  }
  quoted(): string {
    // Caller saw '"'.
    this.pos++;
    let out = '';
    while (!this.done) {
      const c = this.peek();
      this.pos++;
      if (c === '"') return out;
      if (c === '\\' && !this.done) {
        out += this.peek();
        this.pos++;
      } else {
        out += c;
      }
    }
    return out;
  }
}

/** Every challenge in the header value(s); unreadable trailing text is ignored. */
export function parseChallenges(header: string | string[] | undefined): Challenge[] {
  if (header === undefined) return [];
  const values = Array.isArray(header) ? header : [header];
  return values.flatMap(parseOne);
}

function parseOne(text: string): Challenge[] {
  const s = new Scanner(text);
  const challenges: Challenge[] = [];
  for (;;) {
    s.skipSpacesAndCommas();
    const scheme = s.token();
    if (scheme === '') break;
    const challenge: Challenge = { scheme: scheme.toLowerCase(), params: {} };
    challenges.push(challenge);
    readParams(s, challenge);
  }
  return challenges;
}

function readParams(s: Scanner, challenge: Challenge): void {
  let first = true;
  for (;;) {
    const start = s.pos;
    s.skipSpaces();
    if (!first) {
      if (s.peek() !== ',') return;
      s.skipSpacesAndCommas();
    }
    const nameStart = s.pos;
    const name = s.token();
    s.skipSpaces();
    if (name !== '' && s.peek() === '=') {
      s.pos++;
      s.skipSpaces();
      const next = s.peek();
      if (first && (next === '' || next === ',' || next === '=')) {
        // token68 ending in '=' padding, e.g. `Negotiate YWJj==`.
        s.pos = nameStart;
        challenge.token68 = readToken68(s);
        return;
      }
      const value = next === '"' ? s.quoted() : s.token();
      challenge.params[name.toLowerCase()] = value;
      first = false;
      continue;
    }
    if (first && name !== '') {
      s.pos = nameStart;
      const token68 = readToken68(s);
      const after = s.peek();
      if (token68 !== '' && (after === '' || after === ',' || after === ' ')) {
        challenge.token68 = token68;
        return;
      }
    }
    // The next challenge's scheme, or nothing readable.
    s.pos = start;
    return;
  }
}

function readToken68(s: Scanner): string {
  let value = s.token(TOKEN68_CHAR);
  while (s.peek() === '=') {
    value += '=';
    s.pos++;
  }
  return value;
}

/** The challenge to answer: Bearer when offered (it carries scopes), else Basic. */
export function pickChallenge(challenges: Challenge[]): Challenge | undefined {
  return (
    challenges.find((c) => c.scheme === 'bearer') ?? challenges.find((c) => c.scheme === 'basic')
  );
}
