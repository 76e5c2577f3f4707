/**
 * The vms subgraph: virtual machines (`VirtualMachine`: cluster state, placement, migration,
 * libvirt definition, console), FOSS-Cloud VM pools (`VmPool`), assignments and MAC mappings,
 * node flush/ready, and the vms parts of `ClusterNode` and `User`.
 */
// type-graphql decorators need the metadata polyfill before any of this subgraph's classes load.
import 'reflect-metadata';
import { buildFederatedSubgraph, type Subgraph } from '../kit/index.js';
import { ClusterNodeVmsResolver } from './node.resolver.js';
import { VmPoolResolver } from './pool.resolver.js';
import { UserVmsResolver } from './user.resolver.js';
import { virtualMachineReference, vmPoolReference } from './vm.reference.js';
import { VirtualMachineResolver } from './vm.resolver.js';
import type { VmsSource } from './source.js';

export type * from './source.js';
export { parseDomainXml, MAX_XML_BYTES, MAX_XML_DEPTH, type ParseDomainOptions } from './xml.js';
export { chooseNode, normalizeSelector, planFlush, planReady, type PlacementSelector } from './placement.js';

export interface VmsSubgraphSources {
  vms: VmsSource;
}

export function buildVmsSubgraph(sources: VmsSubgraphSources): Subgraph {
  return buildFederatedSubgraph({
    name: 'vms',
    resolvers: [
      new VirtualMachineResolver(sources.vms),
      new VmPoolResolver(sources.vms),
      new ClusterNodeVmsResolver(sources.vms),
      new UserVmsResolver(sources.vms),
    ],
    references: {
      VirtualMachine: virtualMachineReference(sources.vms),
      VmPool: vmPoolReference(sources.vms),
    },
  });
}
