import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type {
  GroupIdRecord,
  ApiClientRecord,
  ApiSettingRecord,
  ComponentFields,
  ComponentRecord,
  FeedbackRecord,
  KeyValue,
  NewUserRecord,
  PasswordHashRecord,
  RealmRecord,
  ServiceRecord,
  TokenHashRecord,
  UserPatch,
  UserRecord,
  UsersSource,
  DirectoryLogin,
  UserTokenRecord,
} from '../../subgraphs/users/index.js';
import type { Db, Store } from './store.js';

interface UserRow {
  id: string;
  numeric_id: number;
  username: string;
  real_name: string;
  emails: string;
  active: number;
  terms_accepted: number;
  admin: number;
  realm_id: string | null;
  dynamic_vm_view: string;
  persistent_vm_view: string;
  created_at: number;
  groups: string;
}

interface ComponentRow {
  name: string;
  url: string;
  sort_order: number | null;
  verbose_name: string | null;
  cloudbar_show: number | null;
  cloudbar_title: string | null;
  dashboard_show: number | null;
  dashboard_order: number | null;
  dashboard_description: string | null;
  position: number;
  token_created_at: number | null;
  token_expires_at: number | null;
}

interface ServiceRow {
  name: string;
  component: string;
  type: string;
  endpoints: string;
}

const USER_COLUMNS = `u.*, COALESCE((SELECT json_group_array(group_name) FROM (SELECT group_name FROM user_groups g WHERE g.user_id = u.id ORDER BY g.position)), '[]') AS groups`;

function toUser(row: UserRow): UserRecord {
  return {
    id: row.id,
    numericId: row.numeric_id,
    username: row.username,
    realName: row.real_name,
    emails: JSON.parse(row.emails),
    groups: JSON.parse(row.groups),
    active: row.active === 1,
    termsAccepted: row.terms_accepted === 1,
    admin: row.admin === 1,
    realmId: row.realm_id,
    rights: {
      dynamicVmView: row.dynamic_vm_view as UserRecord['rights']['dynamicVmView'],
      persistentVmView: row.persistent_vm_view as UserRecord['rights']['persistentVmView'],
    },
    createdAt: new Date(row.created_at),
  };
}

const bool = (value: number | null) => (value === null ? null : value === 1);
const flag = (value: boolean | null | undefined) =>
  value === null || value === undefined ? null : value ? 1 : 0;
const time = (value: number | null) => (value === null ? null : new Date(value));

function toComponent(row: ComponentRow): ComponentRecord {
  return {
    name: row.name,
    url: row.url,
    order: row.sort_order,
    verboseName: row.verbose_name,
    cloudbarShow: bool(row.cloudbar_show),
    cloudbarTitle: row.cloudbar_title,
    dashboardShow: bool(row.dashboard_show),
    dashboardOrder: row.dashboard_order,
    dashboardDescription: row.dashboard_description,
    position: row.position,
    tokenCreatedAt: time(row.token_created_at),
    tokenExpiresAt: time(row.token_expires_at),
  };
}

function toService(row: ServiceRow): ServiceRecord {
  const endpoints = JSON.parse(row.endpoints) as [string, string][][];
  return {
    name: row.name,
    type: row.type,
    component: row.component,
    endpoints: endpoints.map((pairs) => pairs.map(([key, value]): KeyValue => ({ key, value }))),
  };
}

function toRealm(row: { id: string; name: string; kind: string; is_default: number }): RealmRecord {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind as RealmRecord['kind'],
    isDefault: row.is_default === 1,
  };
}

const json = (keys: readonly string[]) => JSON.stringify(keys);

// Helpers shared with the importer; each runs inside the caller's transaction.

/** Inserts a realm at the end of the list; a default realm takes the flag from the others. */
export function insertRealm(db: Db, realm: RealmRecord): void {
  if (realm.isDefault) db.prepare('UPDATE realms SET is_default = 0').run();
  db.prepare(
    'INSERT INTO realms (id, name, kind, is_default, position) VALUES (?, ?, ?, ?, (SELECT COALESCE(MAX(position), 0) + 1 FROM realms))',
  ).run(realm.id, realm.name, realm.kind, realm.isDefault ? 1 : 0);
}

/** Inserts a user (the caller has checked uniqueness and the realm). */
export function insertUser(db: Db, user: NewUserRecord): void {
  const numericId =
    user.numericId ??
    (db.prepare('SELECT COALESCE(MAX(numeric_id), 0) + 1 AS next FROM users').get() as { next: number }).next;
  db.prepare(
    `INSERT INTO users (id, numeric_id, username, real_name, emails, active, terms_accepted, admin, realm_id,
       dynamic_vm_view, persistent_vm_view, password_hash, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    user.id,
    numericId,
    user.username,
    user.realName,
    JSON.stringify(user.emails),
    user.active ? 1 : 0,
    user.termsAccepted ? 1 : 0,
    user.admin ? 1 : 0,
    user.realmId,
    user.rights.dynamicVmView,
    user.rights.persistentVmView,
    user.passwordHash,
    user.createdAt.getTime(),
  );
  writeGroups(db, user.id, user.groups);
}

function writeGroups(db: Db, userId: string, groups: readonly string[]): void {
  db.prepare('DELETE FROM user_groups WHERE user_id = ?').run(userId);
  const insert = db.prepare('INSERT INTO user_groups (user_id, group_name, position) VALUES (?, ?, ?)');
  groups.forEach((group, position) => insert.run(userId, group, position));
}

/** Stores a user's token, replacing the current one. */
export function writeToken(db: Db, userId: string, token: TokenHashRecord): void {
  db.prepare(
    `INSERT INTO user_tokens (user_id, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?)
     ON CONFLICT(user_id) DO UPDATE SET token_hash = excluded.token_hash, created_at = excluded.created_at, expires_at = excluded.expires_at`,
  ).run(userId, token.hash, token.createdAt.getTime(), token.expiresAt.getTime());
}

/** Inserts a component, its token and its services (the caller has checked names). */
export function insertComponent(
  db: Db,
  component: ComponentFields,
  token: TokenHashRecord | null,
  services: readonly Omit<ServiceRecord, 'component'>[],
): void {
  db.prepare(
    `INSERT INTO components (name, url, sort_order, verbose_name, cloudbar_show, cloudbar_title, dashboard_show,
       dashboard_order, dashboard_description, position, token_hash, token_created_at, token_expires_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, (SELECT COALESCE(MAX(position), 0) + 1 FROM components), ?, ?, ?)`,
  ).run(
    component.name,
    component.url,
    component.order,
    component.verboseName,
    flag(component.cloudbarShow),
    component.cloudbarTitle,
    flag(component.dashboardShow),
    component.dashboardOrder,
    component.dashboardDescription,
    token?.hash ?? null,
    token?.createdAt.getTime() ?? null,
    token?.expiresAt.getTime() ?? null,
  );
  insertServices(db, component.name, services);
}

function insertServices(
  db: Db,
  component: string,
  services: readonly Omit<ServiceRecord, 'component'>[],
): void {
  const insert = db.prepare(
    'INSERT INTO component_services (name, component, type, position, endpoints) VALUES (?, ?, ?, (SELECT COALESCE(MAX(position), 0) + 1 FROM component_services), ?)',
  );
  for (const service of services) {
    const endpoints = service.endpoints.map((pairs) => pairs.map((pair) => [pair.key, pair.value]));
    insert.run(service.name, component, service.type, JSON.stringify(endpoints));
  }
}

/** Whether one of these service names belongs to a component other than `component`. */
export function serviceNameTaken(db: Db, names: readonly string[], component: string): boolean {
  if (names.length === 0) return false;
  return (
    db
      .prepare(
        'SELECT 1 FROM component_services WHERE name IN (SELECT value FROM json_each(?)) AND component <> ? LIMIT 1',
      )
      .get(json(names), component) !== undefined
  );
}

/**
 * AES-256-GCM for API client secrets at rest: `v1:<iv>:<tag>:<ciphertext>` (base64), the app id
 * as additional data so a ciphertext cannot be moved to another client.
 */
export class SecretBox {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('The secrets key must be 32 bytes');
  }

  /** The key kept in the store's `meta` table under `secrets.key`, created on first use. */
  static fromStore(store: Store): SecretBox {
    const existing = store.getMeta('secrets.key');
    if (existing) return new SecretBox(Buffer.from(existing, 'base64'));
    return store.transaction(() => {
      const again = store.getMeta('secrets.key');
      if (again) return new SecretBox(Buffer.from(again, 'base64'));
      const key = randomBytes(32);
      store.setMeta('secrets.key', key.toString('base64'));
      return new SecretBox(key);
    });
  }

  seal(plain: string, context: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [
      'v1',
      iv.toString('base64'),
      cipher.getAuthTag().toString('base64'),
      body.toString('base64'),
    ].join(':');
  }

  open(sealed: string, context: string): string {
    const [version, iv, tag, body] = sealed.split(':');
    if (version !== 'v1' || !iv || !tag || body === undefined) throw new Error('Unknown secret format');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64'));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8');
  }
}

export interface EmbeddedUsersOptions {
  /** 32-byte key for API client secrets; default: the store's `secrets.key`, created on first use. */
  secretsKey?: Buffer;
}

/** Users, realms, tokens, components, API clients and feedback kept in the embedded store. */
export class EmbeddedUsers implements UsersSource {
  private box: SecretBox | null;

  constructor(
    private readonly store: Store,
    options: EmbeddedUsersOptions = {},
  ) {
    this.box = options.secretsKey ? new SecretBox(options.secretsKey) : null;
  }

  private get db(): Db {
    return this.store.db;
  }

  private secrets(): SecretBox {
    return (this.box ??= SecretBox.fromStore(this.store));
  }

  // Realms

  async listRealms(): Promise<RealmRecord[]> {
    return (
      this.db.prepare('SELECT * FROM realms ORDER BY position').all() as Parameters<typeof toRealm>[0][]
    ).map(toRealm);
  }

  async getRealms(ids: readonly string[]): Promise<RealmRecord[]> {
    if (ids.length === 0) return [];
    const rows = this.db
      .prepare('SELECT * FROM realms WHERE id IN (SELECT value FROM json_each(?))')
      .all(json(ids));
    return (rows as Parameters<typeof toRealm>[0][]).map(toRealm);
  }

  async addRealm(realm: RealmRecord): Promise<boolean> {
    return this.store.transaction(() => {
      if (this.db.prepare('SELECT 1 FROM realms WHERE id = ?').get(realm.id)) return false;
      insertRealm(this.db, realm);
      return true;
    });
  }

  async updateRealm(id: string, patch: Partial<Pick<RealmRecord, 'name' | 'isDefault'>>): Promise<boolean> {
    return this.store.transaction(() => {
      if (!this.db.prepare('SELECT 1 FROM realms WHERE id = ?').get(id)) return false;
      if (patch.name !== undefined)
        this.db.prepare('UPDATE realms SET name = ? WHERE id = ?').run(patch.name, id);
      if (patch.isDefault) {
        this.db.prepare('UPDATE realms SET is_default = 0').run();
        this.db.prepare('UPDATE realms SET is_default = 1 WHERE id = ?').run(id);
      }
      return true;
    });
  }

  async removeRealm(id: string): Promise<'removed' | 'not-found' | 'in-use'> {
    return this.store.transaction(() => {
      if (!this.db.prepare('SELECT 1 FROM realms WHERE id = ?').get(id)) return 'not-found';
      if (this.db.prepare('SELECT 1 FROM users WHERE realm_id = ? LIMIT 1').get(id)) return 'in-use';
      this.db.prepare('DELETE FROM realms WHERE id = ?').run(id);
      return 'removed';
    });
  }

  // Users

  async listUsers(): Promise<UserRecord[]> {
    return (
      this.db.prepare(`SELECT ${USER_COLUMNS} FROM users u ORDER BY u.numeric_id`).all() as UserRow[]
    ).map(toUser);
  }

  async countUsers(): Promise<number> {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM users').get() as { n: number }).n;
  }

  async getUsers(ids: readonly string[]): Promise<UserRecord[]> {
    if (ids.length === 0) return [];
    const rows = this.db
      .prepare(`SELECT ${USER_COLUMNS} FROM users u WHERE u.id IN (SELECT value FROM json_each(?))`)
      .all(json(ids)) as UserRow[];
    return rows.map(toUser);
  }

  async getUsersByUsername(usernames: readonly string[]): Promise<UserRecord[]> {
    if (usernames.length === 0) return [];
    const lower = usernames.map((name) => name.toLowerCase());
    const rows = this.db
      .prepare(
        `SELECT ${USER_COLUMNS} FROM users u WHERE lower(u.username) IN (SELECT value FROM json_each(?))`,
      )
      .all(json(lower)) as UserRow[];
    return rows.map(toUser);
  }

  async getUsersByLocalPart(localPart: string): Promise<UserRecord[]> {
    const prefix = `${localPart.toLowerCase()}@`;
    const rows = this.db
      .prepare(
        `SELECT ${USER_COLUMNS} FROM users u WHERE substr(lower(u.username), 1, ?) = ? ORDER BY u.numeric_id`,
      )
      .all(prefix.length, prefix) as UserRow[];
    return rows.map(toUser);
  }

  async addUser(
    user: NewUserRecord,
  ): Promise<'added' | 'id-exists' | 'username-exists' | 'numeric-id-exists' | 'realm-not-found'> {
    return this.store.transaction(() => {
      if (this.db.prepare('SELECT 1 FROM users WHERE id = ?').get(user.id)) return 'id-exists';
      if (this.db.prepare('SELECT 1 FROM users WHERE lower(username) = lower(?)').get(user.username))
        return 'username-exists';
      if (
        user.numericId !== null &&
        this.db.prepare('SELECT 1 FROM users WHERE numeric_id = ?').get(user.numericId)
      ) {
        return 'numeric-id-exists';
      }
      if (user.realmId !== null && !this.db.prepare('SELECT 1 FROM realms WHERE id = ?').get(user.realmId))
        return 'realm-not-found';
      insertUser(this.db, user);
      return 'added';
    });
  }

  async updateUser(id: string, patch: UserPatch): Promise<'updated' | 'not-found' | 'realm-not-found'> {
    return this.store.transaction(() => {
      if (!this.db.prepare('SELECT 1 FROM users WHERE id = ?').get(id)) return 'not-found';
      if (patch.realmId != null && !this.db.prepare('SELECT 1 FROM realms WHERE id = ?').get(patch.realmId))
        return 'realm-not-found';
      const sets: string[] = [];
      const values: unknown[] = [];
      const set = (column: string, value: unknown) => (sets.push(`${column} = ?`), values.push(value));
      if (patch.realName !== undefined) set('real_name', patch.realName);
      if (patch.emails !== undefined) set('emails', JSON.stringify(patch.emails));
      if (patch.active !== undefined) set('active', patch.active ? 1 : 0);
      if (patch.termsAccepted !== undefined) set('terms_accepted', patch.termsAccepted ? 1 : 0);
      if (patch.admin !== undefined) set('admin', patch.admin ? 1 : 0);
      if (patch.realmId !== undefined) set('realm_id', patch.realmId);
      if (patch.rights !== undefined) {
        set('dynamic_vm_view', patch.rights.dynamicVmView);
        set('persistent_vm_view', patch.rights.persistentVmView);
      }
      if (sets.length > 0)
        this.db.prepare(`UPDATE users SET ${sets.join(', ')} WHERE id = ?`).run(...values, id);
      return 'updated';
    });
  }

  async setGroups(id: string, groups: readonly string[]): Promise<boolean> {
    return this.store.transaction(() => {
      if (!this.db.prepare('SELECT 1 FROM users WHERE id = ?').get(id)) return false;
      writeGroups(this.db, id, groups);
      return true;
    });
  }

  async setPasswordHash(id: string, hash: string | null): Promise<boolean> {
    return this.db.prepare('UPDATE users SET password_hash = ? WHERE id = ?').run(hash, id).changes > 0;
  }

  /** The embedded store keeps scrypt hashes, whatever the realm's kind. */
  async checkDirectoryPassword(): Promise<DirectoryLogin> {
    return { kind: 'hash' };
  }

  async passwordHashes(ids: readonly string[]): Promise<PasswordHashRecord[]> {
    if (ids.length === 0) return [];
    const rows = this.db
      .prepare(
        'SELECT id, password_hash FROM users WHERE id IN (SELECT value FROM json_each(?)) AND password_hash IS NOT NULL',
      )
      .all(json(ids)) as { id: string; password_hash: string }[];
    return rows.map((row) => ({ userId: row.id, hash: row.password_hash }));
  }

  async groupIds(names: readonly string[]): Promise<GroupIdRecord[]> {
    if (names.length === 0) return [];
    return this.db
      .prepare('SELECT name, id FROM group_ids WHERE name IN (SELECT value FROM json_each(?))')
      .all(json(names)) as GroupIdRecord[];
  }

  // Tokens

  async getTokens(userIds: readonly string[]): Promise<UserTokenRecord[]> {
    if (userIds.length === 0) return [];
    const rows = this.db
      .prepare(
        'SELECT user_id, created_at, expires_at FROM user_tokens WHERE user_id IN (SELECT value FROM json_each(?))',
      )
      .all(json(userIds)) as { user_id: string; created_at: number; expires_at: number }[];
    return rows.map((row) => ({
      userId: row.user_id,
      createdAt: new Date(row.created_at),
      expiresAt: new Date(row.expires_at),
    }));
  }

  async userByTokenHash(hash: string): Promise<{ user: UserRecord; token: UserTokenRecord } | null> {
    const row = this.db
      .prepare(
        `SELECT ${USER_COLUMNS}, t.created_at AS token_created_at, t.expires_at AS token_expires_at
         FROM user_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ?`,
      )
      .get(hash) as (UserRow & { token_created_at: number; token_expires_at: number }) | undefined;
    if (!row) return null;
    return {
      user: toUser(row),
      token: {
        userId: row.id,
        createdAt: new Date(row.token_created_at),
        expiresAt: new Date(row.token_expires_at),
      },
    };
  }

  async setToken(userId: string, token: TokenHashRecord): Promise<boolean> {
    return this.store.transaction(() => {
      if (!this.db.prepare('SELECT 1 FROM users WHERE id = ?').get(userId)) return false;
      writeToken(this.db, userId, token);
      return true;
    });
  }

  async revokeToken(userId: string): Promise<boolean> {
    return this.db.prepare('DELETE FROM user_tokens WHERE user_id = ?').run(userId).changes > 0;
  }

  async setTokenExpiry(userId: string, expiresAt: Date): Promise<boolean> {
    return (
      this.db
        .prepare('UPDATE user_tokens SET expires_at = ? WHERE user_id = ?')
        .run(expiresAt.getTime(), userId).changes > 0
    );
  }

  // Components

  async listComponents(): Promise<ComponentRecord[]> {
    return (this.db.prepare('SELECT * FROM components ORDER BY position').all() as ComponentRow[]).map(
      toComponent,
    );
  }

  async getComponents(names: readonly string[]): Promise<ComponentRecord[]> {
    if (names.length === 0) return [];
    const rows = this.db
      .prepare('SELECT * FROM components WHERE name IN (SELECT value FROM json_each(?))')
      .all(json(names));
    return (rows as ComponentRow[]).map(toComponent);
  }

  async componentByTokenHash(hash: string): Promise<ComponentRecord | null> {
    const row = this.db.prepare('SELECT * FROM components WHERE token_hash = ?').get(hash) as
      ComponentRow | undefined;
    return row ? toComponent(row) : null;
  }

  async addComponent(
    component: ComponentFields,
    token: TokenHashRecord,
    services: readonly Omit<ServiceRecord, 'component'>[],
  ): Promise<'added' | 'exists' | 'service-exists'> {
    return this.store.transaction(() => {
      if (this.db.prepare('SELECT 1 FROM components WHERE name = ?').get(component.name)) return 'exists';
      if (
        serviceNameTaken(
          this.db,
          services.map((service) => service.name),
          component.name,
        )
      )
        return 'service-exists';
      insertComponent(this.db, component, token, services);
      return 'added';
    });
  }

  async updateComponent(
    name: string,
    patch: Partial<Omit<ComponentFields, 'name'>>,
    services: readonly Omit<ServiceRecord, 'component'>[] | null,
  ): Promise<'updated' | 'not-found' | 'service-exists'> {
    return this.store.transaction(() => {
      if (!this.db.prepare('SELECT 1 FROM components WHERE name = ?').get(name)) return 'not-found';
      if (
        services &&
        serviceNameTaken(
          this.db,
          services.map((service) => service.name),
          name,
        )
      )
        return 'service-exists';
      const columns: Record<string, unknown> = {};
      if (patch.url !== undefined) columns.url = patch.url;
      if (patch.order !== undefined) columns.sort_order = patch.order;
      if (patch.verboseName !== undefined) columns.verbose_name = patch.verboseName;
      if (patch.cloudbarShow !== undefined) columns.cloudbar_show = flag(patch.cloudbarShow);
      if (patch.cloudbarTitle !== undefined) columns.cloudbar_title = patch.cloudbarTitle;
      if (patch.dashboardShow !== undefined) columns.dashboard_show = flag(patch.dashboardShow);
      if (patch.dashboardOrder !== undefined) columns.dashboard_order = patch.dashboardOrder;
      if (patch.dashboardDescription !== undefined)
        columns.dashboard_description = patch.dashboardDescription;
      const names = Object.keys(columns);
      if (names.length > 0) {
        this.db
          .prepare(
            `UPDATE components SET ${names.map((column) => `${column} = ?`).join(', ')} WHERE name = ?`,
          )
          .run(...Object.values(columns), name);
      }
      if (services) {
        this.db.prepare('DELETE FROM component_services WHERE component = ?').run(name);
        insertServices(this.db, name, services);
      }
      return 'updated';
    });
  }

  async setComponentToken(name: string, token: TokenHashRecord): Promise<boolean> {
    return (
      this.db
        .prepare(
          'UPDATE components SET token_hash = ?, token_created_at = ?, token_expires_at = ? WHERE name = ?',
        )
        .run(token.hash, token.createdAt.getTime(), token.expiresAt.getTime(), name).changes > 0
    );
  }

  async revokeComponentToken(name: string): Promise<'revoked' | 'not-found' | 'no-token'> {
    return this.store.transaction(() => {
      const row = this.db.prepare('SELECT token_hash FROM components WHERE name = ?').get(name) as
        { token_hash: string | null } | undefined;
      if (!row) return 'not-found';
      if (row.token_hash === null) return 'no-token';
      this.db
        .prepare(
          'UPDATE components SET token_hash = NULL, token_created_at = NULL, token_expires_at = NULL WHERE name = ?',
        )
        .run(name);
      return 'revoked';
    });
  }

  async removeComponent(name: string): Promise<boolean> {
    return this.db.prepare('DELETE FROM components WHERE name = ?').run(name).changes > 0;
  }

  async listServices(): Promise<ServiceRecord[]> {
    return (this.db.prepare('SELECT * FROM component_services ORDER BY position').all() as ServiceRow[]).map(
      toService,
    );
  }

  async servicesOfComponents(names: readonly string[]): Promise<ServiceRecord[]> {
    if (names.length === 0) return [];
    const rows = this.db
      .prepare(
        'SELECT * FROM component_services WHERE component IN (SELECT value FROM json_each(?)) ORDER BY position',
      )
      .all(json(names)) as ServiceRow[];
    return rows.map(toService);
  }

  // API clients

  async listApiClients(): Promise<ApiClientRecord[]> {
    const rows = this.db
      .prepare('SELECT app_id, created_at, updated_at FROM api_clients ORDER BY app_id')
      .all() as {
      app_id: string;
      created_at: number;
      updated_at: number;
    }[];
    return rows.map((row) => ({
      appId: row.app_id,
      createdAt: new Date(row.created_at),
      updatedAt: new Date(row.updated_at),
    }));
  }

  async addApiClient(appId: string, secret: string, at: Date): Promise<boolean> {
    const sealed = this.secrets().seal(secret, appId);
    return (
      this.db
        .prepare(
          'INSERT OR IGNORE INTO api_clients (app_id, secret, created_at, updated_at) VALUES (?, ?, ?, ?)',
        )
        .run(appId, sealed, at.getTime(), at.getTime()).changes > 0
    );
  }

  async resetApiClient(appId: string, secret: string, at: Date): Promise<boolean> {
    const sealed = this.secrets().seal(secret, appId);
    return (
      this.db
        .prepare('UPDATE api_clients SET secret = ?, updated_at = ? WHERE app_id = ?')
        .run(sealed, at.getTime(), appId).changes > 0
    );
  }

  async deleteApiClient(appId: string): Promise<boolean> {
    return this.db.prepare('DELETE FROM api_clients WHERE app_id = ?').run(appId).changes > 0;
  }

  async apiClientSecret(appId: string): Promise<string | null> {
    const row = this.db.prepare('SELECT secret FROM api_clients WHERE app_id = ?').get(appId) as
      { secret: string } | undefined;
    return row ? this.secrets().open(row.secret, appId) : null;
  }

  // External directories of realms (FOSS-Cloud realms backed by LDAP or Active Directory)

  /** The external directory of a realm, with its service password unsealed; null when none. */
  async realmDirectory(realmId: string): Promise<{
    url: string;
    baseDN: string;
    bindDN: string;
    bindPassword: string;
    userAttribute: string;
  } | null> {
    const row = this.db.prepare('SELECT * FROM realm_directories WHERE realm_id = ?').get(realmId) as
      | { url: string; base_dn: string; bind_dn: string; bind_password: string; user_attribute: string }
      | undefined;
    if (!row) return null;
    return {
      url: row.url,
      baseDN: row.base_dn,
      bindDN: row.bind_dn,
      bindPassword: this.secrets().open(row.bind_password, `realm:${realmId}`),
      userAttribute: row.user_attribute,
    };
  }

  // Settings of legacy APIs

  async listApiSettings(api: string): Promise<ApiSettingRecord[]> {
    const rows = this.db
      .prepare('SELECT api, name, value, updated_at FROM api_settings WHERE api = ? ORDER BY name')
      .all(api) as { api: string; name: string; value: string; updated_at: number }[];
    return rows.map((row) => ({
      api: row.api,
      name: row.name,
      value: row.value,
      updatedAt: new Date(row.updated_at),
    }));
  }

  async setApiSetting(api: string, name: string, value: string, at: Date): Promise<void> {
    this.db
      .prepare(
        'INSERT INTO api_settings (api, name, value, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (api, name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
      )
      .run(api, name, value, at.getTime());
  }

  async resetApiSettings(api: string, name: string | null): Promise<number> {
    const result =
      name === null
        ? this.db.prepare('DELETE FROM api_settings WHERE api = ?').run(api)
        : this.db.prepare('DELETE FROM api_settings WHERE api = ? AND name = ?').run(api, name);
    return result.changes;
  }

  // Feedback

  async addFeedback(feedback: Omit<FeedbackRecord, 'id'>): Promise<FeedbackRecord> {
    const result = this.db
      .prepare('INSERT INTO feedback (user_id, message, data, created_at) VALUES (?, ?, ?, ?)')
      .run(feedback.userId, feedback.message, feedback.data, feedback.createdAt.getTime());
    return { id: Number(result.lastInsertRowid), ...feedback };
  }

  async listFeedback(): Promise<FeedbackRecord[]> {
    const rows = this.db.prepare('SELECT * FROM feedback ORDER BY id DESC').all() as {
      id: number;
      user_id: string;
      message: string;
      data: string | null;
      created_at: number;
    }[];
    return rows.map((row) => ({
      id: row.id,
      userId: row.user_id,
      message: row.message,
      data: row.data,
      createdAt: new Date(row.created_at),
    }));
  }
}
