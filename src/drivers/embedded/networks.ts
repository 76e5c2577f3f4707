import type {
  AclDirection,
  AclRecord,
  DhcpLeaseRecord,
  NetworkRecord,
  NetworksSource,
  VmNetworkRecord,
} from '../../subgraphs/networks/index.js';
import { conflict, notFound } from '../../errors/index.js';
import type { Store } from './store.js';

interface NetworkRow {
  vni: number;
  description: string;
  type: string;
  domain: string | null;
  ip4_network: string | null;
  ip4_gateway: string | null;
  dhcp4_enabled: number;
  dhcp4_start: string | null;
  dhcp4_end: string | null;
  ip6_network: string | null;
  ip6_gateway: string | null;
  dhcp6_enabled: number;
}

interface LeaseRow {
  vni: number;
  is_static: number;
  mac: string;
  ip_address: string;
  hostname: string | null;
  expires_at: number | null;
}

interface AclRow {
  vni: number;
  direction: string;
  description: string;
  rule: string;
  position: number;
}

const NETWORK_COLUMNS = `vni, description, type, domain, ip4_network, ip4_gateway, dhcp4_enabled, dhcp4_start,
  dhcp4_end, ip6_network, ip6_gateway, dhcp6_enabled`;

function toNetwork(row: NetworkRow): NetworkRecord {
  return {
    vni: row.vni,
    description: row.description,
    type: row.type as NetworkRecord['type'],
    domain: row.domain,
    ip4Network: row.ip4_network,
    ip4Gateway: row.ip4_gateway,
    dhcp4Enabled: row.dhcp4_enabled === 1,
    dhcp4Start: row.dhcp4_start,
    dhcp4End: row.dhcp4_end,
    ip6Network: row.ip6_network,
    ip6Gateway: row.ip6_gateway,
    dhcp6Enabled: row.dhcp6_enabled === 1,
  };
}

function networkParams(network: NetworkRecord) {
  return {
    vni: network.vni,
    description: network.description,
    type: network.type,
    domain: network.domain,
    ip4_network: network.ip4Network,
    ip4_gateway: network.ip4Gateway,
    dhcp4_enabled: network.dhcp4Enabled ? 1 : 0,
    dhcp4_start: network.dhcp4Start,
    dhcp4_end: network.dhcp4End,
    ip6_network: network.ip6Network,
    ip6_gateway: network.ip6Gateway,
    dhcp6_enabled: network.dhcp6Enabled ? 1 : 0,
  };
}

function toLease(row: LeaseRow): DhcpLeaseRecord {
  return {
    vni: row.vni,
    mac: row.mac,
    ipAddress: row.ip_address,
    hostname: row.hostname,
    isStatic: row.is_static === 1,
    expiresAt: row.expires_at,
  };
}

function toAcl(row: AclRow): AclRecord {
  return {
    vni: row.vni,
    direction: row.direction as AclDirection,
    description: row.description,
    rule: row.rule,
    position: row.position,
  };
}

/** Inserts a network row (shared with the importer). */
export function insertNetworkRow(store: Store, network: NetworkRecord): void {
  store.db
    .prepare(
      `INSERT INTO networks (${NETWORK_COLUMNS}) VALUES (@vni, @description, @type, @domain, @ip4_network,
        @ip4_gateway, @dhcp4_enabled, @dhcp4_start, @dhcp4_end, @ip6_network, @ip6_gateway, @dhcp6_enabled)`,
    )
    .run(networkParams(network));
}

/** Inserts a lease or reservation row (shared with the importer). */
export function insertLeaseRow(store: Store, lease: DhcpLeaseRecord): void {
  store.db
    .prepare(
      'INSERT INTO network_dhcp_leases (vni, is_static, mac, ip_address, hostname, expires_at) VALUES (?, ?, ?, ?, ?, ?)',
    )
    .run(lease.vni, lease.isStatic ? 1 : 0, lease.mac, lease.ipAddress, lease.hostname, lease.expiresAt);
}

/** Networks, DHCP leases and firewall rules kept in the embedded store. */
export class EmbeddedNetworks implements NetworksSource {
  constructor(private readonly store: Store) {}

  private networkExists(column: 'vni' | 'description', value: number | string): boolean {
    return this.store.db.prepare(`SELECT 1 FROM networks WHERE ${column} = ?`).get(value) !== undefined;
  }

  async listNetworks(): Promise<NetworkRecord[]> {
    const rows = this.store.db
      .prepare(`SELECT ${NETWORK_COLUMNS} FROM networks ORDER BY vni`)
      .all() as NetworkRow[];
    return rows.map(toNetwork);
  }

  async getNetworksByVni(vnis: readonly number[]): Promise<NetworkRecord[]> {
    if (vnis.length === 0) return [];
    const rows = this.store.db
      .prepare(`SELECT ${NETWORK_COLUMNS} FROM networks WHERE vni IN (SELECT value FROM json_each(?))`)
      .all(JSON.stringify(vnis)) as NetworkRow[];
    return rows.map(toNetwork);
  }

  async getNetworksByDescription(descriptions: readonly string[]): Promise<NetworkRecord[]> {
    if (descriptions.length === 0) return [];
    const rows = this.store.db
      .prepare(
        `SELECT ${NETWORK_COLUMNS} FROM networks WHERE description IN (SELECT value FROM json_each(?))`,
      )
      .all(JSON.stringify(descriptions)) as NetworkRow[];
    return rows.map(toNetwork);
  }

  async createNetwork(network: NetworkRecord): Promise<void> {
    this.store.transaction(() => {
      if (this.networkExists('vni', network.vni)) {
        throw conflict(`A network with VNI ${network.vni} already exists!`, {
          reason: 'VNI_EXISTS',
          vni: network.vni,
        });
      }
      if (this.networkExists('description', network.description)) {
        throw conflict(`A network with description ${network.description} already exists!`, {
          reason: 'DESCRIPTION_EXISTS',
          description: network.description,
        });
      }
      insertNetworkRow(this.store, network);
    });
  }

  async replaceNetwork(vni: number, network: NetworkRecord): Promise<void> {
    this.store.transaction(() => {
      if (!this.networkExists('vni', vni)) {
        throw notFound(`Could not find network '${vni}' in the cluster!`, {
          reason: 'NETWORK_NOT_FOUND',
          network: String(vni),
        });
      }
      if (network.vni !== vni && this.networkExists('vni', network.vni)) {
        throw conflict(`A network with VNI ${network.vni} already exists!`, {
          reason: 'VNI_EXISTS',
          vni: network.vni,
        });
      }
      // Leases and rules follow a VNI change through ON UPDATE CASCADE.
      this.store.db
        .prepare(
          `UPDATE networks SET vni = @vni, description = @description, type = @type, domain = @domain,
            ip4_network = @ip4_network, ip4_gateway = @ip4_gateway, dhcp4_enabled = @dhcp4_enabled,
            dhcp4_start = @dhcp4_start, dhcp4_end = @dhcp4_end, ip6_network = @ip6_network,
            ip6_gateway = @ip6_gateway, dhcp6_enabled = @dhcp6_enabled
           WHERE vni = @old_vni`,
        )
        .run({ ...networkParams(network), old_vni: vni });
    });
  }

  async deleteNetwork(vni: number): Promise<void> {
    this.store.transaction(() => {
      const result = this.store.db.prepare('DELETE FROM networks WHERE vni = ?').run(vni);
      if (result.changes === 0) {
        throw notFound(`Could not find network '${vni}' in the cluster!`, {
          reason: 'NETWORK_NOT_FOUND',
          network: String(vni),
        });
      }
    });
  }

  async dhcpLeasesOf(vnis: readonly number[]): Promise<DhcpLeaseRecord[]> {
    if (vnis.length === 0) return [];
    const rows = this.store.db
      .prepare(
        `SELECT * FROM network_dhcp_leases WHERE vni IN (SELECT value FROM json_each(?)) ORDER BY vni, mac, is_static`,
      )
      .all(JSON.stringify(vnis)) as LeaseRow[];
    return rows.map(toLease);
  }

  async addDhcpReservation(reservation: DhcpLeaseRecord): Promise<void> {
    this.store.transaction(() => {
      if (!this.networkExists('vni', reservation.vni)) {
        throw notFound(`Could not find network '${reservation.vni}' in the cluster!`, {
          reason: 'NETWORK_NOT_FOUND',
          network: String(reservation.vni),
        });
      }
      const existing = this.store.db
        .prepare('SELECT 1 FROM network_dhcp_leases WHERE vni = ? AND is_static = 1 AND mac = ?')
        .get(reservation.vni, reservation.mac);
      if (existing) {
        throw conflict(`A reservation with MAC '${reservation.mac}' already exists!`, {
          reason: 'RESERVATION_EXISTS',
          mac: reservation.mac,
        });
      }
      insertLeaseRow(this.store, { ...reservation, isStatic: true, expiresAt: null });
    });
  }

  async removeDhcpReservation(vni: number, mac: string): Promise<void> {
    this.store.transaction(() => {
      const result = this.store.db
        .prepare('DELETE FROM network_dhcp_leases WHERE vni = ? AND is_static = 1 AND mac = ?')
        .run(vni, mac);
      if (result.changes === 0) {
        throw notFound(`No DHCP reservation exists matching '${mac}'!`, {
          reason: 'RESERVATION_NOT_FOUND',
          match: mac,
        });
      }
    });
  }

  async aclsOf(vnis: readonly number[]): Promise<AclRecord[]> {
    if (vnis.length === 0) return [];
    const rows = this.store.db
      .prepare(
        `SELECT * FROM network_acls WHERE vni IN (SELECT value FROM json_each(?))
         ORDER BY vni, CASE direction WHEN 'in' THEN 0 ELSE 1 END, position`,
      )
      .all(JSON.stringify(vnis)) as AclRow[];
    return rows.map(toAcl);
  }

  async insertAcl(rule: AclRecord): Promise<void> {
    this.store.transaction(() => {
      if (!this.networkExists('vni', rule.vni)) {
        throw notFound(`Could not find network '${rule.vni}' in the cluster!`, {
          reason: 'NETWORK_NOT_FOUND',
          network: String(rule.vni),
        });
      }
      const { length } = this.store.db
        .prepare('SELECT COUNT(*) AS length FROM network_acls WHERE vni = ? AND direction = ?')
        .get(rule.vni, rule.direction) as { length: number };
      const position = Math.min(Math.max(rule.position, 0), length);
      this.store.db
        .prepare(
          'UPDATE network_acls SET position = position + 1 WHERE vni = ? AND direction = ? AND position >= ?',
        )
        .run(rule.vni, rule.direction, position);
      // The primary key refuses a duplicate description; the shift above is then rolled back.
      const duplicate = this.store.db
        .prepare('SELECT 1 FROM network_acls WHERE vni = ? AND direction = ? AND description = ?')
        .get(rule.vni, rule.direction, rule.description);
      if (duplicate) {
        throw conflict(`A rule with description '${rule.description}' already exists!`, {
          reason: 'RULE_EXISTS',
          description: rule.description,
          direction: rule.direction,
        });
      }
      this.store.db
        .prepare(
          'INSERT INTO network_acls (vni, direction, description, rule, position) VALUES (?, ?, ?, ?, ?)',
        )
        .run(rule.vni, rule.direction, rule.description, rule.rule, position);
    });
  }

  async removeAcls(
    vni: number,
    description: string,
    directions: readonly AclDirection[],
  ): Promise<AclRecord[]> {
    return this.store.transaction(() => {
      const removed: AclRecord[] = [];
      for (const direction of directions) {
        const row = this.store.db
          .prepare('SELECT * FROM network_acls WHERE vni = ? AND direction = ? AND description = ?')
          .get(vni, direction, description) as AclRow | undefined;
        if (!row) continue;
        this.store.db
          .prepare('DELETE FROM network_acls WHERE vni = ? AND direction = ? AND description = ?')
          .run(vni, direction, description);
        this.store.db
          .prepare(
            'UPDATE network_acls SET position = position - 1 WHERE vni = ? AND direction = ? AND position > ?',
          )
          .run(vni, direction, row.position);
        removed.push(toAcl(row));
      }
      if (removed.length === 0) {
        throw notFound(`No firewall rule exists matching description '${description}'!`, {
          reason: 'RULE_NOT_FOUND',
          description,
        });
      }
      return removed;
    });
  }

  async networksOfVms(vmIds: readonly string[]): Promise<VmNetworkRecord[]> {
    if (vmIds.length === 0) return [];
    // Many VMs share few networks: read each network once, not once per VM attached to it.
    const links = this.store.db
      .prepare(
        // From the VMs asked for to their NICs (CROSS JOIN keeps that order): SQLite would
        // otherwise walk every NIC of each network.
        `SELECT DISTINCT nic.vm_uuid AS vm_id, n.vni AS vni
         FROM json_each(?) j CROSS JOIN vm_nics nic ON nic.vm_uuid = j.value
         JOIN networks n ON nic.source = 'vmbr' || n.vni
         ORDER BY nic.vm_uuid, n.vni`,
      )
      .all(JSON.stringify(vmIds)) as { vm_id: string; vni: number }[];
    const vnis = [...new Set(links.map((link) => link.vni))];
    const networks = new Map(
      (
        this.store.db
          .prepare(`SELECT ${NETWORK_COLUMNS} FROM networks WHERE vni IN (SELECT value FROM json_each(?))`)
          .all(JSON.stringify(vnis)) as NetworkRow[]
      ).map((row) => [row.vni, toNetwork(row)]),
    );
    return links.map((link) => ({ vmId: link.vm_id, network: networks.get(link.vni)! }));
  }
}
