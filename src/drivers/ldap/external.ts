/**
 * Realms backed by an external LDAP or Active Directory: find the user there with the realm's
 * service account (escaped filter), then bind as the user. Used by the LDAP users driver and,
 * through `withExternalRealms`, by any other users source (the embedded store).
 */
import { randomUUID } from 'node:crypto';
import {
  Client,
  InvalidCredentialsError,
  NoSuchObjectError,
  ResultCodeError,
  SizeLimitExceededError,
  type Entry,
} from 'ldapts';
import { BackendError } from '../../errors/index.js';
import type { DirectoryLogin, RealmRecord, UsersSource } from '../../subgraphs/users/index.js';
import { escapeFilter, first, unreachable } from './directory.js';
import { unsupported } from './layout.js';

/** Where a realm's users are checked. */
export interface ExternalDirectory {
  url: string;
  baseDN: string;
  bindDN: string;
  bindPassword: string;
  /** The attribute holding the login name (`uid`, `sAMAccountName`, …). */
  userAttribute: string;
}

export type ExternalLogin =
  { kind: 'rejected' } | { kind: 'accepted'; mail: string | null; name: string | null };

const ATTRIBUTE_NAME = /^[A-Za-z][A-Za-z0-9-]{0,63}$/;

/** Checks a login in an external directory. Never binds with an empty password. */
export async function checkExternalDirectory(
  directory: ExternalDirectory,
  username: string,
  password: string,
  timeoutMs: number,
  realmId: string,
): Promise<ExternalLogin> {
  if (username === '' || password === '') return { kind: 'rejected' };
  const { url, baseDN, bindDN, bindPassword, userAttribute } = directory;
  if (
    !/^ldaps?:\/\//.test(url) ||
    !baseDN ||
    !bindDN ||
    !bindPassword ||
    !ATTRIBUTE_NAME.test(userAttribute)
  ) {
    throw unsupported('users', `logins in realm ${realmId}: its external directory is not configured`);
  }
  const client = () => new Client({ url, timeout: timeoutMs, connectTimeout: timeoutMs });
  const service = client();
  let found: Entry[];
  try {
    await service.bind(bindDN, bindPassword);
    found = (
      await service.search(baseDN, {
        scope: 'sub',
        filter: `(${userAttribute}=${escapeFilter`${username}`})`,
        attributes: ['mail', 'cn'],
        sizeLimit: 2,
      })
    ).searchEntries;
  } catch (error) {
    if (error instanceof NoSuchObjectError || error instanceof SizeLimitExceededError) found = [];
    else throw failure(error, url, realmId);
  } finally {
    await service.unbind().catch(() => undefined);
  }
  if (found.length !== 1) return { kind: 'rejected' };
  const user = client();
  try {
    await user.bind(found[0]!.dn, password);
  } catch (error) {
    if (error instanceof InvalidCredentialsError) return { kind: 'rejected' };
    throw failure(error, url, realmId);
  } finally {
    await user.unbind().catch(() => undefined);
  }
  return { kind: 'accepted', mail: first(found[0]!, 'mail'), name: first(found[0]!, 'cn') };
}

function failure(error: unknown, url: string, realmId: string): BackendError {
  if (error instanceof ResultCodeError) {
    return new BackendError(
      'BACKEND_FAILED',
      `The directory of realm ${realmId} refused the login check (LDAP result ${error.code})`,
      {},
      `${error.name}: ${error.message}`,
    );
  }
  return unreachable(url, error);
}

/** The local username of an external user: the directory's e-mail address, else a stand-in. */
function localUsername(login: string, realmId: string, mail: string | null): string {
  return (mail || `${login}@realm-${realmId}.invalid`).toLowerCase();
}

/**
 * The local user of a login an external directory accepted, created on its first login (owner
 * rights, the `default` group, no password: the directory keeps checking it). `failed` makes the
 * error when the user can be neither created nor found.
 */
export async function localUserOf(
  source: Pick<UsersSource, 'getUsersByUsername' | 'addUser'>,
  realm: RealmRecord,
  username: string,
  login: Extract<ExternalLogin, { kind: 'accepted' }>,
  failed: (outcome: string, local: string) => Error,
): Promise<DirectoryLogin> {
  const local = localUsername(username, realm.id, login.mail);
  const [existing] = await source.getUsersByUsername([local]);
  if (existing) return { kind: 'accepted', user: existing };
  const outcome = await source.addUser({
    id: randomUUID(),
    numericId: null,
    username: local,
    realName: login.name ?? '',
    emails: [local],
    groups: ['default'],
    active: true,
    termsAccepted: true,
    admin: false,
    realmId: realm.id,
    rights: { dynamicVmView: 'owner', persistentVmView: 'owner' },
    createdAt: new Date(Math.floor(Date.now() / 1000) * 1000),
    passwordHash: null,
  });
  // A concurrent first login may have created it in between: either way, use the stored one.
  const [created] = await source.getUsersByUsername([local]);
  if (!created) throw failed(outcome, local);
  return { kind: 'accepted', user: created };
}

/** A users source that keeps the settings of its realms' external directories. */
export interface RealmDirectories {
  realmDirectory(realmId: string): Promise<ExternalDirectory | null>;
}

/**
 * `source` with logins in external-directory realms (kind `ldap` with a configured directory):
 * checked there, the local user created on first login. Other logins are the source's own.
 */
export function withExternalRealms(source: UsersSource & RealmDirectories, timeoutMs = 5000): UsersSource {
  async function checkDirectoryPassword(
    realm: RealmRecord,
    username: string,
    password: string,
  ): Promise<DirectoryLogin> {
    const directory = realm.kind === 'ldap' ? await source.realmDirectory(realm.id) : null;
    if (!directory) return source.checkDirectoryPassword(realm, username, password);
    const login = await checkExternalDirectory(directory, username, password, timeoutMs, realm.id);
    if (login.kind === 'rejected') return login;
    return localUserOf(source, realm, username, login, (_outcome, local) =>
      unsupported('users', `creating the local user of ${local}`),
    );
  }
  return new Proxy(source, {
    get(target, property, receiver) {
      if (property === 'checkDirectoryPassword') return checkDirectoryPassword;
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
