/**
 * The five domain subgraphs, for the composition root: build them all from their sources.
 */
import type { Subgraph, SubgraphName } from './kit/index.js';
import { buildNodesSubgraph, type NodesSubgraphSources } from './nodes/index.js';
import { buildNetworksSubgraph, type NetworksSubgraphSources } from './networks/index.js';
import { buildUsersSubgraph, type UsersSubgraphSources } from './users/index.js';
import { buildVmsSubgraph, type VmsSubgraphSources } from './vms/index.js';
import { buildVolumesSubgraph, type VolumesSubgraphSources } from './volumes/index.js';

export type { Subgraph, SubgraphName, RequestContext, Representation } from './kit/index.js';
export { SUBGRAPH_NAMES, isSubgraphName, createRequestContext } from './kit/index.js';

/** Every source every subgraph needs, grouped by subgraph. */
export interface CloudSources {
  nodes: NodesSubgraphSources;
  vms: VmsSubgraphSources;
  volumes: VolumesSubgraphSources;
  networks: NetworksSubgraphSources;
  users: UsersSubgraphSources;
}

const BUILDERS: { [K in SubgraphName]: (sources: CloudSources) => Subgraph } = {
  nodes: (sources) => buildNodesSubgraph(sources.nodes),
  vms: (sources) => buildVmsSubgraph(sources.vms),
  volumes: (sources) => buildVolumesSubgraph(sources.volumes),
  networks: (sources) => buildNetworksSubgraph(sources.networks),
  users: (sources) => buildUsersSubgraph(sources.users),
};

export function buildSubgraph(name: SubgraphName, sources: CloudSources): Subgraph {
  return BUILDERS[name](sources);
}

export function buildSubgraphs(sources: CloudSources): Subgraph[] {
  return (Object.keys(BUILDERS) as SubgraphName[]).map((name) => buildSubgraph(name, sources));
}

/**
 * Sources that refuse every call: enough to build schemas for composition and printing, where
 * nothing is resolved.
 */
export function inertSources(): CloudSources {
  const inert = (label: string): any =>
    new Proxy(
      {},
      {
        get: (_target, property) =>
          typeof property === 'symbol'
            ? undefined
            : () => Promise.reject(new Error(`${label}.${String(property)} is not available here`)),
      },
    );
  return new Proxy({} as CloudSources, {
    get: (_target, domain) =>
      new Proxy({}, { get: (_t, source) => inert(`${String(domain)}.${String(source)}`) }),
  });
}
