/**
 * The nodes subgraph: hypervisor and storage hosts (`ClusterNode`) and the Gluster trusted pool
 * (`GlusterPeer`).
 */
// type-graphql decorators need the metadata polyfill before any of this subgraph's classes load.
import 'reflect-metadata';
import { buildFederatedSubgraph, type Subgraph } from '../kit/index.js';
import { clusterNodeReference } from './node.reference.js';
import { ClusterNodeResolver } from './node.resolver.js';
import { GlusterPeerResolver } from './peer.resolver.js';
import type { NodesSource } from './source.js';

export type * from './source.js';

export interface NodesSubgraphSources {
  nodes: NodesSource;
}

export function buildNodesSubgraph(sources: NodesSubgraphSources): Subgraph {
  return buildFederatedSubgraph({
    name: 'nodes',
    resolvers: [new ClusterNodeResolver(sources.nodes), new GlusterPeerResolver(sources.nodes)],
    references: { ClusterNode: clusterNodeReference(sources.nodes) },
  });
}
