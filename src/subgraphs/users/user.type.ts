import { Directive, Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DateTime } from '../kit/index.js';
import type { RealmRecord, UserRecord, UserTokenRecord } from './source.js';

export enum UserRealmKind {
  INTERNAL = 'internal',
  LDAP = 'ldap',
}
registerEnumType(UserRealmKind, {
  name: 'UserRealmKind',
  description:
    'Where a realm checks passwords: the internal directory or an external LDAP / Active Directory.',
});

export enum UserViewRight {
  ALL = 'all',
  OWNER = 'owner',
  NONE = 'none',
}
registerEnumType(UserViewRight, {
  name: 'UserViewRight',
  description: 'A FOSS-Cloud view right: every VM, the user’s own VMs, or none.',
});

export enum UserTokenStatus {
  VALID = 'valid',
  INVALID_TOKEN = 'invalid_token',
  USER_INACTIVE = 'user_inactive',
  TOKEN_EXPIRED = 'token_expired',
  PENDING_TERMS = 'pending_terms',
}
registerEnumType(UserTokenStatus, {
  name: 'UserTokenStatus',
  description:
    'Outcome of a token check, decided in this order: INVALID_TOKEN (no holder), USER_INACTIVE, TOKEN_EXPIRED, PENDING_TERMS, else VALID. Component tokens give only VALID, INVALID_TOKEN or TOKEN_EXPIRED.',
});

@ObjectType({
  description: 'An authentication realm (FOSS-Cloud realm). Public: legacy clients list realms anonymously.',
})
@Directive('@key(fields: "id")')
export class Realm {
  @Field(() => ID, { description: 'The realm uid, e.g. `4000013`.' }) id!: string;
  @Field(() => String, { description: 'Display name.' }) name!: string;
  @Field(() => UserRealmKind) kind!: UserRealmKind;
  @Field(() => Boolean, { description: 'Whether logins that name no realm use this one.' })
  isDefault!: boolean;

  static from(record: RealmRecord): Realm {
    return Object.assign(new Realm(), {
      id: record.id,
      name: record.name,
      kind: record.kind as UserRealmKind,
      isDefault: record.isDefault,
    });
  }
}

@ObjectType({ description: 'FOSS-Cloud rights of a user.' })
export class UserRights {
  @Field(() => UserViewRight, { description: 'FOSS-Cloud `dynamicVM.view`.' }) dynamicVmView!: UserViewRight;
  @Field(() => UserViewRight, { description: 'FOSS-Cloud `persistentVM.view`.' })
  persistentVmView!: UserViewRight;
}

@ObjectType({ description: 'A user’s current token, known to the graph only by its hash.' })
export class UserToken {
  @Field(() => DateTime) createdAt!: Date;
  @Field(() => DateTime) expiresAt!: Date;
  @Field(() => Boolean, { description: 'Whether `expiresAt` has passed.' }) expired!: boolean;

  static from(record: UserTokenRecord, now = Date.now()): UserToken {
    return Object.assign(new UserToken(), {
      createdAt: record.createdAt,
      expiresAt: record.expiresAt,
      expired: record.expiresAt.getTime() <= now,
    });
  }
}

@ObjectType({
  description: 'A group of a user as a Keystone role (Astakos tokens call): its stable numeric id and name.',
})
export class UserRole {
  @Field(() => Int, { description: 'The group’s numeric id, the same for every user of the group.' })
  id!: number;
  @Field(() => String, { description: 'The group name.' }) name!: string;
}

@ObjectType({ description: 'A person known to the cloud (Astakos user, FOSS-Cloud user).' })
@Directive('@key(fields: "id")')
export class User {
  @Field(() => ID, { description: 'The user’s UUID.' }) id!: string;
  @Field(() => Int, { description: 'Astakos’ numeric user id.' }) numericId!: number;
  @Field(() => String, { description: 'The username: the lower-case e-mail address.' }) username!: string;
  @Field(() => String, { description: 'The display name; equals `username`.' }) displayName!: string;
  @Field(() => String, { description: 'The real name (Astakos `name`).' }) realName!: string;
  @Field(() => [String]) emails!: string[];
  @Field(() => [String], { description: 'Group names, as given.' }) groups!: string[];
  @Field(() => Boolean) active!: boolean;
  @Field(() => Boolean, { description: 'False while the current terms are pending approval.' })
  termsAccepted!: boolean;
  @Field(() => Boolean, { description: 'Administrators may do anything.' }) admin!: boolean;
  @Field(() => UserRights) rights!: UserRights;
  @Field(() => DateTime) createdAt!: Date;
  realmId!: string | null;

  static from(record: UserRecord): User {
    return Object.assign(new User(), {
      id: record.id,
      numericId: record.numericId,
      username: record.username,
      displayName: record.username,
      realName: record.realName,
      emails: [...record.emails],
      groups: [...record.groups],
      active: record.active,
      termsAccepted: record.termsAccepted,
      admin: record.admin,
      rights: Object.assign(new UserRights(), {
        dynamicVmView: record.rights.dynamicVmView as UserViewRight,
        persistentVmView: record.rights.persistentVmView as UserViewRight,
      }),
      createdAt: record.createdAt,
      realmId: record.realmId,
    });
  }
}

@ObjectType({
  description:
    'Result of checking a user token. `user` and `token` are given when the status is VALID or PENDING_TERMS, and for every known token when the caller is privileged or a service.',
})
export class UserTokenValidation {
  @Field(() => UserTokenStatus) status!: UserTokenStatus;
  @Field(() => User, { nullable: true }) user!: User | null;
  @Field(() => UserToken, { nullable: true }) token!: UserToken | null;
}

@ObjectType({ description: 'A newly issued user token. The clear token is shown here once and never again.' })
export class UserTokenIssue {
  @Field(() => String, { description: 'The token in clear; only its hash is stored.' }) token!: string;
  @Field(() => DateTime) createdAt!: Date;
  @Field(() => DateTime) expiresAt!: Date;
  @Field(() => User) user!: User;
}
