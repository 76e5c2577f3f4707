import { requireAuthenticated, type ReferenceResolver } from '../kit/index.js';
import { nodesLoaders } from './loaders.js';
import { ClusterNode } from './node.type.js';
import type { NodesSource } from './source.js';

/** Resolves `ClusterNode` references from other subgraphs; any authenticated principal may read nodes. */
export function clusterNodeReference(source: NodesSource): ReferenceResolver {
  return async (reference, context) => {
    requireAuthenticated(context);
    const record = await nodesLoaders(context, source).nodeByName.load(String(reference.id));
    return record ? ClusterNode.from(record) : null;
  };
}
