// The networks domain: client networks, their DHCP leases and reservations, their firewall rules.
// A VM is on a network when one of its NICs (`vm_nics.source`, migration 003) is `vmbr<vni>`.
export default /* sql */ `
CREATE TABLE networks (
  vni           INTEGER PRIMARY KEY,
  description   TEXT NOT NULL UNIQUE,
  type          TEXT NOT NULL CHECK (type IN ('managed', 'bridged')),
  domain        TEXT,
  ip4_network   TEXT,
  ip4_gateway   TEXT,
  dhcp4_enabled INTEGER NOT NULL DEFAULT 0,
  dhcp4_start   TEXT,
  dhcp4_end     TEXT,
  ip6_network   TEXT,
  ip6_gateway   TEXT,
  dhcp6_enabled INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE network_dhcp_leases (
  vni        INTEGER NOT NULL REFERENCES networks(vni) ON DELETE CASCADE ON UPDATE CASCADE,
  is_static  INTEGER NOT NULL CHECK (is_static IN (0, 1)),
  mac        TEXT NOT NULL,                 -- lower-case
  ip_address TEXT NOT NULL,
  hostname   TEXT,
  expires_at INTEGER,                       -- epoch seconds; NULL for reservations
  PRIMARY KEY (vni, is_static, mac)
);

CREATE TABLE network_acls (
  vni         INTEGER NOT NULL REFERENCES networks(vni) ON DELETE CASCADE ON UPDATE CASCADE,
  direction   TEXT NOT NULL CHECK (direction IN ('in', 'out')),
  description TEXT NOT NULL,
  rule        TEXT NOT NULL,
  position    INTEGER NOT NULL,             -- 0-based, contiguous within (vni, direction)
  PRIMARY KEY (vni, direction, description)
);
CREATE INDEX network_acls_order ON network_acls(vni, direction, position);
`;
