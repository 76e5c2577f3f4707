import { requireAuthenticated, type ReferenceResolver } from '../kit/index.js';
import { networksLoaders } from './loaders.js';
import { Acl, aclId, DhcpLease, dhcpLeaseId, Network } from './network.type.js';
import { MAX_VNI } from './rules.js';
import type { NetworksSource } from './source.js';

/** The VNI leading an entity id (`<vni>` or `<vni>/…`), or null when the id cannot name one. */
function vniOfId(id: unknown): number | null {
  const match = /^([1-9][0-9]{0,7})(?:\/|$)/.exec(String(id));
  if (!match) return null;
  const vni = Number(match[1]);
  return vni <= MAX_VNI ? vni : null;
}

/** Resolves `Network` references by VNI; any authenticated principal may read networks. */
export function networkReference(source: NetworksSource): ReferenceResolver {
  return async (reference, context) => {
    requireAuthenticated(context);
    const vni = vniOfId(reference.id);
    if (vni === null || String(vni) !== String(reference.id)) return null;
    const record = await networksLoaders(context, source).networkByVni.load(vni);
    return record ? Network.from(record) : null;
  };
}

/** Resolves `DhcpLease` references (`<vni>/static|active/<mac>`), batched per network. */
export function dhcpLeaseReference(source: NetworksSource): ReferenceResolver {
  return async (reference, context) => {
    requireAuthenticated(context);
    const vni = vniOfId(reference.id);
    if (vni === null) return null;
    const leases = await networksLoaders(context, source).leasesOfNetwork.load(vni);
    const record = leases.find((lease) => dhcpLeaseId(lease) === reference.id);
    return record ? DhcpLease.from(record) : null;
  };
}

/** Resolves `Acl` references (`<vni>/<direction>/<description>`), batched per network. */
export function aclReference(source: NetworksSource): ReferenceResolver {
  return async (reference, context) => {
    requireAuthenticated(context);
    const vni = vniOfId(reference.id);
    if (vni === null) return null;
    const acls = await networksLoaders(context, source).aclsOfNetwork.load(vni);
    const record = acls.find((acl) => aclId(acl) === reference.id);
    return record ? Acl.from(record) : null;
  };
}
