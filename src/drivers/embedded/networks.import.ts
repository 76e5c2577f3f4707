/**
 * Section `networks` of a datacenter description: client networks with their DHCP leases,
 * static reservations and firewall rules.
 *
 * ```yaml
 * networks:
 *   - vni: 100                       # required; 1–16777215, unique; the bridge is vmbr<vni>
 *     description: net1              # required, unique; letters, digits, . _ - (max 63)
 *     type: managed                  # managed | bridged (required)
 *     domain: net1.local             # default <description>.local
 *     ip4:                           # optional
 *       network: 10.100.0.0/24       # a.b.c.d/len
 *       gateway: 10.100.0.1
 *       dhcp: true                   # default false; needs dhcpStart and dhcpEnd
 *       dhcpStart: 10.100.0.100
 *       dhcpEnd: 10.100.0.199
 *     ip6:                           # optional; DHCPv6 is on exactly when network is set
 *       network: fd00:100::/64
 *       gateway: fd00:100::1         # default: the network's address part followed by 1
 *     dhcpReservations:              # static reservations; MAC unique per network
 *       - { mac: '52:54:00:00:00:01', ip: 10.100.0.101, hostname: test1 }   # hostname optional
 *     dhcpLeases:                    # active leases handed out by the DHCP server
 *       - { mac: '52:54:00:00:00:03', ip: 10.100.0.150, hostname: web1, expires: 1893456000 }  # epoch seconds
 *     acls:                          # firewall rules, each chain in order; descriptions unique per chain
 *       in:
 *         - { description: allow-ssh, rule: tcp dport 22 accept }
 *       out:
 *         - { description: allow-all, rule: accept }
 * ```
 */
import { z } from 'zod';
import {
  DESCRIPTION_PATTERN,
  DOMAIN_PATTERN,
  HOSTNAME_PATTERN,
  MAX_VNI,
  defaultDomain,
  defaultIpv6Gateway,
  isIpv4Address,
  isIpv4Network,
  isIpv6Address,
  isIpv6Network,
  isRuleLine,
  normalizeMac,
  type NetworkRecord,
} from '../../subgraphs/networks/index.js';
import { DatacenterImportError } from './import-error.js';
import { insertLeaseRow, insertNetworkRow } from './networks.js';
import type { Store } from './store.js';

const ipv4 = z.string().refine(isIpv4Address, 'not an IPv4 address');
const mac = z
  .string()
  .refine((value) => normalizeMac(value) !== null, "not a MAC address (six ':'-separated hexadecimal pairs)")
  .transform((value) => value.toLowerCase());
const hostname = z
  .string()
  .regex(HOSTNAME_PATTERN, "letters, digits, '.', '_' or '-', starting with a letter or digit");
const description = z
  .string()
  .regex(DESCRIPTION_PATTERN, "1 to 63 letters, digits, '.', '_' or '-', starting with a letter or digit");

const AclSchema = z.strictObject({
  description,
  rule: z.string().refine(isRuleLine, 'an nft rule line: one non-empty line without control characters'),
});

const NetworkSchema = z.strictObject({
  vni: z.number().int().min(1).max(MAX_VNI),
  description,
  type: z.enum(['managed', 'bridged']),
  domain: z.string().regex(DOMAIN_PATTERN, 'not a DNS domain name').optional(),
  ip4: z
    .strictObject({
      network: z.string().refine(isIpv4Network, 'not an IPv4 network (a.b.c.d/len)').optional(),
      gateway: ipv4.optional(),
      dhcp: z.boolean().default(false),
      dhcpStart: ipv4.optional(),
      dhcpEnd: ipv4.optional(),
    })
    .refine((ip4) => !ip4.dhcp || (ip4.dhcpStart !== undefined && ip4.dhcpEnd !== undefined), {
      message: 'DHCPv4 start and end addresses are required for a DHCPv4-enabled network',
      path: ['dhcp'],
    })
    .prefault({}),
  ip6: z
    .strictObject({
      network: z.string().refine(isIpv6Network, 'not an IPv6 network (addr/len)').optional(),
      gateway: z.string().refine(isIpv6Address, 'not an IPv6 address').optional(),
    })
    .prefault({}),
  dhcpReservations: z.array(z.strictObject({ mac, ip: ipv4, hostname: hostname.optional() })).default([]),
  dhcpLeases: z
    .array(z.strictObject({ mac, ip: ipv4, hostname: hostname.optional(), expires: z.number().int().min(0) }))
    .default([]),
  acls: z
    .strictObject({ in: z.array(AclSchema).default([]), out: z.array(AclSchema).default([]) })
    .prefault({}),
});

const SectionsSchema = z.object({ networks: z.array(NetworkSchema).default([]) });

export function importNetworks(store: Store, data: unknown): void {
  const parsed = SectionsSchema.safeParse(data);
  if (!parsed.success) throw DatacenterImportError.fromZod(parsed.error);
  const insertAcl = store.db.prepare(
    'INSERT INTO network_acls (vni, direction, description, rule, position) VALUES (?, ?, ?, ?, ?)',
  );
  store.transaction(() => {
    parsed.data.networks.forEach((network, index) => {
      const at = `networks[${index}]`;
      if (store.db.prepare('SELECT 1 FROM networks WHERE vni = ?').get(network.vni)) {
        throw new DatacenterImportError(`${at}.vni: a network with VNI ${network.vni} already exists`);
      }
      if (store.db.prepare('SELECT 1 FROM networks WHERE description = ?').get(network.description)) {
        throw new DatacenterImportError(
          `${at}.description: a network "${network.description}" already exists`,
        );
      }
      const record: NetworkRecord = {
        vni: network.vni,
        description: network.description,
        type: network.type,
        domain: network.domain ?? defaultDomain(network.description),
        ip4Network: network.ip4.network ?? null,
        ip4Gateway: network.ip4.gateway ?? null,
        dhcp4Enabled: network.ip4.dhcp,
        dhcp4Start: network.ip4.dhcpStart ?? null,
        dhcp4End: network.ip4.dhcpEnd ?? null,
        ip6Network: network.ip6.network ?? null,
        ip6Gateway:
          network.ip6.gateway ?? (network.ip6.network ? defaultIpv6Gateway(network.ip6.network) : null),
        dhcp6Enabled: network.ip6.network !== undefined,
      };
      insertNetworkRow(store, record);
      const reserved = new Set<string>();
      network.dhcpReservations.forEach((reservation, i) => {
        if (reserved.has(reservation.mac)) {
          throw new DatacenterImportError(
            `${at}.dhcpReservations[${i}].mac: MAC ${reservation.mac} is reserved twice`,
          );
        }
        reserved.add(reservation.mac);
        insertLeaseRow(store, {
          vni: network.vni,
          mac: reservation.mac,
          ipAddress: reservation.ip,
          hostname: reservation.hostname ?? null,
          isStatic: true,
          expiresAt: null,
        });
      });
      const leased = new Set<string>();
      network.dhcpLeases.forEach((lease, i) => {
        if (leased.has(lease.mac)) {
          throw new DatacenterImportError(`${at}.dhcpLeases[${i}].mac: MAC ${lease.mac} is leased twice`);
        }
        leased.add(lease.mac);
        insertLeaseRow(store, {
          vni: network.vni,
          mac: lease.mac,
          ipAddress: lease.ip,
          hostname: lease.hostname ?? null,
          isStatic: false,
          expiresAt: lease.expires,
        });
      });
      for (const direction of ['in', 'out'] as const) {
        const seen = new Set<string>();
        network.acls[direction].forEach((acl, position) => {
          if (seen.has(acl.description)) {
            throw new DatacenterImportError(
              `${at}.acls.${direction}[${position}].description: rule "${acl.description}" appears twice`,
            );
          }
          seen.add(acl.description);
          insertAcl.run(network.vni, direction, acl.description, acl.rule, position);
        });
      }
    });
  });
}
