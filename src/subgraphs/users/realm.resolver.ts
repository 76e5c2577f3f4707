import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { badInput, conflict, notFound } from '../../errors/index.js';
import { requirePrivileged, type RequestContext } from '../kit/index.js';
import { usersLoaders } from './loaders.js';
import { checkRealmId, checkText } from './rules.js';
import type { UsersSource } from './source.js';
import { RealmAddInput, RealmUpdateInput } from './users.inputs.js';
import { Realm } from './user.type.js';

function realmNotFound(id: string) {
  return notFound(`No realm with id '${id}'`, { reason: 'REALM_NOT_FOUND', realm: id });
}

function checkRealmName(name: string, argument: string): string {
  if (name.trim() === '')
    throw badInput(`${argument} must not be empty`, { reason: 'INVALID_TEXT', argument });
  return checkText(name, argument);
}

@Resolver(() => Realm)
export class RealmResolver {
  constructor(private readonly source: UsersSource) {}

  @Query(() => [Realm], {
    description:
      'Every authentication realm, in registration order. Public (FOSS-Cloud lists them anonymously).',
  })
  async realms() {
    return (await this.source.listRealms()).map(Realm.from);
  }

  @Query(() => Realm, { nullable: true, description: 'One realm by uid. Public.' })
  async realm(@Ctx() context: RequestContext, @Arg('id', () => ID) id: string) {
    const record = await usersLoaders(context, this.source).realmById.load(id);
    return record ? Realm.from(record) : null;
  }

  @Mutation(() => Realm, {
    description:
      'Adds a realm (administrators); a default realm takes the flag from the previous one. BAD_USER_INPUT INVALID_REALM_ID / INVALID_TEXT; CONFLICT REALM_EXISTS.',
  })
  async addRealm(@Ctx() context: RequestContext, @Arg('input', () => RealmAddInput) input: RealmAddInput) {
    requirePrivileged(context);
    const realm = {
      id: checkRealmId(input.id, 'input.id'),
      name: checkRealmName(input.name, 'input.name'),
      kind: input.kind,
      isDefault: input.isDefault,
    };
    if (!(await this.source.addRealm(realm))) {
      throw conflict(`A realm with id '${realm.id}' already exists`, {
        reason: 'REALM_EXISTS',
        realm: realm.id,
      });
    }
    return Realm.from(realm);
  }

  @Mutation(() => Realm, {
    description:
      'Renames a realm or makes it the default (administrators). `isDefault: false` is refused (make another realm the default instead): BAD_USER_INPUT DEFAULT_REALM_REQUIRED. NOT_FOUND REALM_NOT_FOUND.',
  })
  async updateRealm(
    @Ctx() context: RequestContext,
    @Arg('id', () => ID) id: string,
    @Arg('input', () => RealmUpdateInput) input: RealmUpdateInput,
  ) {
    requirePrivileged(context);
    if (input.isDefault === false) {
      throw badInput('A realm stops being the default when another one becomes it', {
        reason: 'DEFAULT_REALM_REQUIRED',
        argument: 'input.isDefault',
      });
    }
    const patch: { name?: string; isDefault?: boolean } = {};
    if (input.name != null) patch.name = checkRealmName(input.name, 'input.name');
    if (input.isDefault) patch.isDefault = true;
    if (!(await this.source.updateRealm(id, patch))) throw realmNotFound(id);
    const [record] = await this.source.getRealms([id]);
    if (!record) throw realmNotFound(id);
    return Realm.from(record);
  }

  @Mutation(() => Boolean, {
    description:
      'Removes a realm no user belongs to (administrators). NOT_FOUND REALM_NOT_FOUND; CONFLICT REALM_IN_USE.',
  })
  async removeRealm(@Ctx() context: RequestContext, @Arg('id', () => ID) id: string) {
    requirePrivileged(context);
    const outcome = await this.source.removeRealm(id);
    if (outcome === 'not-found') throw realmNotFound(id);
    if (outcome === 'in-use')
      throw conflict(`Realm '${id}' still has users`, { reason: 'REALM_IN_USE', realm: id });
    return true;
  }
}
