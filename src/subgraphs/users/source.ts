/**
 * What the users subgraph needs from a backend: users, realms, tokens (stored as hashes only),
 * components with their services, API clients (secrets encrypted at rest by the driver) and
 * feedback. Drivers only store and fetch; every rule (validation, order of checks, defaults,
 * hashing, expiry) lives in the subgraph. Methods that take keys take many at once (batching).
 * Mutating methods are atomic and report a conflict through their result instead of throwing,
 * so the subgraph chooses the error.
 */

export type RealmKind = 'internal' | 'ldap';

/** An authentication realm (FOSS-Cloud: a realm uid such as `4000013`). */
export interface RealmRecord {
  id: string;
  name: string;
  kind: RealmKind;
  /** The realm used when a login names none; at most one realm has it. */
  isDefault: boolean;
}

/** FOSS-Cloud view rights: every VM, the user's own, or none. */
export type ViewRight = 'all' | 'owner' | 'none';

export interface UserRightsRecord {
  /** FOSS-Cloud `dynamicVM.view`. */
  dynamicVmView: ViewRight;
  /** FOSS-Cloud `persistentVM.view`. */
  persistentVmView: ViewRight;
}

export interface UserRecord {
  /** The user's UUID. */
  id: string;
  /** Astakos' numeric user id. */
  numericId: number;
  /** The display name: the lower-case e-mail address. */
  username: string;
  realName: string;
  emails: string[];
  /** Group names, in the order they were given. */
  groups: string[];
  active: boolean;
  /** False while the user has not accepted the current terms (Astakos "pending approval terms"). */
  termsAccepted: boolean;
  admin: boolean;
  realmId: string | null;
  rights: UserRightsRecord;
  createdAt: Date;
}

/** A new user as the subgraph hands it to the driver (all rules already applied). */
export interface NewUserRecord extends Omit<UserRecord, 'numericId' | 'createdAt'> {
  /** Given, or null for the next free number. */
  numericId: number | null;
  createdAt: Date;
  /** An encoded scrypt hash (see the subgraph's `hashPassword`), or null for no password. */
  passwordHash: string | null;
}

export type UserPatch = Partial<
  Pick<UserRecord, 'realName' | 'emails' | 'active' | 'termsAccepted' | 'admin' | 'realmId' | 'rights'>
>;

/** The current token of a user; the token itself is known only by its SHA-256 hash. */
export interface UserTokenRecord {
  userId: string;
  createdAt: Date;
  expiresAt: Date;
}

export interface KeyValue {
  key: string;
  value: string;
}

/** A service of a component, for the service catalog. */
export interface ServiceRecord {
  name: string;
  type: string;
  /** The component that registered it. */
  component: string;
  /** Each endpoint: its key/value pairs in registration order (`versionId`, `publicURL`, …). */
  endpoints: KeyValue[][];
}

/**
 * A registered component (Astakos: astakos, cyclades, pithos, …). Presentation fields are null
 * where the operator gave no value; the subgraph applies the defaults.
 */
export interface ComponentRecord {
  name: string;
  /** The component's UI URL. */
  url: string;
  order: number | null;
  verboseName: string | null;
  cloudbarShow: boolean | null;
  cloudbarTitle: string | null;
  dashboardShow: boolean | null;
  dashboardOrder: number | null;
  dashboardDescription: string | null;
  /** Registration order (ties of `order` keep it). */
  position: number;
  tokenCreatedAt: Date | null;
  tokenExpiresAt: Date | null;
}

export type ComponentFields = Omit<ComponentRecord, 'position' | 'tokenCreatedAt' | 'tokenExpiresAt'>;

export interface TokenHashRecord {
  hash: string;
  createdAt: Date;
  expiresAt: Date;
}

export interface ApiSettingRecord {
  api: string;
  name: string;
  /** JSON text. */
  value: string;
  updatedAt: Date;
}

export interface ApiClientRecord {
  appId: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface FeedbackRecord {
  id: number;
  userId: string;
  message: string;
  data: string | null;
  createdAt: Date;
}

/** A group name with its numeric id (Astakos shows groups as Keystone roles with an id). */
export interface GroupIdRecord {
  name: string;
  id: number;
}

export interface PasswordHashRecord {
  userId: string;
  hash: string;
}

/**
 * A password check by the directory itself: `hash` when the source keeps password hashes (the
 * subgraph verifies them), else the directory's verdict. An accepted external-directory login
 * comes with the local user record (created on first login).
 */
export type DirectoryLogin = { kind: 'hash' } | { kind: 'accepted'; user: UserRecord } | { kind: 'rejected' };

export interface UsersSource {
  // Realms
  /** Every realm, in registration order. */
  listRealms(): Promise<RealmRecord[]>;
  /** The realms with these ids, any order; unknown ids left out. */
  getRealms(ids: readonly string[]): Promise<RealmRecord[]>;
  /** Adds a realm (a default one clears the flag elsewhere); false when the id exists. */
  addRealm(realm: RealmRecord): Promise<boolean>;
  /** Changes a realm (a new default clears the flag elsewhere); false when it does not exist. */
  updateRealm(id: string, patch: Partial<Pick<RealmRecord, 'name' | 'isDefault'>>): Promise<boolean>;
  /** Removes a realm that no user belongs to. */
  removeRealm(id: string): Promise<'removed' | 'not-found' | 'in-use'>;

  // Users
  /** Every user, ordered by numeric id. */
  listUsers(): Promise<UserRecord[]>;
  countUsers(): Promise<number>;
  getUsers(ids: readonly string[]): Promise<UserRecord[]>;
  /** Users whose username equals one of these (compared in lower case). */
  getUsersByUsername(usernames: readonly string[]): Promise<UserRecord[]>;
  /** Users whose username is `<localPart>@…` (compared in lower case), for logins by short name. */
  getUsersByLocalPart(localPart: string): Promise<UserRecord[]>;
  /** Adds a user; the realm must exist. */
  addUser(
    user: NewUserRecord,
  ): Promise<'added' | 'id-exists' | 'username-exists' | 'numeric-id-exists' | 'realm-not-found'>;
  /** Changes a user; `realm-not-found` when the patch names an unknown realm. */
  updateUser(id: string, patch: UserPatch): Promise<'updated' | 'not-found' | 'realm-not-found'>;
  /** Replaces a user's groups; false when the user does not exist. */
  setGroups(id: string, groups: readonly string[]): Promise<boolean>;
  /** Stores an encoded password hash (null removes the password); false for an unknown user. */
  setPasswordHash(id: string, hash: string | null): Promise<boolean>;
  /** The password hashes of these users (users without a password are left out). */
  passwordHashes(ids: readonly string[]): Promise<PasswordHashRecord[]>;
  /** The numeric ids of these groups (stable per name; groups no user was ever in are left out). */
  groupIds(names: readonly string[]): Promise<GroupIdRecord[]>;
  /**
   * Checks a login where a directory decides (an LDAP bind in the internal directory or in the
   * realm's external one). Never called with a blank username or password.
   */
  checkDirectoryPassword(realm: RealmRecord, username: string, password: string): Promise<DirectoryLogin>;

  // User tokens (one current token per user)
  /** The current tokens of these users. */
  getTokens(userIds: readonly string[]): Promise<UserTokenRecord[]>;
  /** The user holding the token with this SHA-256 hash, and that token. */
  userByTokenHash(hash: string): Promise<{ user: UserRecord; token: UserTokenRecord } | null>;
  /** Replaces the user's token; false for an unknown user. */
  setToken(userId: string, token: TokenHashRecord): Promise<boolean>;
  /** Removes the user's token; false when there was none. */
  revokeToken(userId: string): Promise<boolean>;
  /** Sets the expiry of the user's token; false when there is none. */
  setTokenExpiry(userId: string, expiresAt: Date): Promise<boolean>;

  // Components and the service catalog
  /** Every component, in registration order. */
  listComponents(): Promise<ComponentRecord[]>;
  getComponents(names: readonly string[]): Promise<ComponentRecord[]>;
  componentByTokenHash(hash: string): Promise<ComponentRecord | null>;
  /** Registers a component with its token and services. */
  addComponent(
    component: ComponentFields,
    token: TokenHashRecord,
    services: readonly Omit<ServiceRecord, 'component'>[],
  ): Promise<'added' | 'exists' | 'service-exists'>;
  /** Changes a component; `services`, when given, replaces its services. */
  updateComponent(
    name: string,
    patch: Partial<Omit<ComponentFields, 'name'>>,
    services: readonly Omit<ServiceRecord, 'component'>[] | null,
  ): Promise<'updated' | 'not-found' | 'service-exists'>;
  /** Replaces a component's token; false for an unknown component. */
  setComponentToken(name: string, token: TokenHashRecord): Promise<boolean>;
  /** Removes a component's token (its calls then fail); `no-token` when it had none. */
  revokeComponentToken(name: string): Promise<'revoked' | 'not-found' | 'no-token'>;
  /** Removes a component and its services; false when unknown. */
  removeComponent(name: string): Promise<boolean>;
  /** Every service, in registration order. */
  listServices(): Promise<ServiceRecord[]>;
  /** The services of these components, in registration order. */
  servicesOfComponents(names: readonly string[]): Promise<ServiceRecord[]>;

  // API clients (Gluster REST applications)
  listApiClients(): Promise<ApiClientRecord[]>;
  /** Stores a client; the driver encrypts the secret at rest. False when the app id exists. */
  addApiClient(appId: string, secret: string, at: Date): Promise<boolean>;
  /** Replaces a client's secret; false when the app id is unknown. */
  resetApiClient(appId: string, secret: string, at: Date): Promise<boolean>;
  deleteApiClient(appId: string): Promise<boolean>;
  /** The clear secret, for request verification only; never exposed through GraphQL. */
  apiClientSecret(appId: string): Promise<string | null>;

  // Settings of legacy APIs (shared by every gateway replica)
  /** The stored settings of one API, ordered by name. */
  listApiSettings(api: string): Promise<ApiSettingRecord[]>;
  /** Stores (or replaces) one setting. */
  setApiSetting(api: string, name: string, value: string, at: Date): Promise<void>;
  /** Removes one setting (`name`), or every setting of the API (`null`); returns how many. */
  resetApiSettings(api: string, name: string | null): Promise<number>;

  // Feedback
  addFeedback(feedback: Omit<FeedbackRecord, 'id'>): Promise<FeedbackRecord>;
  /** All feedback, newest first. */
  listFeedback(): Promise<FeedbackRecord[]>;
}

/**
 * Delivers a feedback record (the original e-mailed it to the operators). Throwing means "could
 * not be delivered": the record stays stored and the mutation fails with BACKEND_FAILED, reason
 * FEEDBACK_NOT_DELIVERED. The default does nothing.
 */
export interface FeedbackNotifier {
  notify(feedback: FeedbackRecord, user: UserRecord): Promise<void>;
}
