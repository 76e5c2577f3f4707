import { Directive, Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DateTime } from '../kit/index.js';
import { bridgeOf } from './rules.js';
import type { AclRecord, DhcpLeaseRecord, NetworkRecord } from './source.js';

export enum NetworkType {
  MANAGED = 'managed',
  BRIDGED = 'bridged',
}
registerEnumType(NetworkType, {
  name: 'NetworkType',
  description:
    'Managed networks are VXLANs the cluster routes and serves DHCP/DNS on; bridged networks are plain VLANs bridged to the hosts.',
});

export enum NetworkMatchField {
  VNI = 'vni',
  DESCRIPTION = 'description',
}
registerEnumType(NetworkMatchField, {
  name: 'NetworkMatchField',
  description: 'Which pattern of a `NetworkFilter` a listed network matched.',
});

export enum AclDirection {
  IN = 'in',
  OUT = 'out',
}
registerEnumType(AclDirection, {
  name: 'AclDirection',
  description: 'The firewall chain of a rule: traffic into (`IN`) or out of (`OUT`) the network.',
});

@ObjectType({ description: 'IPv4 configuration of a network. Unset values are null.' })
export class NetworkIpv4 {
  @Field(() => String, { nullable: true, description: 'Network in CIDR form, e.g. `10.100.0.0/24`.' })
  network!: string | null;
  @Field(() => String, { nullable: true }) gateway!: string | null;
  @Field(() => Boolean, { description: 'Whether the cluster serves DHCPv4 on the network.' })
  dhcpEnabled!: boolean;
  @Field(() => String, { nullable: true, description: 'First address of the DHCPv4 range.' })
  dhcpStart!: string | null;
  @Field(() => String, { nullable: true, description: 'Last address of the DHCPv4 range.' })
  dhcpEnd!: string | null;
}

@ObjectType({ description: 'IPv6 configuration of a network. Unset values are null.' })
export class NetworkIpv6 {
  @Field(() => String, { nullable: true, description: 'Network in CIDR form, e.g. `fd00:100::/64`.' })
  network!: string | null;
  @Field(() => String, { nullable: true }) gateway!: string | null;
  @Field(() => Boolean, {
    description: 'Whether the cluster serves DHCPv6 (true exactly when an IPv6 network is set).',
  })
  dhcpEnabled!: boolean;
}

@ObjectType({ description: 'A client network of the cluster (a VXLAN or VLAN with its bridge).' })
@Directive('@key(fields: "id")')
export class Network {
  @Field(() => ID, { description: 'The VNI, in decimal.' }) id!: string;
  @Field(() => Int, { description: 'VXLAN network identifier (VLAN id for bridged networks).' }) vni!: number;
  @Field(() => String, { description: 'Unique name of the network.' }) description!: string;
  @Field(() => NetworkType) type!: NetworkType;
  @Field(() => String, { nullable: true, description: 'DNS domain served on the network.' }) domain!:
    string | null;
  @Field(() => String, { description: 'The Linux bridge VMs attach to: `vmbr<VNI>`.' }) bridge!: string;
  @Field(() => NetworkIpv4) ipv4!: NetworkIpv4;
  @Field(() => NetworkIpv6) ipv6!: NetworkIpv6;
  @Field(() => [NetworkMatchField], {
    description:
      'Which patterns of the `networks` filter this network matched, VNI first (empty without a filter). Legacy PVC lists a network once per match.',
  })
  matchedOn!: NetworkMatchField[];

  /** The stored record, for field resolvers. */
  record!: NetworkRecord;

  static from(record: NetworkRecord, matchedOn: NetworkMatchField[] = []): Network {
    return Object.assign(new Network(), {
      id: String(record.vni),
      vni: record.vni,
      description: record.description,
      type: record.type as NetworkType,
      domain: record.domain,
      bridge: bridgeOf(record.vni),
      ipv4: Object.assign(new NetworkIpv4(), {
        network: record.ip4Network,
        gateway: record.ip4Gateway,
        dhcpEnabled: record.dhcp4Enabled,
        dhcpStart: record.dhcp4Start,
        dhcpEnd: record.dhcp4End,
      }),
      ipv6: Object.assign(new NetworkIpv6(), {
        network: record.ip6Network,
        gateway: record.ip6Gateway,
        dhcpEnabled: record.dhcp6Enabled,
      }),
      matchedOn,
      record,
    });
  }
}

/** The id of a lease: `<vni>/static/<mac>` or `<vni>/active/<mac>`. */
export function dhcpLeaseId(record: Pick<DhcpLeaseRecord, 'vni' | 'isStatic' | 'mac'>): string {
  return `${record.vni}/${record.isStatic ? 'static' : 'active'}/${record.mac}`;
}

@ObjectType({ description: 'A DHCPv4 lease handed out on a managed network, or a static reservation.' })
@Directive('@key(fields: "id")')
export class DhcpLease {
  @Field(() => ID, { description: '`<vni>/static/<mac>` for reservations, `<vni>/active/<mac>` for leases.' })
  id!: string;
  @Field(() => String, { description: 'Lower-case, `:`-separated.' }) macAddress!: string;
  @Field(() => String) ipAddress!: string;
  @Field(() => String, { nullable: true, description: 'Null when none was given.' }) hostname!: string | null;
  @Field(() => Boolean, { description: 'True for a static reservation, false for an active lease.' })
  isStatic!: boolean;
  @Field(() => DateTime, { nullable: true, description: 'Expiry of an active lease; null for reservations.' })
  expiresAt!: Date | null;

  record!: DhcpLeaseRecord;

  static from(record: DhcpLeaseRecord): DhcpLease {
    return Object.assign(new DhcpLease(), {
      id: dhcpLeaseId(record),
      macAddress: record.mac,
      ipAddress: record.ipAddress,
      hostname: record.hostname,
      isStatic: record.isStatic,
      expiresAt: record.expiresAt === null ? null : new Date(record.expiresAt * 1000),
      record,
    });
  }
}

/** The id of a firewall rule: `<vni>/<direction>/<description>`. */
export function aclId(record: Pick<AclRecord, 'vni' | 'direction' | 'description'>): string {
  return `${record.vni}/${record.direction}/${record.description}`;
}

@ObjectType({ description: 'A firewall rule (nft rule line) in one chain of a managed network.' })
@Directive('@key(fields: "id")')
export class Acl {
  @Field(() => ID, { description: '`<vni>/<direction>/<description>`.' }) id!: string;
  @Field(() => AclDirection) direction!: AclDirection;
  @Field(() => String, { description: 'Unique within the chain.' }) description!: string;
  @Field(() => String, { description: 'The nft rule line.' }) rule!: string;
  @Field(() => Int, { description: '0-based position in the chain.' }) order!: number;

  record!: AclRecord;

  static from(record: AclRecord): Acl {
    return Object.assign(new Acl(), {
      id: aclId(record),
      direction: record.direction as AclDirection,
      description: record.description,
      rule: record.rule,
      order: record.position,
      record,
    });
  }
}

/** A virtual machine, owned by the vms subgraph. */
@ObjectType('VirtualMachine', { description: 'A virtual machine (owned by the vms subgraph).' })
@Directive('@key(fields: "id")')
export class VirtualMachineRef {
  @Field(() => ID, { description: 'The VM’s UUID.' }) id!: string;
}
