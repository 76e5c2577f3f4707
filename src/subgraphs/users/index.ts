/**
 * The users subgraph (identity): users, realms, user tokens, component (service) tokens and the
 * service catalog, user catalogs, API clients and feedback; plus the authenticator the gateway
 * uses to turn credentials into a principal.
 */
// type-graphql decorators need the metadata polyfill before any of this subgraph's classes load.
import 'reflect-metadata';
import { buildFederatedSubgraph, type Subgraph } from '../kit/index.js';
import { UserComponentResolver, UserServiceResolver } from './component.resolver.js';
import { UserApiClientResolver, UserFeedbackResolver } from './misc.resolver.js';
import { RealmResolver } from './realm.resolver.js';
import { realmReference, userReference } from './user.reference.js';
import { UserResolver } from './user.resolver.js';
import type { FeedbackNotifier, UsersSource } from './source.js';

export type * from './source.js';
export {
  createAuthenticator,
  ensureAdmin,
  checkUserToken,
  checkComponentToken,
  authenticatePassword,
  ADMIN_USER_ID,
  type UsersAuthenticator,
  type UserTokenCheck,
  type ComponentTokenCheck,
  type PasswordAuthentication,
  type PasswordFailure,
  type TokenStatus,
} from './auth.js';
export {
  USERS_PATTERNS,
  RESERVED_ENDPOINT_KEYS,
  DEFAULT_USER_TOKEN_SECONDS,
  DEFAULT_COMPONENT_TOKEN_SECONDS,
  MAX_SECRET_LENGTH,
} from './rules.js';

export interface UsersSubgraphSources {
  users: UsersSource;
  /** Delivers feedback (e-mail to the operators, later); default: none. */
  feedbackNotifier?: FeedbackNotifier;
}

export function buildUsersSubgraph(sources: UsersSubgraphSources): Subgraph {
  return buildFederatedSubgraph({
    name: 'users',
    resolvers: [
      new UserResolver(sources.users),
      new RealmResolver(sources.users),
      new UserComponentResolver(sources.users),
      new UserServiceResolver(sources.users),
      new UserApiClientResolver(sources.users),
      new UserFeedbackResolver(sources.users, sources.feedbackNotifier),
    ],
    references: { User: userReference(sources.users), Realm: realmReference(sources.users) },
  });
}
