/**
 * PVC's JSON style: Flask 1.x in debug mode (`json.dumps(indent=2, sort_keys=True,
 * separators=(', ', ': '))` plus a final newline), ASCII-escaped, floats written as Python does.
 */

/** A number Python holds as a float: written `1.0`, not `1`. */
export class PyFloat {
  constructor(readonly value: number) {}
}

export type PyJson =
  string | number | boolean | null | PyFloat | readonly PyJson[] | { [key: string]: PyJson };

// Characters that need no escaping: printable ASCII except `"` and `\`.
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/** A JSON string literal with every character outside U+0020–U+007E escaped (Python's ensure_ascii). */
export function pyString(text: string): string {
  if (PLAIN.test(text)) return `"${text}"`;
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x22) out += '\\"';
    else if (code === 0x5c) out += '\\\\';
    else if (code >= 0x20 && code <= 0x7e) out += text[i];
    else if (code === 0x0a) out += '\\n';
    else if (code === 0x0d) out += '\\r';
    else if (code === 0x09) out += '\\t';
    else if (code === 0x08) out += '\\b';
    else if (code === 0x0c) out += '\\f';
    else out += `\\u${code.toString(16).padStart(4, '0')}`;
  }
  return `${out}"`;
}

/** Python's `repr(float)`: shortest round-trip digits, `.0` on integral values, exponent below 1e-4 and from 1e16. */
export function pyFloat(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  const magnitude = Math.abs(value);
  if (magnitude !== 0 && (magnitude < 1e-4 || magnitude >= 1e16)) {
    // JS `1.5e-7` → Python `1.5e-07`: at least two exponent digits.
    return value.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
  }
  const text = String(value);
  return Number.isInteger(value) ? `${text}.0` : text;
}

function write(value: PyJson, indent: string): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return pyString(value);
    case 'number':
      return Number.isInteger(value) ? String(value) : pyFloat(value);
    case 'boolean':
      return value ? 'true' : 'false';
  }
  if (value instanceof PyFloat) return pyFloat(value.value);
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    let out = '[\n';
    for (let i = 0; i < value.length; i++) {
      out += inner + write(value[i] as PyJson, inner) + (i < value.length - 1 ? ', \n' : '\n');
    }
    return `${out}${indent}]`;
  }
  const object = value as { [key: string]: PyJson };
  const keys = sortedKeys(object);
  if (keys.length === 0) return '{}';
  let out = '{\n';
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    out += `${inner}${pyString(key)}: ${write(object[key] as PyJson, inner)}${i < keys.length - 1 ? ', \n' : '\n'}`;
  }
  return `${out}${indent}}`;
}

const SURROGATE = /[\ud800-\udfff]/;

/** Keys by code point; renderers build objects in that order already, so usually no sort runs. */
function sortedKeys(object: object): string[] {
  const keys = Object.keys(object);
  for (let i = 1; i < keys.length; i++) {
    if (byCodePoint(keys[i - 1]!, keys[i]!) > 0) return keys.sort(byCodePoint);
  }
  return keys;
}

function byCodePoint(a: string, b: string): number {
  if (a === b) return 0;
  if (!SURROGATE.test(a) && !SURROGATE.test(b)) return a < b ? -1 : 1;
  // UTF-16 order differs from code point order only around surrogates; compare code points then.
  const left = [...a];
  const right = [...b];
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const difference = left[i]!.codePointAt(0)! - right[i]!.codePointAt(0)!;
    if (difference !== 0) return difference;
  }
  return left.length - right.length;
}

/** The document as the PVC API sent it, final newline included. */
export function pyJson(value: PyJson): string {
  return `${write(value, '')}\n`;
}

/** A number as `pyJson` writes it: integral as is, otherwise as Python's float repr. */
export function pyNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : pyFloat(value);
}

/**
 * A list of already written items (direct writers of one item at `indent`, here as `pyJson`
 * writes a list nested at `indent`).
 */
export function pyListAt(items: readonly string[], indent: string): string {
  if (items.length === 0) return '[]';
  const inner = `${indent}  `;
  return `[\n${inner}${items.join(`, \n${inner}`)}\n${indent}]`;
}

/**
 * `pyJson` of a top-level list whose items were written directly (at the list's item level), as
 * bytes. The text is ASCII (`pyString` escapes everything else), so its length is its byte count:
 * one buffer of that size is filled item by item, without flattening a megabyte-long string first
 * or encoding it as UTF-8.
 */
export function pyJsonList(items: readonly string[]): Buffer {
  if (items.length === 0) return Buffer.from('[]\n', 'latin1');
  let size = 2 + 2; // "[\n" … "]\n"
  for (const item of items) size += 2 + item.length + 3; // "  " item ", \n" (the last: "\n")
  size -= 2;
  const buffer = Buffer.allocUnsafe(size);
  let at = buffer.write('[\n', 0, 'latin1');
  for (let i = 0; i < items.length; i++) {
    at += buffer.write('  ', at, 'latin1');
    at += buffer.write(items[i]!, at, 'latin1');
    at += buffer.write(i < items.length - 1 ? ', \n' : '\n', at, 'latin1');
  }
  at += buffer.write(']\n', at, 'latin1');
  if (at !== size) throw new Error(`pyJsonList: wrote ${at} of ${size} bytes`);
  return buffer;
}
