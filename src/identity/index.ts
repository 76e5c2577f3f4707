/**
 * Who is asking. The gateway authenticates a request once and hands the resulting principal to
 * the subgraphs: in process through the context, over HTTP in a header signed with a shared
 * secret (see `signPrincipal` / `verifyPrincipal`).
 */
import { createHmac, randomBytes, timingSafeEqual, createHash } from 'node:crypto';

export type Principal =
  | { kind: 'anonymous' }
  /**
   * A person, authenticated by token or password. `admin` users may do anything. `rights` are the
   * user's FOSS-Cloud view rights (absent: `owner` for both).
   */
  | { kind: 'user'; id: string; name: string; admin: boolean; groups: string[]; rights?: ViewRights }
  /** A registered component (Cyclades, Pithos, …) authenticated by its component token. */
  | { kind: 'service'; id: string }
  /** A legacy API caller acting with operator rights: a PVC token, a Gluster app, an open shim. */
  | { kind: 'operator'; id: string; via: string }
  /**
   * A narrow principal for a credential-less legacy API (LUKSctl): it may only read the state of
   * the encrypted volume (or worker node) known under `address` or named `volumeId`, and open it
   * (or mount its NFS exports). Nothing else in the graph treats it as authenticated.
   */
  | { kind: 'encryptedVolumeTarget'; via: string; address: string | null; volumeId: string | null }
  /** The server itself: CLI commands, import, seeding. */
  | { kind: 'system' };

/** FOSS-Cloud view rights: every VM, the user's own, or none. */
export type ViewRightName = 'all' | 'owner' | 'none';

export interface ViewRights {
  /** FOSS-Cloud `dynamicVM.view`. */
  dynamicVmView: ViewRightName;
  /** FOSS-Cloud `persistentVM.view`. */
  persistentVmView: ViewRightName;
}

export const ANONYMOUS: Principal = Object.freeze({ kind: 'anonymous' });
export const SYSTEM: Principal = Object.freeze({ kind: 'system' });

/** Admin users, operators and the system may change anything. */
export function isPrivileged(principal: Principal): boolean {
  return (
    principal.kind === 'system' ||
    principal.kind === 'operator' ||
    (principal.kind === 'user' && principal.admin)
  );
}

/** Whether the principal may use the graph in general (scoped principals may not). */
export function isAuthenticated(principal: Principal): boolean {
  return principal.kind !== 'anonymous' && principal.kind !== 'encryptedVolumeTarget';
}

/** A short, non-secret label for logs. */
export function describePrincipal(principal: Principal): string {
  switch (principal.kind) {
    case 'anonymous':
    case 'system':
      return principal.kind;
    case 'user':
      return `user:${principal.name}`;
    case 'service':
      return `service:${principal.id}`;
    case 'operator':
      return `operator:${principal.via}:${principal.id}`;
    case 'encryptedVolumeTarget':
      return `target:${principal.via}:${principal.volumeId ?? principal.address ?? '-'}`;
  }
}

/** Header carrying the signed principal from the gateway to split subgraphs. */
export const PRINCIPAL_HEADER = 'x-cloudfed-principal';

/** `<base64url payload>.<base64url HMAC-SHA256>`; the payload holds the principal and the signing time. */
export function signPrincipal(principal: Principal, secret: string, now = Date.now()): string {
  const payload = Buffer.from(JSON.stringify({ p: principal, iat: Math.floor(now / 1000) })).toString(
    'base64url',
  );
  return `${payload}.${mac(payload, secret)}`;
}

export type PrincipalVerification =
  { ok: true; principal: Principal } | { ok: false; reason: 'malformed' | 'bad-signature' | 'stale' };

export function verifyPrincipal(
  header: string,
  secret: string,
  maxSkewSeconds: number,
  now = Date.now(),
): PrincipalVerification {
  const dot = header.indexOf('.');
  if (dot <= 0 || dot === header.length - 1) return { ok: false, reason: 'malformed' };
  const payload = header.slice(0, dot);
  const given = Buffer.from(header.slice(dot + 1), 'base64url');
  const expected = Buffer.from(mac(payload, secret), 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: 'bad-signature' };
  }
  let decoded: { p?: Principal; iat?: number };
  try {
    decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (!decoded.p || typeof decoded.iat !== 'number') return { ok: false, reason: 'malformed' };
  if (Math.abs(now / 1000 - decoded.iat) > maxSkewSeconds) return { ok: false, reason: 'stale' };
  return { ok: true, principal: decoded.p };
}

function mac(payload: string, secret: string): string {
  return createHmac('sha256', secret).update(payload).digest('base64url');
}

/** Compares two secrets in time independent of where they differ. */
export function secretsEqual(given: string | Buffer, expected: string | Buffer): boolean {
  // Hash first so the comparison length does not depend on the secret's length either.
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b) && given.length === expected.length;
}

/** A new random token: 32 bytes, base64url. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Tokens are stored as SHA-256 hashes: a stolen store does not reveal them. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export { hashPassword, hashPasswordSync, hasNulByte, verifyPassword } from './password.js';
