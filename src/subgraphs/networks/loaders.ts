import { groupLoader, nullableLoader, scoped, type RequestContext } from '../kit/index.js';
import type { NetworksSource } from './source.js';

const KEY = Symbol('networks.loaders');

function createLoaders(source: NetworksSource) {
  return {
    networkByVni: nullableLoader(
      (vnis: readonly number[]) => source.getNetworksByVni(vnis),
      (network) => network.vni,
    ),
    networkByDescription: nullableLoader(
      (descriptions: readonly string[]) => source.getNetworksByDescription(descriptions),
      (network) => network.description,
    ),
    /** Active leases and reservations of a network, by MAC. */
    leasesOfNetwork: groupLoader(
      (vnis: readonly number[]) => source.dhcpLeasesOf(vnis),
      (lease) => lease.vni,
    ),
    /** Rules of a network, `in` chain first, each in chain order. */
    aclsOfNetwork: groupLoader(
      (vnis: readonly number[]) => source.aclsOf(vnis),
      (acl) => acl.vni,
    ),
    networksOfVm: groupLoader(
      (vmIds: readonly string[]) => source.networksOfVms(vmIds),
      (row) => row.vmId,
    ),
  };
}

export type NetworksLoaders = ReturnType<typeof createLoaders>;

/** This request's loaders of the networks subgraph. */
export function networksLoaders(context: RequestContext, source: NetworksSource): NetworksLoaders {
  return scoped(context, KEY, () => createLoaders(source));
}
