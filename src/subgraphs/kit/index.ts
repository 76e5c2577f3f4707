import 'reflect-metadata';
/**
 * What every subgraph is built with: the request context, authorization checks, batching
 * helpers, Relay connections and the Federation 2 build.
 */
export { createRequestContext, scoped, type RequestContext } from './context.js';
export { requireAuthenticated, requirePrivileged, requireOwnerOrPrivileged, canSee } from './authz.js';
export { byKey, groupByKey, nullableLoader, groupLoader, DataLoader } from './batch.js';
export {
  PageInfo,
  connectionType,
  paginate,
  pageSize,
  connectionOf,
  cursorNotInList,
  encodeCursor,
  decodeCursor,
  MAX_PAGE_SIZE,
  DEFAULT_PAGE_SIZE,
  type Connection,
  type Edge,
} from './connection.js';
export {
  buildFederatedSubgraph,
  SUBGRAPH_NAMES,
  isSubgraphName,
  type Subgraph,
  type SubgraphName,
  type ReferenceResolver,
  type Representation,
  type BuildSubgraphOptions,
} from './build.js';
export { CommandOutcome } from './outcome.js';
export { compilePattern, MAX_PATTERN_LENGTH } from './pattern.js';
export {
  GraphQLSafeInt as SafeInt,
  GraphQLJSON as JSONScalar,
  GraphQLDateTimeISO as DateTime,
} from 'graphql-scalars';
