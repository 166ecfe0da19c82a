// Where a JSON text first breaks the grammar (RFC 8259, as JSON.parse reads it), as line and
// column. JSON.parse's own message quotes the text around the error, and a file given by
// mistake (a .env, a key) must never reach the log: we report a position instead.
// Iterative, with an explicit stack: deep nesting in a hostile file cannot overflow ours.

export interface TextPosition {
  /** 1-based. */
  line: number;
  /** 1-based, in UTF-16 code units. */
  column: number;
}

/** The position of the first syntax error, or undefined when the text is valid JSON. */
export function jsonErrorPosition(text: string): TextPosition | undefined {
  const offset = jsonErrorOffset(text);
  return offset === undefined ? undefined : positionOf(text, offset);
}

export function positionOf(text: string, offset: number): TextPosition {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);
const HEX4 = /^[0-9a-fA-F]{4}$/;

function jsonErrorOffset(text: string): number | undefined {
  let i = 0;
  /** Closers of the open objects and arrays, innermost last. */
  const open: ('}' | ']')[] = [];

  const skipSpace = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i] as string)) i++;
  };
  /** A string at i; false (i at the fault) when it is not one. */
  const string = (): boolean => {
    if (text[i] !== '"') return false;
    i++;
    while (i < text.length) {
      const code = text.charCodeAt(i);
      if (code === 0x22) {
        i++;
        return true;
      }
      if (code < 0x20) return false;
      if (code === 0x5c) {
        const escape = text[i + 1] ?? '';
        if (escape === 'u') {
          if (!HEX4.test(text.slice(i + 2, i + 6))) return false;
          i += 6;
        } else if (ESCAPES.has(escape)) {
          i += 2;
        } else {
          i++;
          return false;
        }
        continue;
      }
      i++;
    }
    return false;
  };
  /** `"key" :` at i. */
  const key = (): boolean => {
    skipSpace();
    if (!string()) return false;
    skipSpace();
    if (text[i] !== ':') return false;
    i++;
    return true;
  };
  const word = (literal: string): boolean => {
    if (!text.startsWith(literal, i)) return false;
    i += literal.length;
    return true;
  };

  for (;;) {
    // A value is expected at i.
    skipSpace();
    const c = text[i];
    if (c === '{' || c === '[') {
      i++;
      skipSpace();
      const closer = c === '{' ? '}' : ']';
      if (text[i] === closer) {
        i++;
      } else {
        open.push(closer);
        if (closer === '}' && !key()) return i;
        continue;
      }
    } else if (c === '"') {
      if (!string()) return i;
    } else if (c === 't' || c === 'f' || c === 'n') {
      if (!word(c === 't' ? 'true' : c === 'f' ? 'false' : 'null')) return i;
    } else {
      NUMBER.lastIndex = i;
      if (c === undefined || !NUMBER.test(text)) return i;
      i = NUMBER.lastIndex;
    }
    // After a value: close what ends here, then a separator before the next value.
    for (;;) {
      skipSpace();
      const closer = open.at(-1);
      if (closer === undefined) return i === text.length ? undefined : i;
      if (text[i] === closer) {
        i++;
        open.pop();
        continue;
      }
      if (text[i] !== ',') return i;
      i++;
      if (closer === '}' && !key()) return i;
      break;
    }
  }
}
