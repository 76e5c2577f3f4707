import { nullableLoader, scoped, type RequestContext } from '../kit/index.js';
import type { NodesSource } from './source.js';

const KEY = Symbol('nodes.loaders');

function createLoaders(source: NodesSource) {
  return {
    nodeByName: nullableLoader(
      (names: readonly string[]) => source.getNodes(names),
      (node) => node.name,
    ),
  };
}

export type NodesLoaders = ReturnType<typeof createLoaders>;

/** This request's loaders of the nodes subgraph. */
export function nodesLoaders(context: RequestContext, source: NodesSource): NodesLoaders {
  return scoped(context, KEY, () => createLoaders(source));
}
