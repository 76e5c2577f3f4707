/**
 * The networks subgraph: client networks (`Network`: VNI, type, domain, IPv4/IPv6, DHCPv4
 * range, bridge), their DHCP leases and static reservations (`DhcpLease`), their firewall rules
 * (`Acl`), and `VirtualMachine.networks`.
 */
// type-graphql decorators need the metadata polyfill before any of this subgraph's classes load.
import 'reflect-metadata';
import { buildFederatedSubgraph, type Subgraph } from '../kit/index.js';
import { AclResolver } from './acl.resolver.js';
import { DhcpLeaseResolver } from './lease.resolver.js';
import { aclReference, dhcpLeaseReference, networkReference } from './network.reference.js';
import { NetworkResolver } from './network.resolver.js';
import { VirtualMachineRef } from './network.type.js';
import type { NetworksSource } from './source.js';
import { VirtualMachineNetworksResolver } from './vm.resolver.js';

export type * from './source.js';
export {
  MAX_VNI,
  MAX_RULE_LENGTH,
  DESCRIPTION_PATTERN,
  DOMAIN_PATTERN,
  HOSTNAME_PATTERN,
  bridgeOf,
  defaultDomain,
  defaultIpv6Gateway,
  isIpv4Address,
  isIpv4Network,
  isIpv6Address,
  isIpv6Network,
  isRuleLine,
  normalizeMac,
} from './rules.js';

export interface NetworksSubgraphSources {
  networks: NetworksSource;
}

export function buildNetworksSubgraph(sources: NetworksSubgraphSources): Subgraph {
  return buildFederatedSubgraph({
    name: 'networks',
    resolvers: [
      new NetworkResolver(sources.networks),
      new DhcpLeaseResolver(sources.networks),
      new AclResolver(sources.networks),
      new VirtualMachineNetworksResolver(sources.networks),
    ],
    // Reached by no field of this subgraph: only through `_entities` (it is extended here).
    orphanedTypes: [VirtualMachineRef],
    references: {
      Network: networkReference(sources.networks),
      DhcpLease: dhcpLeaseReference(sources.networks),
      Acl: aclReference(sources.networks),
    },
  });
}
