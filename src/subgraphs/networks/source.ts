/**
 * What the networks subgraph needs from a backend: client networks, their DHCP leases and static
 * reservations, and their firewall rules (ACLs). Drivers only store and fetch; every rule (checks
 * and their order, defaults, selection) lives in the subgraph. Methods that take keys take many
 * at once (for batching).
 */

export type NetworkType = 'managed' | 'bridged';
export type AclDirection = 'in' | 'out';

export interface NetworkRecord {
  /** The VXLAN network identifier (or VLAN id of a bridged network); the bridge is `vmbr<vni>`. */
  vni: number;
  /** Unique name of the network. */
  description: string;
  type: NetworkType;
  domain: string | null;
  /** `a.b.c.d/len`, when set. */
  ip4Network: string | null;
  ip4Gateway: string | null;
  dhcp4Enabled: boolean;
  dhcp4Start: string | null;
  dhcp4End: string | null;
  /** `addr/len`, when set. */
  ip6Network: string | null;
  ip6Gateway: string | null;
  dhcp6Enabled: boolean;
}

export interface DhcpLeaseRecord {
  vni: number;
  /** Lower-case, `:`-separated. */
  mac: string;
  ipAddress: string;
  hostname: string | null;
  /** Static reservation (true) or a lease the DHCP server handed out (false). */
  isStatic: boolean;
  /** Expiry of an active lease in epoch seconds; null for reservations. */
  expiresAt: number | null;
}

export interface AclRecord {
  vni: number;
  direction: AclDirection;
  description: string;
  /** The nft rule line. */
  rule: string;
  /** 0-based position in the direction's chain. */
  position: number;
}

/** A network one of a VM's NICs is attached to (its bridge is the NIC's source). */
export interface VmNetworkRecord {
  vmId: string;
  network: NetworkRecord;
}

export interface NetworksSource {
  /** Every network, ordered by VNI. */
  listNetworks(): Promise<NetworkRecord[]>;
  /** The networks with these VNIs, in any order; unknown VNIs are left out. */
  getNetworksByVni(vnis: readonly number[]): Promise<NetworkRecord[]>;
  /** The networks with these exact descriptions, in any order; unknown ones are left out. */
  getNetworksByDescription(descriptions: readonly string[]): Promise<NetworkRecord[]>;
  /**
   * Stores a new network. The subgraph has checked it; the store still refuses (CONFLICT
   * VNI_EXISTS / DESCRIPTION_EXISTS) a VNI or description that appeared in the meantime.
   */
  createNetwork(network: NetworkRecord): Promise<void>;
  /**
   * Replaces the network stored under `vni` by `network` (whose VNI may differ: its leases and
   * rules move with it). CONFLICT VNI_EXISTS when the new VNI is taken, NOT_FOUND when `vni` is gone.
   */
  replaceNetwork(vni: number, network: NetworkRecord): Promise<void>;
  /** Deletes a network with its leases, reservations and rules; NOT_FOUND when it is gone. */
  deleteNetwork(vni: number): Promise<void>;

  /** Active leases and reservations of these networks, ordered by VNI then MAC. */
  dhcpLeasesOf(vnis: readonly number[]): Promise<DhcpLeaseRecord[]>;
  /** Stores a reservation; CONFLICT RESERVATION_EXISTS when the MAC is reserved already. */
  addDhcpReservation(reservation: DhcpLeaseRecord): Promise<void>;
  /** Deletes the reservation of `mac`; NOT_FOUND RESERVATION_NOT_FOUND when it is gone. */
  removeDhcpReservation(vni: number, mac: string): Promise<void>;

  /** Firewall rules of these networks, ordered by VNI, direction (`in` first), position. */
  aclsOf(vnis: readonly number[]): Promise<AclRecord[]>;
  /**
   * Inserts a rule at `rule.position` of its chain (0 ≤ position ≤ chain length, checked by the
   * subgraph), moving the rules from there on down by one. CONFLICT RULE_EXISTS on a duplicate.
   */
  insertAcl(rule: AclRecord): Promise<void>;
  /** Deletes the rules with this description in these directions, closing the gaps; returns them. */
  removeAcls(vni: number, description: string, directions: readonly AclDirection[]): Promise<AclRecord[]>;

  /** Networks whose bridge is the source of a NIC of these VMs, ordered by VM then VNI. */
  networksOfVms(vmIds: readonly string[]): Promise<VmNetworkRecord[]>;
}
