export default /* sql */ `
CREATE TABLE nodes (
  name              TEXT PRIMARY KEY,
  roles             TEXT NOT NULL DEFAULT '["hypervisor"]',   -- JSON list
  daemon_state      TEXT NOT NULL DEFAULT 'run',
  coordinator_state TEXT NOT NULL DEFAULT 'client',
  domain_state      TEXT NOT NULL DEFAULT 'ready',
  cpu_count         INTEGER NOT NULL DEFAULT 0,
  memory_total_mib  INTEGER NOT NULL DEFAULT 0,
  memory_used_mib   INTEGER NOT NULL DEFAULT 0,
  memory_free_mib   INTEGER NOT NULL DEFAULT 0,
  load              REAL NOT NULL DEFAULT 0,
  os                TEXT NOT NULL DEFAULT 'GNU/Linux',
  kernel            TEXT NOT NULL DEFAULT '',
  arch              TEXT NOT NULL DEFAULT 'x86_64',
  address           TEXT
);

CREATE TABLE gluster_peers (
  uuid      TEXT PRIMARY KEY,
  hostname  TEXT NOT NULL UNIQUE,
  connected INTEGER NOT NULL DEFAULT 1,
  state     TEXT NOT NULL DEFAULT 'Peer in Cluster',
  is_self   INTEGER NOT NULL DEFAULT 0
);
`;
