/**
 * Authentication rules of the users domain, shared by the GraphQL resolvers and by the
 * authenticator the gateway uses: token checks (in Astakos' order), password logins in a realm,
 * token issue, and the first-start administrator.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { CloudfedError } from '../../errors/index.js';
import { hashToken, newToken, secretsEqual, verifyPassword, type Principal } from '../../identity/index.js';
import { DEFAULT_USER_TOKEN_SECONDS, nowWholeSeconds } from './rules.js';
import type { ComponentRecord, RealmRecord, UserRecord, UserTokenRecord, UsersSource } from './source.js';

export type TokenStatus = 'valid' | 'invalid_token' | 'user_inactive' | 'token_expired' | 'pending_terms';

export interface UserTokenCheck {
  status: TokenStatus;
  /** Null only for `invalid_token`. */
  user: UserRecord | null;
  token: UserTokenRecord | null;
}

/**
 * Checks a user token. The status follows Astakos' order: unknown token, inactive user, expired
 * token, pending terms. An empty token is unknown without asking the source.
 */
export async function checkUserToken(
  source: UsersSource,
  token: string,
  now = Date.now(),
): Promise<UserTokenCheck> {
  if (token === '') return { status: 'invalid_token', user: null, token: null };
  const found = await source.userByTokenHash(hashToken(token));
  if (!found) return { status: 'invalid_token', user: null, token: null };
  const { user, token: record } = found;
  const status: TokenStatus = !user.active
    ? 'user_inactive'
    : record.expiresAt.getTime() <= now
      ? 'token_expired'
      : !user.termsAccepted
        ? 'pending_terms'
        : 'valid';
  return { status, user, token: record };
}

export interface ComponentTokenCheck {
  status: 'valid' | 'invalid_token' | 'token_expired';
  component: ComponentRecord | null;
}

/** Checks a component (service) token: unknown, then expired. */
export async function checkComponentToken(
  source: UsersSource,
  token: string,
  now = Date.now(),
): Promise<ComponentTokenCheck> {
  if (token === '') return { status: 'invalid_token', component: null };
  const component = await source.componentByTokenHash(hashToken(token));
  if (!component) return { status: 'invalid_token', component: null };
  if (!component.tokenExpiresAt || component.tokenExpiresAt.getTime() <= now)
    return { status: 'token_expired', component };
  return { status: 'valid', component };
}

/** The principal of an authenticated user. */
export function userPrincipal(user: UserRecord): Principal {
  return {
    kind: 'user',
    id: user.id,
    name: user.username,
    admin: user.admin,
    groups: [...user.groups],
    rights: { ...user.rights },
  };
}

export type PasswordFailure =
  | 'EMPTY_CREDENTIALS'
  | 'REALM_NOT_FOUND'
  | 'NO_DEFAULT_REALM'
  | 'BAD_CREDENTIALS'
  | 'WRONG_REALM'
  | 'USER_INACTIVE';

export type PasswordAuthentication =
  | { ok: true; user: UserRecord; realm: RealmRecord; principal: Principal }
  | { ok: false; reason: PasswordFailure; message: string };

const FAILURE_MESSAGES: Record<PasswordFailure, string> = {
  EMPTY_CREDENTIALS: 'Username or password is empty',
  REALM_NOT_FOUND: 'Unknown realm',
  NO_DEFAULT_REALM: 'No realm was named and there is no default realm',
  BAD_CREDENTIALS: 'Incorrect username or password',
  WRONG_REALM: 'The user does not belong to this realm',
  USER_INACTIVE: 'The user is inactive',
};

function fail(reason: PasswordFailure): PasswordAuthentication {
  return { ok: false, reason, message: FAILURE_MESSAGES[reason] };
}

/**
 * A password login in a realm. Checks, in order: blank username or password (refused before any
 * lookup, so no blank password ever reaches a directory); the realm (the named one, else the
 * default); the user (the full username, or a short name `alice` for `alice@…` when it names one
 * user, preferring the realm's) and the password, or the directory's verdict where a directory
 * checks passwords (LDAP bind); the password (scrypt, constant time; an unknown user costs the
 * same); membership of the realm; the user being active. Unknown user and wrong password give the
 * same BAD_CREDENTIALS, and membership is only revealed to someone who knows the password.
 */
export async function authenticatePassword(
  source: UsersSource,
  username: string,
  password: string,
  realmId?: string | null,
): Promise<PasswordAuthentication> {
  if (username.trim() === '' || password.trim() === '') return fail('EMPTY_CREDENTIALS');
  let realm: RealmRecord | undefined;
  if (realmId) {
    [realm] = await source.getRealms([realmId]);
    if (!realm) return fail('REALM_NOT_FOUND');
  } else {
    realm = (await source.listRealms()).find((candidate) => candidate.isDefault);
    if (!realm) return fail('NO_DEFAULT_REALM');
  }
  const directory = await source.checkDirectoryPassword(realm, username, password);
  if (directory.kind === 'rejected') return fail('BAD_CREDENTIALS');
  let user: UserRecord | null;
  if (directory.kind === 'accepted') user = directory.user;
  else {
    user = await findLoginUser(source, username, realm.id);
    const [hash] = user ? await source.passwordHashes([user.id]) : [];
    const matches = await verifyPassword(password, hash?.hash ?? null);
    if (!user || !matches) return fail('BAD_CREDENTIALS');
  }
  if (user.realmId !== realm.id) return fail('WRONG_REALM');
  if (!user.active) return fail('USER_INACTIVE');
  return { ok: true, user, realm, principal: userPrincipal(user) };
}

async function findLoginUser(source: UsersSource, name: string, realmId: string): Promise<UserRecord | null> {
  const lower = name.toLowerCase();
  if (lower.length > 320) return null;
  const [exact] = await source.getUsersByUsername([lower]);
  if (exact) return exact;
  if (lower.includes('@')) return null;
  const candidates = await source.getUsersByLocalPart(lower);
  const inRealm = candidates.filter((user) => user.realmId === realmId);
  if (inRealm.length === 1) return inRealm[0]!;
  return candidates.length === 1 ? candidates[0]! : null;
}

/** Throws the GraphQL error for a failed password login (UNAUTHENTICATED with the reason). */
export function passwordFailureError(
  failure: { reason: PasswordFailure; message: string },
  realm?: string | null,
): CloudfedError {
  if (failure.reason === 'EMPTY_CREDENTIALS') {
    return new CloudfedError('BAD_USER_INPUT', failure.message, { reason: failure.reason });
  }
  return new CloudfedError('UNAUTHENTICATED', failure.message, {
    reason: failure.reason,
    ...(realm && (failure.reason === 'REALM_NOT_FOUND' || failure.reason === 'WRONG_REALM') ? { realm } : {}),
  });
}

/** Issues a new token for a user (replacing the old one); returns it in clear, once. */
export async function issueUserToken(
  source: UsersSource,
  userId: string,
  lifetimeSeconds = DEFAULT_USER_TOKEN_SECONDS,
  clear: string = newToken(),
): Promise<{ token: string; record: UserTokenRecord } | null> {
  const createdAt = nowWholeSeconds();
  const expiresAt = new Date(createdAt.getTime() + lifetimeSeconds * 1000);
  const stored = await source.setToken(userId, { hash: hashToken(clear), createdAt, expiresAt });
  return stored ? { token: clear, record: { userId, createdAt, expiresAt } } : null;
}

/** The gateway's view of the users domain. */
export interface UsersAuthenticator {
  /** A user principal for a VALID user token, a service principal for a valid component token, else null. */
  authenticateToken(token: string): Promise<Principal | null>;
  /** The full user-token check, for callers that must tell the failure conditions apart. */
  checkUserToken(token: string): Promise<UserTokenCheck>;
  checkComponentToken(token: string): Promise<ComponentTokenCheck>;
  /** HTTP Basic / FOSS-Cloud login: see `authenticatePassword` for the order of checks. */
  authenticatePassword(
    username: string,
    password: string,
    realm?: string | null,
  ): Promise<PasswordAuthentication>;
  /** The clear secret of an API client, for HMAC verification; null for an unknown app id. Never log it. */
  apiClientSecret(appId: string): Promise<string | null>;
}

export function createAuthenticator(source: UsersSource): UsersAuthenticator {
  return {
    async authenticateToken(token) {
      const user = await checkUserToken(source, token);
      if (user.status === 'valid' && user.user) return userPrincipal(user.user);
      if (user.status !== 'invalid_token') return null;
      const component = await checkComponentToken(source, token);
      return component.status === 'valid' && component.component
        ? { kind: 'service', id: component.component.name }
        : null;
    },
    checkUserToken: (token) => checkUserToken(source, token),
    checkComponentToken: (token) => checkComponentToken(source, token),
    authenticatePassword: (username, password, realm) =>
      authenticatePassword(source, username, password, realm),
    apiClientSecret: (appId) => source.apiClientSecret(appId),
  };
}

export type ApiClientSignatureStatus = 'VALID' | 'UNKNOWN_APP' | 'BAD_SIGNATURE';

const BASE64URL = /^[A-Za-z0-9_-]*={0,2}$/;

/**
 * Checks an HMAC-SHA256 request signature (a JWS `HS256` signature: base64url of the MAC of
 * `signingInput`) with an API client's secret. The secret never leaves this function; the MACs
 * are compared through their SHA-256 digests, so in constant time whatever their lengths.
 */
export async function checkApiClientSignature(
  source: UsersSource,
  appId: string,
  signingInput: string,
  signature: string,
): Promise<ApiClientSignatureStatus> {
  const secret = await source.apiClientSecret(appId);
  if (secret === null) return 'UNKNOWN_APP';
  const expected = createHmac('sha256', secret).update(signingInput, 'utf8').digest();
  const given = BASE64URL.test(signature) ? Buffer.from(signature, 'base64url') : Buffer.alloc(0);
  return secretsEqual(given, expected) ? 'VALID' : 'BAD_SIGNATURE';
}

/** The first administrator's UUID (the demo's admin). */
export const ADMIN_USER_ID = '00000000-0000-4000-8000-000000000001';
export const ADMIN_USERNAME = 'admin@example.com';

/**
 * Makes sure an administrator can log in on first start:
 * - a store without users gets the admin user (UUID `ADMIN_USER_ID`, `admin@example.com`, group
 *   `default`, the default realm) with `token` or a random token → `{ created: true, token }`;
 * - a store whose administrators hold no live token (a freshly imported datacenter, or every
 *   admin token expired or revoked) gets a token for its first administrator →
 *   `{ created: false, token }`;
 * - otherwise nothing changes → `{ created: false }`.
 * With `token` (an operator-chosen admin token, e.g. CLOUDFED_ADMIN_TOKEN), that token is made
 * valid for an administrator unless it already is, so the configured value always works.
 * The caller prints a returned token it did not choose once; only its hash is stored.
 */
export async function ensureAdmin(
  source: UsersSource,
  options: { token?: string } = {},
): Promise<{ created: boolean; token?: string }> {
  const users = await source.listUsers();
  let admin = users.find((user) => user.admin) ?? null;
  let created = false;
  if (!admin) {
    const realm = (await source.listRealms()).find((candidate) => candidate.isDefault) ?? null;
    const taken = new Set(users.map((user) => user.username));
    const id = users.some((user) => user.id === ADMIN_USER_ID) ? randomUUID() : ADMIN_USER_ID;
    const username = taken.has(ADMIN_USERNAME) ? `admin-${id.slice(0, 8)}@example.com` : ADMIN_USERNAME;
    const outcome = await source.addUser({
      id,
      numericId: null,
      username,
      realName: 'Administrator',
      emails: [username],
      groups: ['default'],
      active: true,
      termsAccepted: true,
      admin: true,
      realmId: realm?.id ?? null,
      rights: { dynamicVmView: 'all', persistentVmView: 'all' },
      createdAt: nowWholeSeconds(),
      passwordHash: null,
    });
    if (outcome !== 'added') throw new Error(`Cannot create the administrator: ${outcome}`);
    admin = (await source.getUsers([id]))[0] ?? null;
    if (!admin) throw new Error('The administrator vanished after creation');
    created = true;
  } else if (options.token) {
    const current = await checkUserToken(source, options.token);
    if (current.status === 'valid' && current.user?.admin) return { created: false };
  } else {
    const admins = users.filter((user) => user.admin);
    const tokens = await source.getTokens(admins.map((user) => user.id));
    if (tokens.some((token) => token.expiresAt.getTime() > Date.now())) return { created: false };
  }
  const issued = await issueUserToken(
    source,
    admin.id,
    DEFAULT_USER_TOKEN_SECONDS,
    options.token || newToken(),
  );
  if (!issued) throw new Error('Cannot store the administrator token');
  return { created, token: issued.token };
}
