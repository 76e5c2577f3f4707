/**
 * JSON as the original's Python wrote it (`json.dumps` defaults: one line, `", "` and `": "`,
 * ASCII-escaped strings), and the canonical form of a request body for `qsh`
 * (`json.dumps(value, sort_keys=True)` of what `json.loads` read).
 */

/** A parsed JSON value that keeps each number's lexeme (Python tells `1` from `1.0`). */
export type PyValue =
  | null
  | boolean
  | string
  | { kind: 'number'; lexeme: string }
  | PyValue[]
  | { kind: 'object'; entries: [string, PyValue][] };

/** A value to write: plain JSON values, with objects written in insertion order. */
export type Writable = null | boolean | number | string | readonly Writable[] | { [key: string]: Writable };

/** Python's ASCII-escaped string literal. */
export function pyString(text: string): string {
  let out = '"';
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    const code = text.charCodeAt(index);
    if (char === '"') out += '\\"';
    else if (char === '\\') out += '\\\\';
    else if (char === '\n') out += '\\n';
    else if (char === '\r') out += '\\r';
    else if (char === '\t') out += '\\t';
    else if (char === '\b') out += '\\b';
    else if (char === '\f') out += '\\f';
    else if (code < 0x20 || code > 0x7e) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += char;
  }
  return `${out}"`;
}

/** `json.dumps(value)`: one line, `", "` and `": "`, keys in insertion order. */
export function pyDumps(value: Writable): string {
  if (value === null) return 'null';
  if (value === true) return 'true';
  if (value === false) return 'false';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : pyFloat(value);
  if (typeof value === 'string') return pyString(value);
  if (Array.isArray(value)) return `[${value.map((item) => pyDumps(item)).join(', ')}]`;
  const entries = Object.entries(value as { [key: string]: Writable });
  return `{${entries.map(([key, item]) => `${pyString(key)}: ${pyDumps(item)}`).join(', ')}}`;
}

/** `json.dumps(value, sort_keys=True)` of a parsed value (keys sorted by code point). */
export function canonicalJson(value: PyValue): string {
  if (value === null) return 'null';
  if (value === true) return 'true';
  if (value === false) return 'false';
  if (typeof value === 'string') return pyString(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(', ')}]`;
  if (value.kind === 'number') return pyNumber(value.lexeme);
  // Python keeps the last value of a repeated key.
  const byKey = new Map<string, PyValue>();
  for (const [key, item] of value.entries) byKey.set(key, item);
  const keys = [...byKey.keys()].sort(compareCodePoints);
  return `{${keys.map((key) => `${pyString(key)}: ${canonicalJson(byKey.get(key)!)}`).join(', ')}}`;
}

function compareCodePoints(a: string, b: string): number {
  const left = [...a];
  const right = [...b];
  for (let index = 0; index < Math.min(left.length, right.length); index++) {
    const difference = left[index]!.codePointAt(0)! - right[index]!.codePointAt(0)!;
    if (difference !== 0) return difference;
  }
  return left.length - right.length;
}

/** A JSON number lexeme as Python writes it back: integers exactly, other numbers as floats. */
function pyNumber(lexeme: string): string {
  if (/^-?\d+$/.test(lexeme)) return BigInt(lexeme).toString();
  return pyFloat(Number(lexeme));
}

/** Python's `repr(float)`: shortest round-trip digits, exponent form below 1e-4 and from 1e16. */
export function pyFloat(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const [mantissa, exponentText] = value.toExponential().split('e') as [string, string];
  const exponent = Number(exponentText);
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace('-', '').replace('.', '');
  const sign = negative ? '-' : '';
  if (exponent < -4 || exponent >= 16) {
    const body = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const magnitude = String(Math.abs(exponent)).padStart(2, '0');
    return `${sign}${body}e${exponent < 0 ? '-' : '+'}${magnitude}`;
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
  const fraction = digits.slice(exponent + 1);
  return `${sign}${whole}.${fraction || '0'}`;
}

/**
 * Parses JSON text (RFC 8259, surrounding whitespace allowed as Python's `json.loads` does) into a
 * PyValue; null when the text is not JSON. Depth is bounded so hostile bodies cannot overflow the stack.
 */
export function parsePyJson(text: string, maxDepth = 256): { value: PyValue } | null {
  let position = 0;
  const fail = (): never => {
    throw SYNTAX;
  };
  const whitespace = () => {
    while (position < text.length && ' \t\n\r'.includes(text[position]!)) position++;
  };
  const literal = (word: string) => {
    if (text.startsWith(word, position)) position += word.length;
    else fail();
  };
  const string = (): string => {
    position++; // opening quote
    let out = '';
    for (;;) {
      if (position >= text.length) fail();
      const char = text[position]!;
      if (char === '"') {
        position++;
        return out;
      }
      if (char === '\\') {
        const escape = text[position + 1];
        position += 2;
        switch (escape) {
          case '"':
          case '\\':
          case '/':
            out += escape;
            break;
          case 'b':
            out += '\b';
            break;
          case 'f':
            out += '\f';
            break;
          case 'n':
            out += '\n';
            break;
          case 'r':
            out += '\r';
            break;
          case 't':
            out += '\t';
            break;
          case 'u': {
            const hex = text.slice(position, position + 4);
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail();
            out += String.fromCharCode(parseInt(hex, 16));
            position += 4;
            break;
          }
          default:
            fail();
        }
        continue;
      }
      if (char.charCodeAt(0) < 0x20) fail();
      out += char;
      position++;
    }
  };
  const value = (depth: number): PyValue => {
    if (depth > maxDepth) fail();
    whitespace();
    const char = text[position];
    if (char === '{') {
      position++;
      const entries: [string, PyValue][] = [];
      whitespace();
      if (text[position] === '}') {
        position++;
        return { kind: 'object', entries };
      }
      for (;;) {
        whitespace();
        if (text[position] !== '"') fail();
        const key = string();
        whitespace();
        if (text[position] !== ':') fail();
        position++;
        entries.push([key, value(depth + 1)]);
        whitespace();
        if (text[position] === ',') position++;
        else if (text[position] === '}') {
          position++;
          return { kind: 'object', entries };
        } else fail();
      }
    }
    if (char === '[') {
      position++;
      const items: PyValue[] = [];
      whitespace();
      if (text[position] === ']') {
        position++;
        return items;
      }
      for (;;) {
        items.push(value(depth + 1));
        whitespace();
        if (text[position] === ',') position++;
        else if (text[position] === ']') {
          position++;
          return items;
        } else fail();
      }
    }
    if (char === '"') return string();
    if (char === 't') return (literal('true'), true);
    if (char === 'f') return (literal('false'), false);
    if (char === 'n') return (literal('null'), null);
    const match = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(position, position + 1100));
    if (!match) fail();
    position += match![0].length;
    return { kind: 'number', lexeme: match![0] };
  };
  try {
    const result = value(0);
    whitespace();
    if (position !== text.length) return null;
    return { value: result };
  } catch (error) {
    if (error === SYNTAX) return null;
    throw error;
  }
}

const SYNTAX = Symbol('json syntax');

/** A PyValue as a plain JavaScript value (numbers as numbers, objects with the last of repeated keys). */
export function toPlain(value: PyValue): unknown {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(toPlain);
  if (value.kind === 'number') return Number(value.lexeme);
  const out: Record<string, unknown> = Object.create(null);
  for (const [key, item] of value.entries) out[key] = toPlain(item);
  return out;
}

/** Whether a PyValue is a JSON number with an integral lexeme (Python `int`). */
export function isPyInt(value: PyValue): value is { kind: 'number'; lexeme: string } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && value.kind === 'number'
    ? /^-?\d+$/.test(value.lexeme)
    : false;
}
