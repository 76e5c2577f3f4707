/**
 * LUKSctl answers, rendered exactly as the original Flask app sent them: "Flask compact" JSON
 * (sorted keys, no whitespace, ASCII-escaped strings, a trailing newline) with
 * `Content-Type: application/json`, and the shim's error envelope where Flask sent HTML.
 */
import type { ShimResponse } from '../kit/index.js';

/** Upper-case reason phrases of Werkzeug's status lines. */
export const REASONS: Readonly<Record<number, string>> = {
  200: 'OK',
  400: 'BAD REQUEST',
  403: 'FORBIDDEN',
  404: 'NOT FOUND',
  405: 'METHOD NOT ALLOWED',
  500: 'INTERNAL SERVER ERROR',
};

/** `json.dumps(value, separators=(',', ':'), sort_keys=True)` for flat string objects, plus `\n`. */
export function flaskJson(value: Readonly<Record<string, string>>): string {
  const keys = Object.keys(value).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${keys.map((key) => `${asciiString(key)}:${asciiString(value[key]!)}`).join(',')}}\n`;
}

/** A JSON string with every character outside U+0020–U+007E escaped (Python's `ensure_ascii`). */
export function asciiString(text: string): string {
  // JSON.stringify already escapes quotes, backslashes and C0 controls as Python does; what is
  // left is U+007F and above, escaped per UTF-16 code unit (so astral characters become pairs).
  return JSON.stringify(text).replace(
    /[\u007f-\uffff]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

function json(
  status: number,
  body: Readonly<Record<string, string>>,
  extra?: Record<string, string>,
): ShimResponse {
  return { status, headers: { 'content-type': 'application/json', ...extra }, body: flaskJson(body) };
}

export type VolumeState = 'MOUNTED' | 'UNMOUNTED' | 'UNAVAILABLE';

/** The volume-state object; every state is 200. */
export function volumeState(state: VolumeState, output = '', stderr = ''): ShimResponse {
  switch (state) {
    case 'MOUNTED':
      return json(200, { volume_state: 'mounted' });
    case 'UNMOUNTED':
      return json(200, { volume_state: 'unmounted' });
    case 'UNAVAILABLE':
      return json(200, { output, stderr, volume_state: 'unavailable' });
  }
}

export function nfsState(state: 'MOUNTED' | 'UNMOUNTED'): ShimResponse {
  return json(200, { nfs_state: state === 'MOUNTED' ? 'mounted' : 'unmounted' });
}

/** Which API an error belongs to: its envelope carries `volume_state` or `nfs_state`. */
export type Api = 'master' | 'worker';

/** `{"error":"<text>","volume_state":"unavailable"}` (or `nfs_state` on the worker API). */
export function errorEnvelope(
  api: Api,
  status: number,
  text: string,
  extra?: Record<string, string>,
): ShimResponse {
  return json(
    status,
    { error: text, [api === 'master' ? 'volume_state' : 'nfs_state']: 'unavailable' },
    extra,
  );
}

export const notFound = (api: Api) => errorEnvelope(api, 404, 'Not Found');
export const methodNotAllowed = (api: Api, allow: string) =>
  errorEnvelope(api, 405, 'Method Not Allowed', { allow });
export const internalError = (api: Api) => errorEnvelope(api, 500, 'Internal Server Error');
export const forbidden = (api: Api) => errorEnvelope(api, 403, 'Forbidden');
export const unknownTarget = (api: Api) =>
  errorEnvelope(api, 404, api === 'master' ? 'Unknown encrypted volume' : 'Unknown worker node');
export const badRequest = (text: string) => errorEnvelope('master', 400, text);
export const vaultError = (text: string) => errorEnvelope('master', 500, text);

/** `OPTIONS` on a known path: 200, empty body, `Allow`. */
export function options(allow: string): ShimResponse {
  return { status: 200, headers: { allow, 'content-length': '0' } };
}
