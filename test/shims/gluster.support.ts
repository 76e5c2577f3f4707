/** Helpers of the Gluster REST shim tests: raw HTTP calls and tokens built as the design's Python client does. */
import { createHash, createHmac } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { rawRequest, type RawReply } from '../support/http.js';

export type { RawReply };

/** One HTTP request with the path sent exactly as given (fetch would normalise it). */
export const call = rawRequest;

/**
 * The design document's client: `qsh` = SHA-256 hex of method, path, query and body joined by
 * newlines (query and body lines only when present), in a PyJWT-style HS256 token.
 */
export function requestQsh(method: string, path: string, query = '', body = ''): string {
  const parts = [method, path];
  if (query) parts.push(query);
  if (body) parts.push(body);
  return createHash('sha256').update(parts.join('\n'), 'utf8').digest('hex');
}

export function token(
  claims: Record<string, unknown>,
  secret = 'myappsecret',
  options: jwt.SignOptions = {},
): string {
  // jsonwebtoken keeps a given `iat` (and adds none when the claims have none only with noTimestamp).
  return jwt.sign(claims, secret, {
    algorithm: 'HS256',
    ...('iat' in claims ? {} : { noTimestamp: true }),
    ...options,
  });
}

/** A valid token for a request, by the standard library, as the Python example builds it. */
export function tokenFor(
  method: string,
  pathWithQuery: string,
  body = '',
  app = 'myapp',
  secret = 'myappsecret',
): string {
  const [path, query = ''] = pathWithQuery.split(/\?(.*)/s) as [string, string?];
  const now = Math.floor(Date.now() / 1000);
  return token({ iss: app, iat: now, exp: now + 120, qsh: requestQsh(method, path, query, body) }, secret);
}

export const JSON_TYPE = 'application/json; charset=utf-8';

export const errorBody = (text: string) => `{"errno": -1, "output": "", "error": "${text}"}`;

/** An HS256 token signed by hand, for claims a JWT library refuses to sign (wrong types). */
export function handToken(claims: Record<string, unknown>, secret = 'myappsecret'): string {
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(claims)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}
