// The volumes domain: Ceph (cluster, OSD flags, OSDs, pools, RBD volumes and snapshots), Gluster
// volumes (bricks, options, rebalance) and LUKS-encrypted instance volumes with their workers.
// Reads `nodes`, `gluster_peers` (002) and `vm_disks` (003).
export default /* sql */ `
CREATE TABLE ceph_cluster (
  id   INTEGER PRIMARY KEY CHECK (id = 1),
  fsid TEXT NOT NULL
);

CREATE TABLE ceph_osd_flags (
  flag     TEXT PRIMARY KEY,
  position INTEGER NOT NULL
);

CREATE TABLE ceph_osds (
  id               INTEGER PRIMARY KEY,
  node             TEXT NOT NULL,
  device           TEXT NOT NULL,
  weight           REAL NOT NULL,
  uuid             TEXT NOT NULL,
  up               INTEGER NOT NULL DEFAULT 1,
  in_cluster       INTEGER NOT NULL DEFAULT 1,
  primary_affinity REAL NOT NULL DEFAULT 1,
  reweight         REAL NOT NULL DEFAULT 1,
  size_kb          INTEGER,                    -- NULL: statistics not reported yet
  used_kb          INTEGER NOT NULL DEFAULT 0,
  pgs              INTEGER NOT NULL DEFAULT 0,
  wr_ops           INTEGER NOT NULL DEFAULT 0,
  wr_bytes         INTEGER NOT NULL DEFAULT 0,
  rd_ops           INTEGER NOT NULL DEFAULT 0,
  rd_bytes         INTEGER NOT NULL DEFAULT 0,
  UNIQUE (node, device)
);
CREATE INDEX ceph_osds_node ON ceph_osds(node);

CREATE TABLE ceph_pools (
  name        TEXT PRIMARY KEY,
  pool_id     INTEGER NOT NULL UNIQUE,
  pgs         INTEGER NOT NULL,
  replicas    INTEGER NOT NULL DEFAULT 3,
  read_ops    INTEGER NOT NULL DEFAULT 0,
  read_bytes  INTEGER NOT NULL DEFAULT 0,
  write_ops   INTEGER NOT NULL DEFAULT 0,
  write_bytes INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE rbd_volumes (
  pool       TEXT NOT NULL REFERENCES ceph_pools(name) ON DELETE CASCADE,
  name       TEXT NOT NULL,
  size_bytes INTEGER NOT NULL,
  image_id   TEXT NOT NULL,                    -- hex, as in rbd_data.<id>
  created_at TEXT NOT NULL,                    -- ISO 8601
  PRIMARY KEY (pool, name)
);

CREATE TABLE rbd_snapshots (
  pool       TEXT NOT NULL,
  volume     TEXT NOT NULL,
  name       TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (pool, volume, name),
  FOREIGN KEY (pool, volume) REFERENCES rbd_volumes(pool, name) ON DELETE CASCADE
);

CREATE TABLE gluster_volumes (
  name             TEXT PRIMARY KEY,
  uuid             TEXT NOT NULL UNIQUE,
  status           TEXT NOT NULL CHECK (status IN ('Created', 'Started', 'Stopped')),
  type             TEXT NOT NULL,
  distribute_count INTEGER NOT NULL,
  stripe_count     INTEGER NOT NULL DEFAULT 1,
  replica_count    INTEGER NOT NULL DEFAULT 1,
  arbiter_count    INTEGER NOT NULL DEFAULT 0,
  disperse_count   INTEGER NOT NULL DEFAULT 0,
  redundancy_count INTEGER NOT NULL DEFAULT 0,
  transport        TEXT NOT NULL DEFAULT 'tcp'
);

CREATE TABLE gluster_bricks (
  volume    TEXT NOT NULL REFERENCES gluster_volumes(name) ON DELETE CASCADE,
  position  INTEGER NOT NULL,
  host      TEXT NOT NULL,
  path      TEXT NOT NULL,
  peer_uuid TEXT,
  online    INTEGER NOT NULL DEFAULT 0,
  pid       INTEGER,
  port      INTEGER,
  PRIMARY KEY (volume, position),
  UNIQUE (host, path)
);
CREATE INDEX gluster_bricks_host ON gluster_bricks(host);

CREATE TABLE gluster_volume_options (
  volume   TEXT NOT NULL REFERENCES gluster_volumes(name) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  name     TEXT NOT NULL,
  value    TEXT NOT NULL,
  PRIMARY KEY (volume, name)
);

CREATE TABLE gluster_rebalances (
  volume     TEXT PRIMARY KEY REFERENCES gluster_volumes(name) ON DELETE CASCADE,
  task_id    TEXT NOT NULL,
  op_type    TEXT NOT NULL,
  status     TEXT NOT NULL,                    -- 'in progress' or 'stopped'; completion is computed
  started_at INTEGER NOT NULL,                 -- epoch milliseconds
  stopped_at INTEGER
);

CREATE TABLE encrypted_volumes (
  id              TEXT PRIMARY KEY,
  node            TEXT,
  state           TEXT NOT NULL CHECK (state IN ('mounted', 'unmounted', 'unavailable')),
  output          TEXT NOT NULL DEFAULT '',
  stderr          TEXT NOT NULL DEFAULT '',
  passphrase_hash TEXT NOT NULL                -- scrypt$N$r$p$salt$hash (base64)
);
CREATE INDEX encrypted_volumes_node ON encrypted_volumes(node);

CREATE TABLE encrypted_volume_addresses (
  address   TEXT PRIMARY KEY,                  -- lower-case IP or DNS name
  volume_id TEXT NOT NULL REFERENCES encrypted_volumes(id) ON DELETE CASCADE,
  position  INTEGER NOT NULL
);
CREATE INDEX encrypted_volume_addresses_volume ON encrypted_volume_addresses(volume_id);

CREATE TABLE encrypted_volume_workers (
  address     TEXT PRIMARY KEY,                -- lower-case
  volume_id   TEXT NOT NULL REFERENCES encrypted_volumes(id) ON DELETE CASCADE,
  position    INTEGER NOT NULL,
  nfs_mounted INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX encrypted_volume_workers_volume ON encrypted_volume_workers(volume_id);
`;
