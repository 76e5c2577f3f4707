import { requireAuthenticated, type ReferenceResolver } from '../kit/index.js';
import { usersLoaders } from './loaders.js';
import type { UsersSource } from './source.js';
import { Realm, User } from './user.type.js';

/**
 * Resolves `User` references from other subgraphs (`VirtualMachine.owner`, `assignedUsers`):
 * any authenticated principal, batched through the request's loader; unknown ids give null.
 */
export function userReference(source: UsersSource): ReferenceResolver {
  return async (reference, context) => {
    requireAuthenticated(context);
    const record = await usersLoaders(context, source).userById.load(String(reference.id));
    return record ? User.from(record) : null;
  };
}

/** Resolves `Realm` references. Public, like the realm list. */
export function realmReference(source: UsersSource): ReferenceResolver {
  return async (reference, context) => {
    const record = await usersLoaders(context, source).realmById.load(String(reference.id));
    return record ? Realm.from(record) : null;
  };
}
