// The vms domain: VMs with their parsed libvirt definition, disks, NICs, FOSS-Cloud pools,
// assignments and MAC mappings. Other domains read `vms`, `vm_disks` and `vm_nics`.
export default /* sql */ `
CREATE TABLE vm_pools (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL,                 -- display name
  kind        TEXT NOT NULL CHECK (kind IN ('persistent', 'dynamic')),
  subtype     TEXT,
  os          TEXT,
  description TEXT
);

CREATE TABLE vm_pool_members (
  pool_id TEXT NOT NULL REFERENCES vm_pools(id) ON DELETE CASCADE,
  kind    TEXT NOT NULL CHECK (kind IN ('user', 'group')),
  member  TEXT NOT NULL,                     -- user id or group name
  PRIMARY KEY (pool_id, kind, member)
);
CREATE INDEX vm_pool_members_member ON vm_pool_members(kind, member);

CREATE TABLE vms (
  uuid          TEXT PRIMARY KEY,
  name          TEXT NOT NULL UNIQUE,
  node          TEXT,
  last_node     TEXT,
  state         TEXT NOT NULL,
  failed_reason TEXT NOT NULL DEFAULT '',
  vcpus         INTEGER NOT NULL,
  memory_mib    INTEGER NOT NULL,
  xml           TEXT NOT NULL,               -- exactly as given
  definition    TEXT NOT NULL,               -- JSON: the parsed DomainDefinition
  kind          TEXT NOT NULL DEFAULT 'persistent' CHECK (kind IN ('persistent', 'dynamic')),
  subtype       TEXT,
  os            TEXT,
  pool_id       TEXT REFERENCES vm_pools(id) ON DELETE SET NULL,
  owner_id      TEXT
);
CREATE INDEX vms_node ON vms(node);
CREATE INDEX vms_last_node ON vms(last_node);
CREATE INDEX vms_pool ON vms(pool_id);
CREATE INDEX vms_owner ON vms(owner_id);

CREATE TABLE vm_disks (
  vm_uuid  TEXT NOT NULL REFERENCES vms(uuid) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  type     TEXT,                             -- protocol (rbd) for network disks, 'file', or NULL
  name     TEXT,                             -- 'pool/volume' for RBD, the path for files
  dev      TEXT,
  bus      TEXT,
  PRIMARY KEY (vm_uuid, position)
);
CREATE INDEX vm_disks_name ON vm_disks(name);

CREATE TABLE vm_nics (
  vm_uuid  TEXT NOT NULL REFERENCES vms(uuid) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  type     TEXT,
  mac      TEXT,
  source   TEXT,                             -- the bridge of a bridge interface, etc.
  model    TEXT,
  PRIMARY KEY (vm_uuid, position)
);
CREATE INDEX vm_nics_mac ON vm_nics(mac);
CREATE INDEX vm_nics_source ON vm_nics(source);

CREATE TABLE vm_users (
  vm_uuid TEXT NOT NULL REFERENCES vms(uuid) ON DELETE CASCADE,
  user_id TEXT NOT NULL,
  PRIMARY KEY (vm_uuid, user_id)
);
CREATE INDEX vm_users_user ON vm_users(user_id);

CREATE TABLE vm_groups (
  vm_uuid    TEXT NOT NULL REFERENCES vms(uuid) ON DELETE CASCADE,
  group_name TEXT NOT NULL,
  PRIMARY KEY (vm_uuid, group_name)
);
CREATE INDEX vm_groups_group ON vm_groups(group_name);

CREATE TABLE vm_mac_mappings (
  mac     TEXT PRIMARY KEY,                  -- lower-case
  vm_uuid TEXT NOT NULL REFERENCES vms(uuid) ON DELETE CASCADE
);

CREATE TABLE vm_settings (
  key   TEXT PRIMARY KEY,                    -- 'dynamic_vm_user'
  value TEXT NOT NULL
);
`;
