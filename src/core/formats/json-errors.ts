/**
 * JSON helpers shared by the format readers: parse errors with line/column, JSON pointers, and a tolerant parse
 * for Python-style bare NaN/Infinity tokens (written by some city-model tools).
 */

/** A problem in an input file, located by a JSON pointer (or line/column for syntax errors). */
export class FormatError extends Error {
  override name = 'FormatError';
  /** File name as given. */
  readonly file: string;
  /** JSON pointer of the offending value, e.g. "/CityObjects/b1/geometry/0/boundaries/2/0/5". */
  readonly pointer: string;

  constructor(file: string, pointer: string, message: string) {
    super(`${file}: ${pointer ? pointer + ': ' : ''}${message}`);
    this.file = file;
    this.pointer = pointer;
  }
}

/** Escapes one JSON pointer segment (RFC 6901). */
export function pointerSegment(s: string | number): string {
  const t = String(s);
  // Most keys need no escaping: skip the two regex passes for them.
  if (t.indexOf('~') < 0 && t.indexOf('/') < 0) return t;
  return t.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Joins segments into a JSON pointer. */
export function jsonPointer(...segments: (string | number)[]): string {
  let out = '';
  for (const s of segments) out += '/' + pointerSegment(s);
  return out;
}

/** Line and column (1-based) of a character offset in a text. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let last = -1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    last = i;
  }
  return { line, column: offset - last };
}

/** Character offset named in a V8 JSON.parse error message, else found by scanning the text. */
function errorOffset(err: Error, text: string): number | undefined {
  const m = /position (\d+)/.exec(err.message);
  if (m) return Number(m[1]);
  if (/Unexpected end of JSON input/.test(err.message)) return text.length;
  return findSyntaxError(text);
}

/**
 * Offset of the first JSON syntax error in `text` (a small non-allocating scanner, run only after JSON.parse failed,
 * because V8's messages do not always carry a position). Undefined if the scanner finds none.
 */
export function findSyntaxError(text: string): number | undefined {
  let i = 0;
  const n = text.length;
  const ws = () => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 9 || c === 10 || c === 13) i++;
      else break;
    }
  };
  // Iterative with an explicit stack of container kinds: 0 = array, 1 = object.
  const stack: number[] = [];
  const value = (): boolean => {
    ws();
    if (i >= n) return false;
    const c = text[i];
    if (c === '"') return str();
    if (c === '{' || c === '[') return true; // handled by caller
    if (c === 't') return lit('true');
    if (c === 'f') return lit('false');
    if (c === 'n') return lit('null');
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 64));
    if (!m || m[0].length === 0) return false;
    i += m[0].length;
    return true;
  };
  const lit = (w: string): boolean => {
    if (text.startsWith(w, i)) {
      i += w.length;
      return true;
    }
    return false;
  };
  const str = (): boolean => {
    i++;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 34) {
        i++;
        return true;
      }
      if (c === 92) {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return false;
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else {
          i++;
          return false;
        }
      } else if (c < 32) return false;
      else i++;
    }
    return false;
  };
  ws();
  // states: expecting a value at top or in a container
  let expectValue = true;
  for (;;) {
    ws();
    if (expectValue) {
      if (i >= n) return i;
      const c = text[i];
      if (c === '{') {
        i++;
        ws();
        if (text[i] === '}') {
          i++;
          expectValue = false;
          continue;
        }
        stack.push(1);
        if (text[i] !== '"' || !str()) return i;
        ws();
        if (text[i] !== ':') return i;
        i++;
        continue;
      }
      if (c === '[') {
        i++;
        ws();
        if (text[i] === ']') {
          i++;
          expectValue = false;
          continue;
        }
        stack.push(0);
        continue;
      }
      const start = i;
      if (!value()) return i >= n ? n : Math.max(start, i);
      expectValue = false;
      continue;
    }
    // after a value
    if (stack.length === 0) return i < n ? i : undefined;
    const top = stack[stack.length - 1];
    const c = text[i];
    if (c === ',') {
      i++;
      if (top === 1) {
        ws();
        if (text[i] !== '"' || !str()) return i;
        ws();
        if (text[i] !== ':') return i;
        i++;
      }
      expectValue = true;
      continue;
    }
    if ((top === 0 && c === ']') || (top === 1 && c === '}')) {
      stack.pop();
      i++;
      continue;
    }
    return i;
  }
}

const BARE_NON_FINITE = /([[,:]\s*)(-?Infinity|NaN)(?=\s*[,\]}])/g;

/**
 * Parses JSON text; a syntax error becomes a {@link FormatError} with line and column. Bare NaN / Infinity tokens
 * (Python's json module writes them) are read as null, so a reader can reject just the values that hold them;
 * `nonFinite` is set to how many were replaced.
 */
export function parseJsonText(text: string, file: string, lineOffset = 0): { value: unknown; nonFinite: number } {
  try {
    return { value: JSON.parse(text), nonFinite: 0 };
  } catch (err) {
    let count = 0;
    if (/NaN|Infinity/.test(text)) {
      const patched = text.replace(BARE_NON_FINITE, (_m, pre: string) => {
        count++;
        return `${pre}null`;
      });
      if (count > 0) {
        try {
          return { value: JSON.parse(patched), nonFinite: count };
        } catch {
          // fall through to report the original error
        }
      }
    }
    const e = err as Error;
    const off = errorOffset(e, text);
    const where = off === undefined ? '' : (() => {
      const { line, column } = lineColumn(text, off);
      return ` at line ${line + lineOffset}, column ${column}`;
    })();
    const msg = e.message.replace(/^JSON\.parse: /, '').replace(/ in JSON at position \d+.*$/, '').replace(/ at position \d+.*$/, '').replace(/, ".*$/s, '');
    throw new FormatError(file, '', `invalid JSON${where}: ${msg}`);
  }
}
