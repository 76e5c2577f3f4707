import { randomUUID } from 'node:crypto';
import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { badInput, conflict, notFound } from '../../errors/index.js';
import { isPrivileged } from '../../identity/index.js';
import {
  compilePattern,
  connectionType,
  paginate,
  requireAuthenticated,
  requireOwnerOrPrivileged,
  requirePrivileged,
  type RequestContext,
} from '../kit/index.js';
import { requireDirectoryReader, seesEveryone, seesPrivate } from './access.js';
import { authenticatePassword, checkUserToken, issueUserToken, passwordFailureError } from './auth.js';
import { usersLoaders } from './loaders.js';
import { hashPassword } from '../../identity/index.js';
import {
  checkEmail,
  checkLifetime,
  checkNewPassword,
  checkRealmId,
  checkText,
  checkUserId,
  checkUsername,
  DEFAULT_USER_TOKEN_SECONDS,
  normalizeGroups,
  nowWholeSeconds,
} from './rules.js';
import type { UserPatch, UserRecord, UserRightsRecord, UsersSource } from './source.js';
import { UserAddInput, UserFilter, UserRightsInput, UserUpdateInput } from './users.inputs.js';
import {
  Realm,
  User,
  UserRole,
  UserToken,
  UserTokenIssue,
  UserTokenStatus,
  UserTokenValidation,
} from './user.type.js';
import { UserCatalogEntry, UserCatalogs } from './misc.type.js';

export const UserConnection = connectionType('User', User);

function userNotFound(id: string) {
  return notFound(`No user with id '${id}'`, { reason: 'USER_NOT_FOUND', user: id });
}

function realmNotFound(id: string) {
  return notFound(`No realm with id '${id}'`, { reason: 'REALM_NOT_FOUND', realm: id });
}

function rightsOf(input: UserRightsInput | null | undefined, base: UserRightsRecord): UserRightsRecord {
  return {
    dynamicVmView: input?.dynamicVmView ?? base.dynamicVmView,
    persistentVmView: input?.persistentVmView ?? base.persistentVmView,
  };
}

/** Keeps the last spelling of names equal ignoring case, in the order of the kept spellings. */
function lastSpellings(names: readonly string[]): string[] {
  const kept = new Map<string, { name: string; index: number }>();
  names.forEach((name, index) => kept.set(name.toLowerCase(), { name, index }));
  return [...kept.values()].sort((a, b) => a.index - b.index).map((entry) => entry.name);
}

const MAX_CATALOG_KEYS = 10_000;

@Resolver(() => User)
export class UserResolver {
  constructor(private readonly source: UsersSource) {}

  private async loadUser(context: RequestContext, id: string): Promise<UserRecord> {
    const record = await usersLoaders(context, this.source).userById.load(id);
    if (!record) throw userNotFound(id);
    return record;
  }

  /** Refuses to leave the store without an active administrator. */
  private async keepAnAdmin(user: UserRecord, remainsAdmin: boolean): Promise<void> {
    if (!user.admin || !user.active || remainsAdmin) return;
    const others = (await this.source.listUsers()).filter(
      (other) => other.admin && other.active && other.id !== user.id,
    );
    if (others.length === 0) {
      throw conflict(`'${user.username}' is the last active administrator`, {
        reason: 'LAST_ADMIN',
        user: user.id,
      });
    }
  }

  @Query(() => User, { nullable: true, description: 'The calling user; null for services and operators.' })
  async viewer(@Ctx() context: RequestContext) {
    const principal = requireAuthenticated(context);
    if (principal.kind !== 'user') return null;
    const record = await usersLoaders(context, this.source).userById.load(principal.id);
    return record ? User.from(record) : null;
  }

  @Query(() => User, { nullable: true, description: 'One user by UUID (any authenticated principal).' })
  async user(@Ctx() context: RequestContext, @Arg('id', () => ID) id: string) {
    requireAuthenticated(context);
    const record = await usersLoaders(context, this.source).userById.load(id);
    return record ? User.from(record) : null;
  }

  @Query(() => UserConnection, { description: 'Every user by numeric id (administrators and services).' })
  async users(
    @Ctx() context: RequestContext,
    @Arg('filter', () => UserFilter, { nullable: true }) filter?: UserFilter | null,
    @Arg('first', () => Int, { nullable: true }) first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ) {
    requireDirectoryReader(context, 'list users');
    const pattern = filter?.usernameMatches
      ? compilePattern(filter.usernameMatches, 'filter.usernameMatches')
      : null;
    const records = (await this.source.listUsers()).filter(
      (user) =>
        (!pattern || pattern.test(user.username)) &&
        (!filter?.realm || user.realmId === filter.realm) &&
        (!filter?.group || user.groups.includes(filter.group)),
    );
    return paginate(records.map(User.from), (user) => user.id, { first, after });
  }

  @Query(() => UserTokenValidation, {
    description:
      'Checks a user token (Astakos authenticate / tokens). Public: the token is the credential. The status decides; `user` and `token` are given for VALID and PENDING_TERMS, and for any known token to administrators and services.',
  })
  async userByToken(@Ctx() context: RequestContext, @Arg('token', () => String) token: string) {
    const check = await checkUserToken(this.source, token);
    const reveal =
      check.status === 'valid' || check.status === 'pending_terms' || seesEveryone(context.principal);
    return Object.assign(new UserTokenValidation(), {
      status: check.status as UserTokenStatus,
      user: reveal && check.user ? User.from(check.user) : null,
      token: reveal && check.token ? UserToken.from(check.token) : null,
    });
  }

  @Query(() => User, {
    description:
      'Checks a username and password in a realm (the default realm when none is named) and returns the user. Public. Failures: BAD_USER_INPUT reason EMPTY_CREDENTIALS (blank username or password, refused before any lookup); UNAUTHENTICATED with reason REALM_NOT_FOUND, NO_DEFAULT_REALM, BAD_CREDENTIALS (unknown user or wrong password, one message), WRONG_REALM or USER_INACTIVE, checked in that order.',
  })
  async authenticateUser(
    @Arg('username', () => String) username: string,
    @Arg('password', () => String) password: string,
    @Arg('realm', () => ID, { nullable: true }) realm?: string | null,
  ) {
    const result = await authenticatePassword(this.source, username, password, realm);
    if (!result.ok) throw passwordFailureError(result, realm);
    return User.from(result.user);
  }

  @Query(() => UserCatalogs, {
    description:
      'Astakos user catalogs: display names of these UUIDs and UUIDs of these display names (matched ignoring case). Unknown entries are left out. `allUuids` / `allDisplayNames` list every user (services and administrators only, else FORBIDDEN).',
  })
  async userCatalogs(
    @Ctx() context: RequestContext,
    @Arg('uuids', () => [String], { nullable: true }) uuids?: string[] | null,
    @Arg('displayNames', () => [String], { nullable: true }) displayNames?: string[] | null,
    @Arg('allUuids', () => Boolean, { defaultValue: false }) allUuids = false,
    @Arg('allDisplayNames', () => Boolean, { defaultValue: false }) allDisplayNames = false,
  ) {
    requireAuthenticated(context);
    if (allUuids || allDisplayNames) requireDirectoryReader(context, 'list every user');
    const wantedUuids = uuids ?? [];
    const wantedNames = displayNames ?? [];
    if (wantedUuids.length + wantedNames.length > MAX_CATALOG_KEYS) {
      throw badInput(`At most ${MAX_CATALOG_KEYS} UUIDs and display names per request`, {
        reason: 'TOO_MANY_KEYS',
      });
    }
    const everyone = allUuids || allDisplayNames ? await this.source.listUsers() : [];
    const byUuid = allUuids
      ? everyone
      : wantedUuids.length > 0
        ? await this.source.getUsers([...new Set(wantedUuids)])
        : [];
    const uuidIndex = new Map(byUuid.map((user) => [user.id, user]));
    const uuidCatalog = (allUuids ? everyone.map((user) => user.id) : [...new Set(wantedUuids)])
      .filter((id) => uuidIndex.has(id))
      .map((id) =>
        Object.assign(new UserCatalogEntry(), { uuid: id, displayName: uuidIndex.get(id)!.username }),
      );
    let displayNameCatalog: UserCatalogEntry[];
    if (allDisplayNames) {
      displayNameCatalog = everyone.map((user) =>
        Object.assign(new UserCatalogEntry(), { uuid: user.id, displayName: user.username }),
      );
    } else {
      const spellings = lastSpellings(wantedNames);
      const found =
        spellings.length > 0
          ? await this.source.getUsersByUsername(spellings.map((name) => name.toLowerCase()))
          : [];
      const nameIndex = new Map(found.map((user) => [user.username.toLowerCase(), user]));
      displayNameCatalog = spellings
        .filter((name) => nameIndex.has(name.toLowerCase()))
        .map((name) =>
          Object.assign(new UserCatalogEntry(), {
            uuid: nameIndex.get(name.toLowerCase())!.id,
            displayName: name,
          }),
        );
    }
    return Object.assign(new UserCatalogs(), { uuidCatalog, displayNameCatalog });
  }

  @FieldResolver(() => Realm, { nullable: true, description: 'The realm the user logs in through.' })
  async realm(@Root() user: User, @Ctx() context: RequestContext) {
    if (!user.realmId) return null;
    const record = await usersLoaders(context, this.source).realmById.load(user.realmId);
    return record ? Realm.from(record) : null;
  }

  @FieldResolver(() => [UserRole], {
    description:
      'The user’s groups as Keystone roles with numeric ids, in the order of `groups` (Astakos tokens call). One source call for all users of a request.',
  })
  async roles(@Root() user: User, @Ctx() context: RequestContext) {
    const loader = usersLoaders(context, this.source).groupIdByName;
    const found = await loader.loadMany(user.groups);
    return user.groups.flatMap((name, index) => {
      const group = found[index];
      if (group instanceof Error) throw group;
      return group ? [Object.assign(new UserRole(), { id: group.id, name })] : [];
    });
  }

  @FieldResolver(() => UserToken, {
    nullable: true,
    description:
      'The current token’s times (never the token); only for the user, administrators and services, else null.',
  })
  async token(@Root() user: User, @Ctx() context: RequestContext) {
    if (!seesPrivate(context.principal, user.id)) return null;
    const record = await usersLoaders(context, this.source).tokenOfUser.load(user.id);
    return record ? UserToken.from(record) : null;
  }

  @Mutation(() => User, {
    description:
      'Adds a user (administrators). Failures: BAD_USER_INPUT (INVALID_UUID, INVALID_USERNAME, INVALID_EMAIL, INVALID_GROUP, INVALID_TEXT, EMPTY_PASSWORD, INVALID_NUMERIC_ID), NOT_FOUND REALM_NOT_FOUND / NO_DEFAULT_REALM, CONFLICT USER_EXISTS (same UUID, username or numeric id).',
  })
  async addUser(@Ctx() context: RequestContext, @Arg('input', () => UserAddInput) input: UserAddInput) {
    requirePrivileged(context);
    const id = input.id ? checkUserId(input.id, 'input.id') : randomUUID();
    const username = checkUsername(input.username, 'input.username');
    if (input.numericId != null && (!Number.isInteger(input.numericId) || input.numericId < 1)) {
      throw badInput('numericId must be a positive integer', {
        reason: 'INVALID_NUMERIC_ID',
        argument: 'input.numericId',
      });
    }
    const emails = (input.emails ?? [username]).map((email) => checkEmail(email, 'input.emails'));
    const groups = normalizeGroups(input.groups ?? ['default'], 'input.groups');
    const realName = checkText(input.realName ?? '', 'input.realName');
    const password = input.password != null ? checkNewPassword(input.password, 'input.password') : null;
    let realmId: string;
    if (input.realm) {
      realmId = checkRealmId(input.realm, 'input.realm');
    } else {
      const fallback = (await this.source.listRealms()).find((realm) => realm.isDefault);
      if (!fallback)
        throw notFound('No realm was named and there is no default realm', { reason: 'NO_DEFAULT_REALM' });
      realmId = fallback.id;
    }
    const outcome = await this.source.addUser({
      id,
      numericId: input.numericId ?? null,
      username,
      realName,
      emails,
      groups,
      active: input.active ?? true,
      termsAccepted: input.termsAccepted ?? true,
      admin: input.admin ?? false,
      realmId,
      rights: rightsOf(input.rights, { dynamicVmView: 'owner', persistentVmView: 'owner' }),
      createdAt: nowWholeSeconds(),
      passwordHash: password !== null ? await hashPassword(password) : null,
    });
    if (outcome === 'realm-not-found') throw realmNotFound(realmId);
    if (outcome !== 'added') {
      const what =
        outcome === 'id-exists'
          ? `id '${id}'`
          : outcome === 'username-exists'
            ? `username '${username}'`
            : `numeric id ${input.numericId}`;
      throw conflict(`A user with ${what} already exists`, { reason: 'USER_EXISTS', user: id, username });
    }
    return User.from(await this.loadFresh(id));
  }

  private async loadFresh(id: string): Promise<UserRecord> {
    const [record] = await this.source.getUsers([id]);
    if (!record) throw userNotFound(id);
    return record;
  }

  @Mutation(() => User, {
    description:
      'Changes a user (administrators). Failures: NOT_FOUND USER_NOT_FOUND / REALM_NOT_FOUND, BAD_USER_INPUT as for addUser, CONFLICT LAST_ADMIN when the last active administrator would lose the right.',
  })
  async updateUser(
    @Ctx() context: RequestContext,
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UserUpdateInput) input: UserUpdateInput,
  ) {
    requirePrivileged(context);
    const user = await this.loadUser(context, id);
    const patch: UserPatch = {};
    if (input.realName != null) patch.realName = checkText(input.realName, 'input.realName');
    if (input.emails != null) patch.emails = input.emails.map((email) => checkEmail(email, 'input.emails'));
    if (input.realm != null) patch.realmId = checkRealmId(input.realm, 'input.realm');
    if (input.admin != null) patch.admin = input.admin;
    if (input.active != null) patch.active = input.active;
    if (input.termsAccepted != null) patch.termsAccepted = input.termsAccepted;
    if (input.rights != null) patch.rights = rightsOf(input.rights, user.rights);
    await this.keepAnAdmin(user, (patch.admin ?? user.admin) && (patch.active ?? user.active));
    const outcome = await this.source.updateUser(id, patch);
    if (outcome === 'not-found') throw userNotFound(id);
    if (outcome === 'realm-not-found') throw realmNotFound(patch.realmId ?? '');
    return User.from(await this.loadFresh(id));
  }

  @Mutation(() => User, {
    description:
      'Disables a user (administrators): their token then checks as USER_INACTIVE. NOT_FOUND USER_NOT_FOUND; CONFLICT LAST_ADMIN.',
  })
  async disableUser(@Ctx() context: RequestContext, @Arg('id', () => ID) id: string) {
    requirePrivileged(context);
    const user = await this.loadUser(context, id);
    await this.keepAnAdmin(user, false);
    if ((await this.source.updateUser(id, { active: false })) === 'not-found') throw userNotFound(id);
    return User.from(await this.loadFresh(id));
  }

  @Mutation(() => User, {
    description: 'Replaces a user’s groups (administrators). NOT_FOUND USER_NOT_FOUND; INVALID_GROUP.',
  })
  async setUserGroups(
    @Ctx() context: RequestContext,
    @Arg('id', () => ID) id: string,
    @Arg('groups', () => [String]) groups: string[],
  ) {
    requirePrivileged(context);
    const normalized = normalizeGroups(groups);
    if (!(await this.source.setGroups(id, normalized))) throw userNotFound(id);
    return User.from(await this.loadFresh(id));
  }

  @Mutation(() => User, {
    description:
      'Sets a user’s password (the user or an administrator); stored as a scrypt hash. BAD_USER_INPUT EMPTY_PASSWORD / INVALID_PASSWORD; NOT_FOUND USER_NOT_FOUND.',
  })
  async setUserPassword(
    @Ctx() context: RequestContext,
    @Arg('id', () => ID) id: string,
    @Arg('password', () => String) password: string,
  ) {
    requireOwnerOrPrivileged(context, [id], 'this user’s password');
    checkNewPassword(password);
    if (!(await this.source.setPasswordHash(id, await hashPassword(password)))) throw userNotFound(id);
    return User.from(await this.loadFresh(id));
  }

  @Mutation(() => UserTokenIssue, {
    description:
      'Issues a new token for a user, replacing the current one; the clear token is returned once. The user may renew their own token (default lifetime, 30 days); administrators may set `lifetimeSeconds`. NOT_FOUND USER_NOT_FOUND; BAD_USER_INPUT INVALID_LIFETIME.',
  })
  async issueUserToken(
    @Ctx() context: RequestContext,
    @Arg('id', () => ID) id: string,
    @Arg('lifetimeSeconds', () => Int, { nullable: true }) lifetimeSeconds?: number | null,
  ) {
    const principal = requireOwnerOrPrivileged(context, [id], 'this user’s token');
    if (lifetimeSeconds != null && !isPrivileged(principal)) {
      throw badInput('Only administrators may choose a token lifetime', {
        reason: 'INVALID_LIFETIME',
        argument: 'lifetimeSeconds',
      });
    }
    const lifetime = lifetimeSeconds != null ? checkLifetime(lifetimeSeconds) : DEFAULT_USER_TOKEN_SECONDS;
    const issued = await issueUserToken(this.source, id, lifetime);
    if (!issued) throw userNotFound(id);
    return Object.assign(new UserTokenIssue(), {
      token: issued.token,
      createdAt: issued.record.createdAt,
      expiresAt: issued.record.expiresAt,
      user: User.from(await this.loadFresh(id)),
    });
  }

  @Mutation(() => User, {
    description:
      'Revokes a user’s token (the user or an administrator). NOT_FOUND USER_NOT_FOUND or TOKEN_NOT_FOUND.',
  })
  async revokeUserToken(@Ctx() context: RequestContext, @Arg('id', () => ID) id: string) {
    requireOwnerOrPrivileged(context, [id], 'this user’s token');
    const user = await this.loadUser(context, id);
    if (!(await this.source.revokeToken(id))) {
      throw notFound(`User '${user.username}' has no token`, { reason: 'TOKEN_NOT_FOUND', user: id });
    }
    return User.from(user);
  }

  @Mutation(() => User, {
    description:
      'Expires a user’s token now (administrators); it then checks as TOKEN_EXPIRED. NOT_FOUND USER_NOT_FOUND or TOKEN_NOT_FOUND.',
  })
  async expireUserToken(@Ctx() context: RequestContext, @Arg('id', () => ID) id: string) {
    requirePrivileged(context);
    const user = await this.loadUser(context, id);
    if (!(await this.source.setTokenExpiry(id, nowWholeSeconds()))) {
      throw notFound(`User '${user.username}' has no token`, { reason: 'TOKEN_NOT_FOUND', user: id });
    }
    return User.from(user);
  }
}
