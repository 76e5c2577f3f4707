/**
 * Reading a PVC request as Flask/werkzeug did: values from the query string and the form body
 * (query first, first occurrence wins), the raw body for `vm modify`, the session cookie.
 */
import type { IncomingMessage } from 'node:http';

/** The request's values: query string first, then the form body. */
export interface Values {
  /** The first value of `key`, `undefined` when the key is absent (present-but-empty is `''`). */
  get(key: string): string | undefined;
  has(key: string): boolean;
}

export interface FormBody {
  /** Decoded form fields, in order; empty when the body is not a form. */
  fields: [string, string][];
  /** Whether the body was form-encoded (then it is not a raw document). */
  isForm: boolean;
}

/** Decodes a form body the way werkzeug did for urlencoded and multipart content types. */
export async function parseForm(contentType: string | undefined, body: Buffer): Promise<FormBody | null> {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/x-www-form-urlencoded') {
    return { fields: [...new URLSearchParams(body.toString('utf8'))], isForm: true };
  }
  if (type === 'multipart/form-data') {
    try {
      // Node's own (undici) multipart parser: no hand-written boundary handling.
      const form = await new Request('http://pvc.invalid/', {
        method: 'POST',
        headers: { 'content-type': contentType! },
        body: new Uint8Array(body),
      }).formData();
      const fields: [string, string][] = [];
      for (const [key, value] of form) {
        fields.push([
          key,
          typeof value === 'string' ? value : Buffer.from(await value.arrayBuffer()).toString('utf8'),
        ]);
      }
      return { fields, isForm: true };
    } catch {
      return null;
    }
  }
  return { fields: [], isForm: false };
}

export function valuesOf(query: URLSearchParams, form: readonly [string, string][]): Values {
  const fromForm = new Map<string, string>();
  for (const [key, value] of form) if (!fromForm.has(key)) fromForm.set(key, value);
  return {
    get: (key) => query.get(key) ?? fromForm.get(key),
    has: (key) => query.has(key) || fromForm.has(key),
  };
}

/** An optional value: absent or empty means "not given". */
export function optional(values: Values, key: string): string | undefined {
  const value = values.get(key);
  return value === undefined || value === '' ? undefined : value;
}

/** The path below the prefix, decoded as werkzeug did (decode first, then split on `/`). */
export function pathSegments(pathname: string, prefix: string): string[] | null {
  if (pathname !== prefix && !pathname.startsWith(`${prefix}/`)) return null;
  const rest = pathname.slice(prefix.length);
  if (rest === '') return [];
  let decoded: string;
  try {
    decoded = decodeURIComponent(rest);
  } catch {
    decoded = rest;
  }
  return decoded.slice(1).split('/');
}

/** `name=value` pairs of the Cookie header. */
export function cookie(request: IncomingMessage, name: string): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const at = part.indexOf('=');
    if (at < 0) continue;
    if (part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}
