import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { badInput, conflict } from '../../errors/index.js';
import {
  compilePattern,
  connectionType,
  paginate,
  requireAuthenticated,
  requirePrivileged,
  type RequestContext,
} from '../kit/index.js';
import { networksLoaders } from './loaders.js';
import { checkIdentifier, findNetwork, requireNetwork } from './lookup.js';
import { NetworkAddInput, NetworkChangesInput, NetworkFilter, NetworkLookup } from './network.inputs.js';
import { Acl, DhcpLease, Network, NetworkMatchField } from './network.type.js';
import {
  checkDirection,
  DESCRIPTION_PATTERN,
  DOMAIN_PATTERN,
  defaultDomain,
  defaultIpv6Gateway,
  isIpv4Address,
  isIpv4Network,
  isIpv6Address,
  isIpv6Network,
  parseVni,
} from './rules.js';
import type { NetworkRecord, NetworksSource, NetworkType } from './source.js';

export const NetworkConnection = connectionType('Network', Network);
export const DhcpLeaseConnection = connectionType('DhcpLease', DhcpLease);

/** An optional text value: empty counts as absent (as legacy form values do). */
function given(value: string | null | undefined): string | null {
  return value === undefined || value === null || value === '' ? null : value;
}

function parseType(value: string): NetworkType {
  if (value !== 'managed' && value !== 'bridged') {
    throw badInput(`Network type '${value}' is not valid: it must be 'managed' or 'bridged'.`, {
      reason: 'INVALID_NETWORK_TYPE',
      argument: 'type',
      type: value,
    });
  }
  return value;
}

type AddressValues = Pick<
  NetworkAddInput,
  'domain' | 'ip4Network' | 'ip4Gateway' | 'ip6Network' | 'ip6Gateway' | 'dhcp4Start' | 'dhcp4End'
>;

const ADDRESS_RULES: {
  key: keyof AddressValues;
  test: (value: string) => boolean;
  reason: string;
  what: string;
}[] = [
  { key: 'domain', test: (v) => DOMAIN_PATTERN.test(v), reason: 'INVALID_DOMAIN', what: 'a DNS domain name' },
  {
    key: 'ip4Network',
    test: isIpv4Network,
    reason: 'INVALID_IP4_NETWORK',
    what: 'an IPv4 network (a.b.c.d/len)',
  },
  { key: 'ip4Gateway', test: isIpv4Address, reason: 'INVALID_IP4_GATEWAY', what: 'an IPv4 address' },
  {
    key: 'ip6Network',
    test: isIpv6Network,
    reason: 'INVALID_IP6_NETWORK',
    what: 'an IPv6 network (addr/len)',
  },
  { key: 'ip6Gateway', test: isIpv6Address, reason: 'INVALID_IP6_GATEWAY', what: 'an IPv6 address' },
  { key: 'dhcp4Start', test: isIpv4Address, reason: 'INVALID_DHCP4_START', what: 'an IPv4 address' },
  { key: 'dhcp4End', test: isIpv4Address, reason: 'INVALID_DHCP4_END', what: 'an IPv4 address' },
];

/** BAD_USER_INPUT with a reason per value when a given domain or address is malformed. */
function checkAddresses(values: AddressValues): void {
  for (const rule of ADDRESS_RULES) {
    const value = given(values[rule.key]);
    if (value !== null && !rule.test(value)) {
      throw badInput(`${rule.key} '${value}' is not valid: it must be ${rule.what}.`, {
        reason: rule.reason,
        argument: rule.key,
        value,
      });
    }
  }
}

function checkDhcp4Range(network: Pick<NetworkRecord, 'dhcp4Enabled' | 'dhcp4Start' | 'dhcp4End'>): void {
  if (network.dhcp4Enabled && (network.dhcp4Start === null || network.dhcp4End === null)) {
    throw badInput('DHCPv4 start and end addresses are required for a DHCPv4-enabled network.', {
      reason: 'DHCP4_RANGE_REQUIRED',
    });
  }
}

function vniExists(vni: number) {
  return conflict(`A network with VNI ${vni} already exists!`, { reason: 'VNI_EXISTS', vni });
}

@Resolver(() => Network)
export class NetworkResolver {
  constructor(private readonly source: NetworksSource) {}

  @Query(() => NetworkConnection, {
    description:
      'Networks ordered by VNI. With a filter, `matchedOn` says which patterns each network matched. INVALID_REGEX for a bad pattern.',
  })
  async networks(
    @Ctx() context: RequestContext,
    @Arg('filter', () => NetworkFilter, { nullable: true }) filter?: NetworkFilter | null,
    @Arg('first', () => Int, { nullable: true }) first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ) {
    requireAuthenticated(context);
    const vniPattern = filter?.vniMatches ? compilePattern(filter.vniMatches, 'filter.vniMatches') : null;
    const descriptionPattern = filter?.descriptionMatches
      ? compilePattern(filter.descriptionMatches, 'filter.descriptionMatches')
      : null;
    const filtering = vniPattern !== null || descriptionPattern !== null;
    const networks: Network[] = [];
    for (const record of await this.source.listNetworks()) {
      const matchedOn: NetworkMatchField[] = [];
      if (vniPattern?.test(String(record.vni))) matchedOn.push(NetworkMatchField.VNI);
      if (descriptionPattern?.test(record.description)) matchedOn.push(NetworkMatchField.DESCRIPTION);
      if (!filtering || matchedOn.length > 0) networks.push(Network.from(record, matchedOn));
    }
    return paginate(networks, (network) => network.id, { first, after });
  }

  @Query(() => Network, {
    nullable: true,
    description:
      'One network by exactly one of its VNI or its description (NETWORK_IDENTIFIER_REQUIRED otherwise); null when there is none.',
  })
  async network(
    @Ctx() context: RequestContext,
    @Arg('vni', () => ID, { nullable: true }) vni?: string | null,
    @Arg('description', () => String, { nullable: true }) description?: string | null,
  ) {
    requireAuthenticated(context);
    const record = await findNetwork(context, this.source, { vni, description });
    return record ? Network.from(record) : null;
  }

  @FieldResolver(() => DhcpLeaseConnection, {
    description: 'Active DHCPv4 leases, ordered by MAC. INVALID_REGEX for a bad pattern.',
  })
  async dhcpLeases(
    @Root() network: Network,
    @Ctx() context: RequestContext,
    @Arg('macMatches', () => String, {
      nullable: true,
      description: 'ECMAScript regular expression, searched in the MAC.',
    })
    macMatches?: string | null,
    @Arg('first', () => Int, { nullable: true }) first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ) {
    return this.leases(network, context, false, macMatches, first, after);
  }

  @FieldResolver(() => DhcpLeaseConnection, {
    description: 'Static DHCPv4 reservations, ordered by MAC. INVALID_REGEX for a bad pattern.',
  })
  async dhcpReservations(
    @Root() network: Network,
    @Ctx() context: RequestContext,
    @Arg('macMatches', () => String, {
      nullable: true,
      description: 'ECMAScript regular expression, searched in the MAC.',
    })
    macMatches?: string | null,
    @Arg('first', () => Int, { nullable: true }) first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ) {
    return this.leases(network, context, true, macMatches, first, after);
  }

  private async leases(
    network: Network,
    context: RequestContext,
    isStatic: boolean,
    macMatches: string | null | undefined,
    first: number | null | undefined,
    after: string | null | undefined,
  ) {
    requireAuthenticated(context);
    const pattern = macMatches ? compilePattern(macMatches, 'macMatches') : null;
    const rows = await networksLoaders(context, this.source).leasesOfNetwork.load(network.vni);
    const leases = rows
      .filter((lease) => lease.isStatic === isStatic && (!pattern || pattern.test(lease.mac)))
      .sort((a, b) => (a.mac < b.mac ? -1 : a.mac > b.mac ? 1 : 0))
      .map(DhcpLease.from);
    return paginate(leases, (lease) => lease.id, { first, after });
  }

  @FieldResolver(() => [Acl], {
    description:
      'Firewall rules: of one direction (`in` or `out`, INVALID_DIRECTION otherwise) or of both, `in` first, each in chain order. INVALID_REGEX for a bad pattern.',
  })
  async acls(
    @Root() network: Network,
    @Ctx() context: RequestContext,
    @Arg('direction', () => String, {
      nullable: true,
      description: 'Exactly `in` or `out`; absent for both.',
    })
    direction?: string | null,
    @Arg('descriptionMatches', () => String, {
      nullable: true,
      description: 'ECMAScript regular expression, searched in the description.',
    })
    descriptionMatches?: string | null,
  ) {
    requireAuthenticated(context);
    const chain = direction === null || direction === undefined ? null : checkDirection(direction);
    const pattern = descriptionMatches ? compilePattern(descriptionMatches, 'descriptionMatches') : null;
    const rows = await networksLoaders(context, this.source).aclsOfNetwork.load(network.vni);
    return rows
      .filter(
        (acl) => (chain === null || acl.direction === chain) && (!pattern || pattern.test(acl.description)),
      )
      .map(Acl.from);
  }

  @Mutation(() => Network, {
    description:
      'Adds a network. Checks in order: VNI_REQUIRED, INVALID_VNI, NETWORK_TYPE_REQUIRED, INVALID_NETWORK_TYPE, DHCP4_RANGE_REQUIRED, INVALID_DESCRIPTION, the address formats (INVALID_DOMAIN, INVALID_IP4_NETWORK, INVALID_IP4_GATEWAY, INVALID_IP6_NETWORK, INVALID_IP6_GATEWAY, INVALID_DHCP4_START, INVALID_DHCP4_END), then CONFLICT VNI_EXISTS, DESCRIPTION_EXISTS. Defaults: domain `<description>.local`; IPv6 gateway from the IPv6 network; DHCPv6 on exactly when an IPv6 network is given.',
  })
  async addNetwork(
    @Ctx() context: RequestContext,
    @Arg('input', () => NetworkAddInput) input: NetworkAddInput,
  ) {
    requirePrivileged(context);
    if (input.vni === null || input.vni === undefined) {
      throw badInput('A VNI must be specified for the virtual network.', {
        reason: 'VNI_REQUIRED',
        argument: 'vni',
      });
    }
    const vni = parseVni(input.vni);
    if (input.type === null || input.type === undefined) {
      throw badInput('A network type must be specified for the virtual network.', {
        reason: 'NETWORK_TYPE_REQUIRED',
        argument: 'type',
      });
    }
    const type = parseType(input.type);
    const dhcp4Start = given(input.dhcp4Start);
    const dhcp4End = given(input.dhcp4End);
    const dhcp4Enabled = input.dhcp4 === true;
    checkDhcp4Range({ dhcp4Enabled, dhcp4Start, dhcp4End });
    if (!DESCRIPTION_PATTERN.test(input.description)) {
      throw badInput(
        `Network description '${input.description}' is not valid: use 1 to 63 letters, digits, '.', '_' or '-', starting with a letter or digit.`,
        { reason: 'INVALID_DESCRIPTION', argument: 'description', description: input.description },
      );
    }
    checkAddresses(input);
    const ip6Network = given(input.ip6Network);
    const record: NetworkRecord = {
      vni,
      description: input.description,
      type,
      domain: given(input.domain) ?? defaultDomain(input.description),
      ip4Network: given(input.ip4Network),
      ip4Gateway: given(input.ip4Gateway),
      dhcp4Enabled,
      dhcp4Start,
      dhcp4End,
      ip6Network,
      ip6Gateway: given(input.ip6Gateway) ?? (ip6Network ? defaultIpv6Gateway(ip6Network) : null),
      dhcp6Enabled: ip6Network !== null,
    };
    if ((await this.source.getNetworksByVni([vni])).length > 0) throw vniExists(vni);
    if ((await this.source.getNetworksByDescription([record.description])).length > 0) {
      throw conflict(`A network with description ${record.description} already exists!`, {
        reason: 'DESCRIPTION_EXISTS',
        description: record.description,
      });
    }
    await this.source.createNetwork(record);
    return Network.from(record);
  }

  @Mutation(() => Network, {
    description:
      'Changes the given values of a network. Checks in order: INVALID_NETWORK_TYPE, INVALID_VNI, the address formats, NOT_FOUND NETWORK_NOT_FOUND, CONFLICT VNI_EXISTS, then DHCP4_RANGE_REQUIRED on the changed network. A new IPv6 network without a gateway regenerates the gateway.',
  })
  async modifyNetwork(
    @Ctx() context: RequestContext,
    @Arg('network', () => NetworkLookup) lookup: NetworkLookup,
    @Arg('changes', () => NetworkChangesInput) changes: NetworkChangesInput,
  ) {
    requirePrivileged(context);
    checkIdentifier(lookup);
    const type = given(changes.type);
    const newType = type === null ? null : parseType(type);
    const vniText = given(changes.vni);
    const newVni = vniText === null ? null : parseVni(vniText);
    checkAddresses(changes);
    const current = await requireNetwork(context, this.source, lookup);
    if (
      newVni !== null &&
      newVni !== current.vni &&
      (await this.source.getNetworksByVni([newVni])).length > 0
    ) {
      throw vniExists(newVni);
    }
    const ip6Network = given(changes.ip6Network);
    const updated: NetworkRecord = {
      ...current,
      vni: newVni ?? current.vni,
      type: newType ?? current.type,
      domain: given(changes.domain) ?? current.domain,
      ip4Network: given(changes.ip4Network) ?? current.ip4Network,
      ip4Gateway: given(changes.ip4Gateway) ?? current.ip4Gateway,
      dhcp4Enabled: changes.dhcp4 ?? current.dhcp4Enabled,
      dhcp4Start: given(changes.dhcp4Start) ?? current.dhcp4Start,
      dhcp4End: given(changes.dhcp4End) ?? current.dhcp4End,
      ip6Network: ip6Network ?? current.ip6Network,
      ip6Gateway:
        given(changes.ip6Gateway) ??
        (ip6Network !== null ? defaultIpv6Gateway(ip6Network) : current.ip6Gateway),
    };
    updated.dhcp6Enabled = updated.ip6Network !== null;
    checkDhcp4Range(updated);
    await this.source.replaceNetwork(current.vni, updated);
    return Network.from(updated);
  }

  @Mutation(() => Network, {
    description:
      'Removes a network with its leases, reservations and rules; returns it as it was. NOT_FOUND NETWORK_NOT_FOUND.',
  })
  async removeNetwork(
    @Ctx() context: RequestContext,
    @Arg('network', () => NetworkLookup) lookup: NetworkLookup,
  ) {
    requirePrivileged(context);
    const current = await requireNetwork(context, this.source, lookup);
    await this.source.deleteNetwork(current.vni);
    return Network.from(current);
  }
}
