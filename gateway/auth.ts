import type { IncomingMessage } from 'node:http';
import { ANONYMOUS, verifyPrincipal, PRINCIPAL_HEADER, type Principal } from '../src/identity/index.js';
import { graphqlError, HttpError } from './http.js';

/** What the gateway needs from the identity domain to authenticate a request. */
export interface Authenticator {
  /** A user or component token → its principal; null when unknown, expired or revoked. */
  authenticateToken(token: string): Promise<Principal | null>;
  /** HTTP Basic against the directory; null on bad credentials. */
  authenticatePassword?(username: string, password: string): Promise<Principal | null>;
}

const refused = (message: string, scheme = 'Bearer') =>
  new HttpError(401, graphqlError(message, 'UNAUTHENTICATED'), {
    'www-authenticate': `${scheme} realm="cloudfed"`,
  });

/**
 * The request's principal: `Authorization: Bearer`, `X-Auth-Token` or HTTP Basic; anonymous
 * without credentials. Credentials that are present but wrong are refused outright (401), so a
 * typo in a token never silently downgrades a client to anonymous.
 */
export async function authenticateRequest(
  request: IncomingMessage,
  authenticator: Authenticator,
): Promise<Principal> {
  const authorization = request.headers.authorization?.trim();
  const xAuthToken = headerValue(request.headers['x-auth-token']);
  if (authorization) {
    const [scheme = '', ...rest] = authorization.split(/\s+/);
    const credentials = rest.join(' ');
    if (/^bearer$/i.test(scheme) && credentials) {
      return (
        (await authenticator.authenticateToken(credentials)) ??
        Promise.reject(refused('Invalid or expired token'))
      );
    }
    if (/^basic$/i.test(scheme) && credentials && authenticator.authenticatePassword) {
      const decoded = Buffer.from(credentials, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      const username = colon > 0 ? decoded.slice(0, colon) : '';
      const password = colon > 0 ? decoded.slice(colon + 1) : '';
      // Never ask the directory with blank credentials: an LDAP bind with an empty password succeeds anonymously.
      if (!username.trim() || !password.trim()) throw refused('Username and password are required', 'Basic');
      return (
        (await authenticator.authenticatePassword(username, password)) ??
        Promise.reject(refused('Invalid credentials', 'Basic'))
      );
    }
    throw refused('Unsupported Authorization header; use Bearer <token>');
  }
  if (xAuthToken) {
    return (
      (await authenticator.authenticateToken(xAuthToken)) ??
      Promise.reject(refused('Invalid or expired token'))
    );
  }
  return ANONYMOUS;
}

/**
 * A split subgraph's view of the caller: the gateway-signed principal, or anonymous (public
 * fields only) when there is none. A forged, malformed or stale header is refused.
 */
export function subgraphPrincipal(
  request: IncomingMessage,
  secret: string,
  maxSkewSeconds: number,
): { principal: Principal; signed: boolean } {
  const header = headerValue(request.headers[PRINCIPAL_HEADER]);
  if (!header) return { principal: ANONYMOUS, signed: false };
  const verified = verifyPrincipal(header, secret, maxSkewSeconds);
  if (!verified.ok) throw refused(`The principal header is not valid (${verified.reason})`, 'Signed');
  return { principal: verified.principal, signed: true };
}

function headerValue(value: string | string[] | undefined): string | undefined {
  const single = Array.isArray(value) ? value[0] : value;
  return single?.trim() || undefined;
}
