import { groupLoader, nullableLoader, scoped, type RequestContext } from '../kit/index.js';
import type { UsersSource } from './source.js';

const KEY = Symbol('users.loaders');

function createLoaders(source: UsersSource) {
  return {
    userById: nullableLoader(
      (ids: readonly string[]) => source.getUsers(ids),
      (user) => user.id,
    ),
    realmById: nullableLoader(
      (ids: readonly string[]) => source.getRealms(ids),
      (realm) => realm.id,
    ),
    tokenOfUser: nullableLoader(
      (ids: readonly string[]) => source.getTokens(ids),
      (token) => token.userId,
    ),
    componentByName: nullableLoader(
      (names: readonly string[]) => source.getComponents(names),
      (component) => component.name,
    ),
    groupIdByName: nullableLoader(
      (names: readonly string[]) => source.groupIds(names),
      (group) => group.name,
    ),
    servicesOfComponent: groupLoader(
      (names: readonly string[]) => source.servicesOfComponents(names),
      (service) => service.component,
    ),
  };
}

export type UsersLoaders = ReturnType<typeof createLoaders>;

/** This request's loaders of the users subgraph. */
export function usersLoaders(context: RequestContext, source: UsersSource): UsersLoaders {
  return scoped(context, KEY, () => createLoaders(source));
}
