/**
 * The Gluster REST API's authentication (compat/gluster-rest.md §3): an HS256 JWT in
 * `Authorization: Bearer`, whose `qsh` claim is the SHA-256 of the request (method, path, query,
 * body). Pure except for `verify`, which asks the graph whether the application signed the token
 * (the secret never leaves the identity domain).
 */
import { createHash } from 'node:crypto';
import { canonicalJson, parsePyJson } from './pyjson.js';

export const AUTH_ERRORS = {
  invalidToken: 'Invalid Token',
  headerFormat: 'Authorization header format must be Bearer <TOKEN>',
  invalidQsh: 'Invalid qsh claim in token',
  invalidApp: 'Invalid App Id',
  expired: 'Expired Token',
} as const;

const CLAIMS = ['iss', 'iat', 'exp', 'qsh'] as const;

/** What `qsh` is computed from: the request as received. */
export interface RequestFacts {
  method: string;
  /** The path as received, percent-encoding untouched, without the query. */
  rawPath: string;
  /** The query as received without `?`; null or empty when there is none. */
  rawQuery: string | null;
  body: Buffer | null;
}

export type SignatureCheck = 'VALID' | 'UNKNOWN_APP' | 'BAD_SIGNATURE';

export type AuthResult = { ok: true; appId: string } | { ok: false; error: string };

const BODY_METHODS = new Set(['POST', 'PUT', 'DELETE', 'PATCH']);

/**
 * Every `qsh` value the request may carry (§3.3): the raw body and, when the body is JSON, its
 * canonical form; each with the raw path and, when it has percent-escapes, the decoded path.
 */
export function requestHashes(facts: RequestFacts): string[] {
  const method = facts.method.toUpperCase();
  const paths = [facts.rawPath];
  if (facts.rawPath.includes('%')) {
    const decoded = percentDecode(facts.rawPath);
    if (decoded !== facts.rawPath) paths.push(decoded);
  }
  const bodies: (string | null)[] = [];
  const raw =
    BODY_METHODS.has(method) && facts.body && facts.body.length > 0 ? facts.body.toString('utf8') : null;
  bodies.push(raw);
  if (raw !== null) {
    const parsed = parsePyJson(raw);
    if (parsed) {
      const canonical = canonicalJson(parsed.value);
      if (canonical !== raw) bodies.push(canonical);
    }
  }
  const hashes: string[] = [];
  for (const path of paths) {
    for (const body of bodies) hashes.push(qsh(method, path, facts.rawQuery, body));
  }
  return hashes;
}

/** `qsh` of one request string: `M\nP[\nQ][\nB]`, lower-case hex SHA-256. */
export function qsh(method: string, path: string, query: string | null, body: string | null): string {
  let text = `${method}\n${path}`;
  if (query) text += `\n${query}`;
  if (body) text += `\n${body}`;
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Percent-decodes a path the way Python's `unquote` does (invalid escapes stay as they are). */
function percentDecode(path: string): string {
  const bytes: number[] = [];
  for (let index = 0; index < path.length;) {
    if (path[index] === '%' && /^[0-9a-fA-F]{2}$/.test(path.slice(index + 1, index + 3))) {
      bytes.push(parseInt(path.slice(index + 1, index + 3), 16));
      index += 3;
    } else {
      const code = path.codePointAt(index)!;
      bytes.push(...Buffer.from(String.fromCodePoint(code), 'utf8'));
      index += code > 0xffff ? 2 : 1;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

const SEGMENT = /^[A-Za-z0-9_-]+={0,2}$/;

function decodeSegment(segment: string): Buffer | null {
  if (!SEGMENT.test(segment) || segment.replace(/=+$/, '').length % 4 === 1) return null;
  return Buffer.from(segment, 'base64url');
}

function jsonObject(bytes: Buffer | null): Record<string, unknown> | null {
  if (!bytes) return null;
  try {
    const value: unknown = JSON.parse(bytes.toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/**
 * Checks a request's `Authorization` header in the order of §3.2; the first failure's exact text.
 * `now` is in seconds since the epoch.
 */
export async function authenticate(
  authorization: string | undefined,
  facts: RequestFacts,
  verify: (appId: string, signingInput: string, signature: string) => Promise<SignatureCheck>,
  options: { now: number; leewaySeconds: number },
): Promise<AuthResult> {
  const header = (authorization ?? '').trim();
  if (header === '') return { ok: false, error: AUTH_ERRORS.invalidToken };
  const parts = header.split(' ');
  if (parts.length !== 2 || parts[0]!.toLowerCase() !== 'bearer') {
    return { ok: false, error: AUTH_ERRORS.headerFormat };
  }
  const segments = parts[1]!.split('.');
  if (segments.length !== 3) return { ok: false, error: AUTH_ERRORS.invalidToken };
  const [headerPart, payloadPart, signaturePart] = segments as [string, string, string];
  const jose = jsonObject(decodeSegment(headerPart));
  const claims = jsonObject(decodeSegment(payloadPart));
  if (!jose || !claims || jose.alg !== 'HS256' || !decodeSegment(signaturePart)) {
    return { ok: false, error: AUTH_ERRORS.invalidToken };
  }
  for (const claim of CLAIMS) {
    if (claims[claim] === undefined || claims[claim] === null) {
      return { ok: false, error: `Token missing ${claim} Claim` };
    }
  }
  const hashes = requestHashes(facts);
  const given = claims.qsh;
  if (typeof given !== 'string' || !hashes.includes(given.toLowerCase())) {
    return { ok: false, error: AUTH_ERRORS.invalidQsh };
  }
  if (typeof claims.iss !== 'string') return { ok: false, error: AUTH_ERRORS.invalidApp };
  const signed = await verify(claims.iss, `${headerPart}.${payloadPart}`, signaturePart);
  if (signed === 'UNKNOWN_APP') return { ok: false, error: AUTH_ERRORS.invalidApp };
  if (signed !== 'VALID') return { ok: false, error: AUTH_ERRORS.invalidToken };
  const { iat, exp, nbf } = claims;
  if (!isNumber(iat) || !isNumber(exp)) return { ok: false, error: AUTH_ERRORS.invalidToken };
  if (nbf !== undefined && (!isNumber(nbf) || nbf > options.now + options.leewaySeconds)) {
    return { ok: false, error: AUTH_ERRORS.invalidToken };
  }
  if (options.now > exp + options.leewaySeconds) return { ok: false, error: AUTH_ERRORS.expired };
  return { ok: true, appId: claims.iss };
}
