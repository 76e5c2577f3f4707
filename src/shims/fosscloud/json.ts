/**
 * PHP's `json_encode($value, JSON_PRETTY_PRINT | JSON_NUMERIC_CHECK)` as vm-manager sent it:
 * four-space indentation, `/` escaped, non-ASCII as `\uXXXX`, numeric-looking string values
 * written as numbers, and no final newline.
 */

export type PhpJson = null | boolean | number | string | PhpJson[] | { [key: string]: PhpJson };

/** Leading whitespace PHP's `is_numeric` skips (PHP 7: no trailing whitespace). */
const NUMERIC = /^[ \t\n\r\v\f]*([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)$/;
const INTEGER = /^[+-]?\d+$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

export function encodePhpJson(value: PhpJson): string {
  return encode(value, '');
}

function encode(value: PhpJson, indent: string): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return formatDouble(value);
  if (typeof value === 'string') return numericCheck(value) ?? encodeString(value);
  const inner = `${indent}    `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((item) => inner + encode(item, inner)).join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(value);
  if (entries.length === 0) return '{}';
  return `{\n${entries
    .map(([key, item]) => `${inner}${encodeString(key)}: ${encode(item, inner)}`)
    .join(',\n')}\n${indent}}`;
}

/** The number a numeric-looking string becomes, as JSON text; null when not numeric. */
export function numericCheck(text: string): string | null {
  const match = NUMERIC.exec(text);
  if (!match) return null;
  const number = match[1]!;
  if (INTEGER.test(number)) {
    const integer = BigInt(number);
    if (integer >= INT64_MIN && integer <= INT64_MAX) return integer.toString();
  }
  const double = Number(number);
  // PHP cannot encode INF: json_encode then fails; keep the text rather than invent a number.
  if (!Number.isFinite(double)) return null;
  return formatDouble(double);
}

/** A double as PHP 7.1+ writes it (serialize_precision -1): shortest digits, `1.0e+20` style. */
function formatDouble(value: number): string {
  if (Number.isInteger(value) && Math.abs(value) < 1e15) return Object.is(value, -0) ? '-0.0' : String(value);
  const [mantissa, exponentText] = value.toExponential().split('e') as [string, string];
  const exponent = Number(exponentText);
  const decimalPoint = exponent + 1;
  if (decimalPoint > 17 || decimalPoint < -3) {
    const digits = mantissa.includes('.') ? mantissa : `${mantissa}.0`;
    return `${digits}e${exponent < 0 ? '-' : '+'}${Math.abs(exponent)}`;
  }
  return String(value);
}

function encodeString(text: string): string {
  let out = '"';
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    const char = text[index]!;
    if (char === '"') out += '\\"';
    else if (char === '\\') out += '\\\\';
    else if (char === '/') out += '\\/';
    else if (char === '\b') out += '\\b';
    else if (char === '\f') out += '\\f';
    else if (char === '\n') out += '\\n';
    else if (char === '\r') out += '\\r';
    else if (char === '\t') out += '\\t';
    else if (code < 0x20 || code > 0x7f) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += char;
  }
  return `${out}"`;
}
