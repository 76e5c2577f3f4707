/**
 * Split-mode execution: the gateway's own query planner and executor for the supergraph that
 * src/compose produces. It reads ownership from the supergraph's `@join__*` directives, plans
 * each operation once (one fetch per subgraph per level, `_entities` batched over the level) and
 * builds the answer from the subgraphs' JSON in one walk, without a stitched executable schema.
 * Transport is the caller's: a fetcher sends one document to one subgraph.
 */
export {
  readSupergraph,
  UnsupportedSupergraphError,
  type Supergraph,
  type TypeOwnership,
} from './supergraph.js';
export {
  createFederatedExecutor,
  type ExecutorOptions,
  type FederatedRequest,
  type SubgraphCall,
  type SubgraphError,
  type SubgraphFetcher,
  type SubgraphReply,
} from './execute.js';
export { KEY_ALIAS, type Plan, type Fetch } from './plan.js';
