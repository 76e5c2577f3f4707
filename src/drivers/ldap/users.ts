/**
 * Users (with groups and roles) and realms in a FOSS-Cloud-style directory. Passwords stay in the
 * directory: a login is an LDAP bind as the user (internal realm) or in the realm's external
 * directory, whose first login creates the local user entry. User tokens, components and API
 * clients, which the directory does not hold, go to the embedded store; feedback is not supported.
 */
import { InvalidCredentialsError, NoSuchObjectError, type Entry } from 'ldapts';
import type {
  ApiClientRecord,
  ApiSettingRecord,
  ComponentFields,
  ComponentRecord,
  DirectoryLogin,
  FeedbackRecord,
  GroupIdRecord,
  NewUserRecord,
  PasswordHashRecord,
  RealmRecord,
  ServiceRecord,
  TokenHashRecord,
  UserPatch,
  UserRecord,
  UserRightsRecord,
  UsersSource,
  UserTokenRecord,
  ViewRight,
} from '../../subgraphs/users/index.js';
import { all, childDN, escapeFilter, first, type Directory } from './directory.js';
import { checkExternalDirectory, localUserOf } from './external.js';
import {
  anyOf,
  bool,
  generalizedTime,
  parseGeneralizedTime,
  replace,
  unsupported,
  type Layout,
} from './layout.js';

const USER_ATTRIBUTES = [
  'uid',
  'sstUsername',
  'cn',
  'mail',
  'sstNumericId',
  'sstBelongsToRealm',
  'sstActive',
  'sstTermsAccepted',
  'sstIsAdmin',
  'sstRoleName',
  'sstGroupName',
  'sstCreated',
];
const REALM_ATTRIBUTES = ['uid', 'sstDisplayName', 'sstRealmKind', 'sstIsDefault', 'sstOrder'];
const EXTERNAL_ATTRIBUTES = [
  'sstLDAPServerURI',
  'sstLDAPBaseDN',
  'sstLDAPBindDN',
  'sstLDAPBindPassword',
  'sstLDAPUserAttribute',
];
const OWNER: UserRightsRecord = { dynamicVmView: 'owner', persistentVmView: 'owner' };

function viewRight(value: string | undefined): ViewRight | null {
  return value === 'all' || value === 'owner' || value === 'none' ? value : null;
}

/** A role's rights from its `sstRight: dynamicVM.view=all` values. */
function rightsOf(role: Entry | undefined): UserRightsRecord {
  if (!role) return { ...OWNER };
  const rights = { ...OWNER };
  for (const right of all(role, 'sstRight')) {
    const [name, value] = right.split('=', 2);
    const parsed = viewRight(value);
    if (!parsed) continue;
    if (name === 'dynamicVM.view') rights.dynamicVmView = parsed;
    if (name === 'persistentVM.view') rights.persistentVmView = parsed;
  }
  return rights;
}

/** Where the tokens of directory users are kept (the directory holds none): the embedded store. */
export interface DirectoryTokenStore {
  get(userIds: readonly string[]): Promise<UserTokenRecord[]>;
  byHash(hash: string): Promise<UserTokenRecord | null>;
  set(userId: string, token: TokenHashRecord): Promise<void>;
  revoke(userId: string): Promise<boolean>;
  setExpiry(userId: string, expiresAt: Date): Promise<boolean>;
}

export class LdapUsers implements UsersSource {
  constructor(
    private readonly directory: Directory,
    private readonly layout: Layout,
    private readonly others: UsersSource | null,
    private readonly tokens: DirectoryTokenStore | null,
  ) {}

  // Realms

  private toRealm(entry: Entry): RealmRecord {
    return {
      id: first(entry, 'uid') ?? '',
      name: first(entry, 'sstDisplayName') ?? '',
      kind: first(entry, 'sstRealmKind') === 'ldap' ? 'ldap' : 'internal',
      isDefault: first(entry, 'sstIsDefault') === 'TRUE',
    };
  }

  private async realmEntries(filter: string): Promise<Entry[]> {
    const entries = await this.directory.search(this.layout.realms, `(&(objectClass=sstRealm)${filter})`, {
      attributes: REALM_ATTRIBUTES,
    });
    const order = (entry: Entry) => Number(first(entry, 'sstOrder') ?? Number.MAX_SAFE_INTEGER);
    return entries.sort((a, b) => order(a) - order(b) || (first(a, 'uid')! < first(b, 'uid')! ? -1 : 1));
  }

  async listRealms(): Promise<RealmRecord[]> {
    return (await this.realmEntries('(uid=*)')).map((entry) => this.toRealm(entry));
  }

  async getRealms(ids: readonly string[]): Promise<RealmRecord[]> {
    if (ids.length === 0) return [];
    const filter = anyOf(ids.map((id) => escapeFilter`(uid=${id})`));
    return (await this.realmEntries(filter)).map((entry) => this.toRealm(entry));
  }

  private async clearDefault(except: string): Promise<void> {
    for (const entry of await this.realmEntries('(sstIsDefault=TRUE)')) {
      if (first(entry, 'uid') !== except)
        await this.directory.modify(entry.dn, [replace('sstIsDefault', ['FALSE'])]);
    }
  }

  async addRealm(realm: RealmRecord): Promise<boolean> {
    const existing = await this.realmEntries('(uid=*)');
    const order =
      existing.reduce((max, entry) => Math.max(max, Number(first(entry, 'sstOrder') ?? 0)), 0) + 1;
    const added = await this.directory.add(childDN('uid', realm.id, this.layout.realms), {
      objectClass: ['sstRealm'],
      uid: realm.id,
      sstDisplayName: realm.name,
      sstRealmKind: realm.kind,
      sstIsDefault: bool(realm.isDefault),
      sstOrder: String(order),
    });
    if (added && realm.isDefault) await this.clearDefault(realm.id);
    return added;
  }

  async updateRealm(id: string, patch: Partial<Pick<RealmRecord, 'name' | 'isDefault'>>): Promise<boolean> {
    const [entry] = await this.realmEntries(escapeFilter`(uid=${id})`);
    if (!entry) return false;
    const changes = [
      ...(patch.name !== undefined ? [replace('sstDisplayName', [patch.name])] : []),
      ...(patch.isDefault !== undefined ? [replace('sstIsDefault', [bool(patch.isDefault)])] : []),
    ];
    if (changes.length > 0 && !(await this.directory.modify(entry.dn, changes))) return false;
    if (patch.isDefault) await this.clearDefault(id);
    return true;
  }

  async removeRealm(id: string): Promise<'removed' | 'not-found' | 'in-use'> {
    const [entry] = await this.realmEntries(escapeFilter`(uid=${id})`);
    if (!entry) return 'not-found';
    const members = await this.userEntries(escapeFilter`(sstBelongsToRealm=${id})`);
    if (members.length > 0) return 'in-use';
    return (await this.directory.del(entry.dn)) ? 'removed' : 'not-found';
  }

  // Users

  private async roles(): Promise<Map<string, Entry>> {
    const entries = await this.directory.search(this.layout.roles, '(objectClass=sstRole)', {
      attributes: ['cn', 'sstRight'],
    });
    return new Map(entries.map((entry) => [first(entry, 'cn') ?? '', entry]));
  }

  private async userEntries(filter: string): Promise<Entry[]> {
    return this.directory.search(this.layout.people, `(&(objectClass=sstPerson)${filter})`, {
      attributes: USER_ATTRIBUTES,
    });
  }

  private async users(filter: string): Promise<UserRecord[]> {
    const [entries, roles] = await Promise.all([this.userEntries(filter), this.roles()]);
    return entries.map((entry) => this.toUser(entry, roles)).sort((a, b) => a.numericId - b.numericId);
  }

  private toUser(entry: Entry, roles: Map<string, Entry>): UserRecord {
    const username = (first(entry, 'sstUsername') ?? '').toLowerCase();
    const role = first(entry, 'sstRoleName');
    return {
      id: first(entry, 'uid') ?? '',
      numericId: Number(first(entry, 'sstNumericId') ?? 0),
      username,
      realName: first(entry, 'cn') ?? '',
      emails: all(entry, 'mail'),
      groups: all(entry, 'sstGroupName'),
      active: first(entry, 'sstActive') !== 'FALSE',
      termsAccepted: first(entry, 'sstTermsAccepted') !== 'FALSE',
      admin: first(entry, 'sstIsAdmin') === 'TRUE',
      realmId: first(entry, 'sstBelongsToRealm'),
      rights: rightsOf(role === null ? undefined : roles.get(role)),
      createdAt: parseGeneralizedTime(first(entry, 'sstCreated')),
    };
  }

  async listUsers(): Promise<UserRecord[]> {
    return this.users('(uid=*)');
  }

  async countUsers(): Promise<number> {
    return (await this.userEntries('(uid=*)')).length;
  }

  async getUsers(ids: readonly string[]): Promise<UserRecord[]> {
    if (ids.length === 0) return [];
    return this.users(anyOf(ids.map((id) => escapeFilter`(uid=${id})`)));
  }

  async getUsersByUsername(usernames: readonly string[]): Promise<UserRecord[]> {
    if (usernames.length === 0) return [];
    return this.users(anyOf(usernames.map((name) => escapeFilter`(sstUsername=${name.toLowerCase()})`)));
  }

  async getUsersByLocalPart(localPart: string): Promise<UserRecord[]> {
    // The escaped local part, then a literal "@" and a wildcard: a substring filter.
    return this.users(escapeFilter`(sstUsername=${localPart.toLowerCase()}` + '@*)');
  }

  /** The role holding exactly these rights, created when no role does. */
  private async roleFor(rights: UserRightsRecord): Promise<string> {
    const roles = await this.roles();
    for (const [name, role] of roles) {
      const held = rightsOf(role);
      if (held.dynamicVmView === rights.dynamicVmView && held.persistentVmView === rights.persistentVmView)
        return name;
    }
    const name = `dynamic-${rights.dynamicVmView}-persistent-${rights.persistentVmView}`;
    await this.directory.add(childDN('cn', name, this.layout.roles), {
      objectClass: ['sstRole'],
      cn: name,
      sstRight: [`dynamicVM.view=${rights.dynamicVmView}`, `persistentVM.view=${rights.persistentVmView}`],
    });
    return name;
  }

  async addUser(
    user: NewUserRecord,
  ): Promise<'added' | 'id-exists' | 'username-exists' | 'numeric-id-exists' | 'realm-not-found'> {
    if (user.passwordHash !== null)
      throw unsupported('users', 'storing password hashes (set passwords in the directory)');
    if ((await this.userEntries(escapeFilter`(uid=${user.id})`)).length > 0) return 'id-exists';
    if ((await this.userEntries(escapeFilter`(sstUsername=${user.username})`)).length > 0)
      return 'username-exists';
    if (user.realmId !== null && (await this.getRealms([user.realmId])).length === 0)
      return 'realm-not-found';
    const everyone = await this.userEntries('(uid=*)');
    const numbers = new Set(everyone.map((entry) => Number(first(entry, 'sstNumericId') ?? 0)));
    if (user.numericId !== null && numbers.has(user.numericId)) return 'numeric-id-exists';
    const numericId = user.numericId ?? Math.max(0, ...numbers) + 1;
    const added = await this.directory.add(childDN('uid', user.id, this.layout.people), {
      objectClass: ['inetOrgPerson', 'sstPerson'],
      uid: user.id,
      cn: user.realName || user.username,
      sn: user.realName || user.username,
      sstUsername: user.username,
      sstNumericId: String(numericId),
      ...(user.emails.length > 0 ? { mail: [...user.emails] } : {}),
      ...(user.realmId !== null ? { sstBelongsToRealm: user.realmId } : {}),
      sstActive: bool(user.active),
      sstTermsAccepted: bool(user.termsAccepted),
      sstIsAdmin: bool(user.admin),
      sstRoleName: await this.roleFor(user.rights),
      ...(user.groups.length > 0 ? { sstGroupName: [...user.groups] } : {}),
      sstCreated: generalizedTime(user.createdAt),
    });
    return added ? 'added' : 'id-exists';
  }

  async updateUser(id: string, patch: UserPatch): Promise<'updated' | 'not-found' | 'realm-not-found'> {
    const [entry] = await this.userEntries(escapeFilter`(uid=${id})`);
    if (!entry) return 'not-found';
    if (patch.realmId != null && (await this.getRealms([patch.realmId])).length === 0)
      return 'realm-not-found';
    const changes = [
      ...(patch.realName !== undefined
        ? [replace('cn', [patch.realName || first(entry, 'sstUsername')!])]
        : []),
      ...(patch.emails !== undefined ? [replace('mail', patch.emails)] : []),
      ...(patch.active !== undefined ? [replace('sstActive', [bool(patch.active)])] : []),
      ...(patch.termsAccepted !== undefined
        ? [replace('sstTermsAccepted', [bool(patch.termsAccepted)])]
        : []),
      ...(patch.admin !== undefined ? [replace('sstIsAdmin', [bool(patch.admin)])] : []),
      ...(patch.realmId !== undefined
        ? [replace('sstBelongsToRealm', patch.realmId === null ? [] : [patch.realmId])]
        : []),
      ...(patch.rights !== undefined ? [replace('sstRoleName', [await this.roleFor(patch.rights)])] : []),
    ];
    if (changes.length === 0) return 'updated';
    return (await this.directory.modify(entry.dn, changes)) ? 'updated' : 'not-found';
  }

  async setGroups(id: string, groups: readonly string[]): Promise<boolean> {
    const [entry] = await this.userEntries(escapeFilter`(uid=${id})`);
    if (!entry) return false;
    return this.directory.modify(entry.dn, [replace('sstGroupName', groups)]);
  }

  async setPasswordHash(): Promise<boolean> {
    throw unsupported('users', 'setting passwords (the directory keeps them; change them there)');
  }

  /** The directory never hands out password hashes: logins are binds (checkDirectoryPassword). */
  async passwordHashes(): Promise<PasswordHashRecord[]> {
    return [];
  }

  async checkDirectoryPassword(
    realm: RealmRecord,
    username: string,
    password: string,
  ): Promise<DirectoryLogin> {
    // An LDAP bind with an empty password is an anonymous bind that "succeeds": never send one.
    if (password === '' || username === '') return { kind: 'rejected' };
    if (realm.kind === 'ldap') return this.externalLogin(realm, username, password);
    const user = await this.loginUser(username, realm.id);
    if (!user) return { kind: 'rejected' };
    return (await this.bindAs(this.directory.settings.url, user.dn, password))
      ? { kind: 'accepted', user: user.record }
      : { kind: 'rejected' };
  }

  /** The user a login name means: the full username, or a local part naming one user (the realm's first). */
  private async loginUser(name: string, realmId: string): Promise<{ dn: string; record: UserRecord } | null> {
    const lower = name.toLowerCase();
    if (lower.length > 320) return null;
    const roles = await this.roles();
    let entries = await this.userEntries(escapeFilter`(sstUsername=${lower})`);
    if (entries.length === 0 && !lower.includes('@')) {
      const candidates = await this.userEntries(escapeFilter`(sstUsername=${lower}` + '@*)');
      const inRealm = candidates.filter((entry) => first(entry, 'sstBelongsToRealm') === realmId);
      entries = inRealm.length === 1 ? inRealm : candidates.length === 1 ? candidates : [];
    }
    const [entry] = entries;
    return entry && entries.length === 1 ? { dn: entry.dn, record: this.toUser(entry, roles) } : null;
  }

  /** A bind on a fresh connection: true when the directory accepts the password. */
  private async bindAs(url: string, dn: string, password: string): Promise<boolean> {
    if (password === '') return false;
    const client = this.directory.client(url);
    try {
      await client.bind(dn, password);
      return true;
    } catch (error) {
      if (error instanceof InvalidCredentialsError) return false;
      if (error instanceof NoSuchObjectError) return false;
      throw this.directory.failure(error, 'bind');
    } finally {
      await client.unbind().catch(() => undefined);
    }
  }

  /** A login in a realm backed by an external directory; the first one creates the local user entry. */
  private async externalLogin(
    realm: RealmRecord,
    username: string,
    password: string,
  ): Promise<DirectoryLogin> {
    const [entry] = await this.directory.search(
      this.layout.realms,
      escapeFilter`(&(objectClass=sstRealm)(uid=${realm.id}))`,
      { attributes: EXTERNAL_ATTRIBUTES },
    );
    const login = await checkExternalDirectory(
      {
        url: (entry && first(entry, 'sstLDAPServerURI')) ?? '',
        baseDN: (entry && first(entry, 'sstLDAPBaseDN')) ?? '',
        bindDN: (entry && first(entry, 'sstLDAPBindDN')) ?? '',
        bindPassword: (entry && first(entry, 'sstLDAPBindPassword')) ?? '',
        userAttribute: (entry && first(entry, 'sstLDAPUserAttribute')) || 'uid',
      },
      username,
      password,
      this.directory.settings.timeoutMs,
      realm.id,
    );
    if (login.kind === 'rejected') return login;
    return localUserOf(this, realm, username, login, (outcome) =>
      this.directory.failure(new Error(`creating the local user failed: ${outcome}`), 'add'),
    );
  }

  // User tokens: the directory holds none; they live in the token store.

  private tokenStore(): DirectoryTokenStore {
    if (!this.tokens) throw unsupported('users', 'user tokens');
    return this.tokens;
  }

  async getTokens(userIds: readonly string[]): Promise<UserTokenRecord[]> {
    return this.tokens ? this.tokens.get(userIds) : [];
  }

  async userByTokenHash(hash: string): Promise<{ user: UserRecord; token: UserTokenRecord } | null> {
    const token = this.tokens ? await this.tokens.byHash(hash) : null;
    if (!token) return null;
    const [user] = await this.getUsers([token.userId]);
    return user ? { user, token } : null;
  }

  async setToken(userId: string, token: TokenHashRecord): Promise<boolean> {
    const store = this.tokenStore();
    if ((await this.userEntries(escapeFilter`(uid=${userId})`)).length === 0) return false;
    await store.set(userId, token);
    return true;
  }

  async revokeToken(userId: string): Promise<boolean> {
    return this.tokenStore().revoke(userId);
  }

  async setTokenExpiry(userId: string, expiresAt: Date): Promise<boolean> {
    return this.tokenStore().setExpiry(userId, expiresAt);
  }

  // Components, services and API clients: not directory data.

  private delegate(operation: string): UsersSource {
    if (!this.others) throw unsupported('users', operation);
    return this.others;
  }

  listComponents(): Promise<ComponentRecord[]> {
    return this.delegate('components').listComponents();
  }

  getComponents(names: readonly string[]): Promise<ComponentRecord[]> {
    return this.delegate('components').getComponents(names);
  }

  componentByTokenHash(hash: string): Promise<ComponentRecord | null> {
    return this.delegate('components').componentByTokenHash(hash);
  }

  addComponent(
    component: ComponentFields,
    token: TokenHashRecord,
    services: readonly Omit<ServiceRecord, 'component'>[],
  ): Promise<'added' | 'exists' | 'service-exists'> {
    return this.delegate('components').addComponent(component, token, services);
  }

  updateComponent(
    name: string,
    patch: Partial<Omit<ComponentFields, 'name'>>,
    services: readonly Omit<ServiceRecord, 'component'>[] | null,
  ): Promise<'updated' | 'not-found' | 'service-exists'> {
    return this.delegate('components').updateComponent(name, patch, services);
  }

  setComponentToken(name: string, token: TokenHashRecord): Promise<boolean> {
    return this.delegate('components').setComponentToken(name, token);
  }

  revokeComponentToken(name: string): Promise<'revoked' | 'not-found' | 'no-token'> {
    return this.delegate('components').revokeComponentToken(name);
  }

  /**
   * Numeric group ids (Astakos roles) are numbered by the embedded store as users are put in
   * groups there; a group only the directory knows has no id, so it is left out of the roles.
   */
  groupIds(names: readonly string[]): Promise<GroupIdRecord[]> {
    return this.delegate('groups').groupIds(names);
  }

  removeComponent(name: string): Promise<boolean> {
    return this.delegate('components').removeComponent(name);
  }

  listServices(): Promise<ServiceRecord[]> {
    return this.delegate('services').listServices();
  }

  servicesOfComponents(names: readonly string[]): Promise<ServiceRecord[]> {
    return this.delegate('services').servicesOfComponents(names);
  }

  listApiClients(): Promise<ApiClientRecord[]> {
    return this.delegate('API clients').listApiClients();
  }

  addApiClient(appId: string, secret: string, at: Date): Promise<boolean> {
    return this.delegate('API clients').addApiClient(appId, secret, at);
  }

  resetApiClient(appId: string, secret: string, at: Date): Promise<boolean> {
    return this.delegate('API clients').resetApiClient(appId, secret, at);
  }

  deleteApiClient(appId: string): Promise<boolean> {
    return this.delegate('API clients').deleteApiClient(appId);
  }

  apiClientSecret(appId: string): Promise<string | null> {
    return this.delegate('API clients').apiClientSecret(appId);
  }

  // Settings of legacy APIs are kept in the embedded store, like API clients.

  listApiSettings(api: string): Promise<ApiSettingRecord[]> {
    return this.delegate('API settings').listApiSettings(api);
  }

  setApiSetting(api: string, name: string, value: string, at: Date): Promise<void> {
    return this.delegate('API settings').setApiSetting(api, name, value, at);
  }

  resetApiSettings(api: string, name: string | null): Promise<number> {
    return this.delegate('API settings').resetApiSettings(api, name);
  }

  // Feedback names users the embedded store does not know.

  async addFeedback(_feedback: Omit<FeedbackRecord, 'id'>): Promise<FeedbackRecord> {
    throw unsupported('users', 'feedback');
  }

  async listFeedback(): Promise<FeedbackRecord[]> {
    throw unsupported('users', 'feedback');
  }
}
