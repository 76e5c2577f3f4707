import { Arg, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { badInput, conflict, notFound } from '../../errors/index.js';
import { requireAuthenticated, requirePrivileged, type RequestContext } from '../kit/index.js';
import { networksLoaders } from './loaders.js';
import { checkIdentifier, requireNetwork } from './lookup.js';
import { DhcpReservationInput, NetworkLookup } from './network.inputs.js';
import { DhcpLease, Network } from './network.type.js';
import { HOSTNAME_PATTERN, isIpv4Address, normalizeMac } from './rules.js';
import type { DhcpLeaseRecord, NetworksSource } from './source.js';

@Resolver(() => DhcpLease)
export class DhcpLeaseResolver {
  constructor(private readonly source: NetworksSource) {}

  @FieldResolver(() => Network, { nullable: true, description: 'The network of the lease.' })
  async network(@Root() lease: DhcpLease, @Ctx() context: RequestContext) {
    requireAuthenticated(context);
    const record = await networksLoaders(context, this.source).networkByVni.load(lease.record.vni);
    return record ? Network.from(record) : null;
  }

  @Query(() => String, {
    nullable: true,
    description:
      'The MAC address (lower case) of a client IPv4 address on one of the cloud’s own networks, from its active (unexpired) DHCP lease or, failing that, its static reservation; null when the address is on none of them (a client behind a router). FOSS-Cloud’s thin-client mapping asks it instead of `arp`. BAD_USER_INPUT INVALID_IP.',
  })
  async clientMacAddress(@Ctx() context: RequestContext, @Arg('ip', () => String) ip: string) {
    requireAuthenticated(context);
    if (!isIpv4Address(ip))
      throw badInput(`'${ip.slice(0, 64)}' is not an IPv4 address`, { reason: 'INVALID_IP' });
    const networks = await this.source.listNetworks();
    const leases = await this.source.dhcpLeasesOf(networks.map((network) => network.vni));
    const matching = leases.filter((lease) => lease.ipAddress === ip);
    const now = Date.now() / 1000;
    const found =
      matching.find((lease) => !lease.isStatic && (lease.expiresAt === null || lease.expiresAt > now)) ??
      matching.find((lease) => lease.isStatic);
    return found ? found.mac.toLowerCase() : null;
  }

  @Mutation(() => DhcpLease, {
    description:
      'Adds a static DHCPv4 reservation. Checks in order: IP_ADDRESS_REQUIRED, NOT_FOUND NETWORK_NOT_FOUND, INVALID_MAC, INVALID_IP, INVALID_HOSTNAME, then CONFLICT RESERVATION_EXISTS. The MAC is stored lower-case.',
  })
  async addDhcpReservation(
    @Ctx() context: RequestContext,
    @Arg('network', () => NetworkLookup) lookup: NetworkLookup,
    @Arg('reservation', () => DhcpReservationInput) input: DhcpReservationInput,
  ) {
    requirePrivileged(context);
    checkIdentifier(lookup);
    if (input.ipAddress === null || input.ipAddress === undefined) {
      throw badInput('An IP address must be specified for the lease.', {
        reason: 'IP_ADDRESS_REQUIRED',
        argument: 'ipAddress',
      });
    }
    const network = await requireNetwork(context, this.source, lookup);
    const mac = normalizeMac(input.mac);
    if (mac === null) {
      throw badInput(
        `MAC address '${input.mac.toLowerCase()}' is not valid! Always use ':' as a separator.`,
        {
          reason: 'INVALID_MAC',
          argument: 'mac',
          mac: input.mac.toLowerCase(),
        },
      );
    }
    if (!isIpv4Address(input.ipAddress)) {
      throw badInput(`IP address '${input.ipAddress}' is not valid!`, {
        reason: 'INVALID_IP',
        argument: 'ipAddress',
        ipAddress: input.ipAddress,
        mac,
      });
    }
    const hostname =
      input.hostname === undefined || input.hostname === null || input.hostname === ''
        ? null
        : input.hostname;
    if (hostname !== null && !HOSTNAME_PATTERN.test(hostname)) {
      throw badInput(
        `Host name '${hostname}' is not valid: use letters, digits, '.', '_' or '-', starting with a letter or digit.`,
        {
          reason: 'INVALID_HOSTNAME',
          argument: 'hostname',
          hostname,
        },
      );
    }
    const existing = await this.source.dhcpLeasesOf([network.vni]);
    if (existing.some((lease) => lease.isStatic && lease.mac === mac)) {
      throw conflict(`A reservation with MAC '${mac}' already exists!`, {
        reason: 'RESERVATION_EXISTS',
        mac,
      });
    }
    const record: DhcpLeaseRecord = {
      vni: network.vni,
      mac,
      ipAddress: input.ipAddress,
      hostname,
      isStatic: true,
      expiresAt: null,
    };
    await this.source.addDhcpReservation(record);
    return DhcpLease.from(record);
  }

  @Mutation(() => DhcpLease, {
    description:
      'Removes the static reservation whose MAC, host name or IP address equals `match` exactly (the last in MAC order when several do); returns it. NOT_FOUND NETWORK_NOT_FOUND or RESERVATION_NOT_FOUND.',
  })
  async removeDhcpReservation(
    @Ctx() context: RequestContext,
    @Arg('network', () => NetworkLookup) lookup: NetworkLookup,
    @Arg('match', () => String, { description: 'A MAC address, host name or IP address.' }) match: string,
  ) {
    requirePrivileged(context);
    const network = await requireNetwork(context, this.source, lookup);
    const matching = (await this.source.dhcpLeasesOf([network.vni]))
      .filter(
        (lease) =>
          lease.isStatic && (lease.mac === match || lease.hostname === match || lease.ipAddress === match),
      )
      .sort((a, b) => (a.mac < b.mac ? -1 : a.mac > b.mac ? 1 : 0));
    const chosen = matching.at(-1);
    if (!chosen) {
      throw notFound(`No DHCP reservation exists matching '${match}'!`, {
        reason: 'RESERVATION_NOT_FOUND',
        match,
      });
    }
    await this.source.removeDhcpReservation(network.vni, chosen.mac);
    return DhcpLease.from(chosen);
  }
}
