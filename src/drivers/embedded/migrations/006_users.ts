// The users domain: realms, users and their groups, user tokens (SHA-256 hashes only),
// components with their services (the service catalog), API clients (secrets encrypted with
// AES-256-GCM) and feedback. Times are epoch milliseconds.
export default /* sql */ `
CREATE TABLE realms (
  id         TEXT PRIMARY KEY,
  name       TEXT NOT NULL,
  kind       TEXT NOT NULL DEFAULT 'internal' CHECK (kind IN ('internal', 'ldap')),
  is_default INTEGER NOT NULL DEFAULT 0,
  position   INTEGER NOT NULL
);

CREATE TABLE users (
  id                 TEXT PRIMARY KEY,        -- UUID
  numeric_id         INTEGER NOT NULL UNIQUE,
  username           TEXT NOT NULL UNIQUE,    -- lower-case e-mail, the display name
  real_name          TEXT NOT NULL DEFAULT '',
  emails             TEXT NOT NULL DEFAULT '[]',   -- JSON list
  active             INTEGER NOT NULL DEFAULT 1,
  terms_accepted     INTEGER NOT NULL DEFAULT 1,
  admin              INTEGER NOT NULL DEFAULT 0,
  realm_id           TEXT REFERENCES realms(id),
  dynamic_vm_view    TEXT NOT NULL DEFAULT 'owner' CHECK (dynamic_vm_view IN ('all', 'owner', 'none')),
  persistent_vm_view TEXT NOT NULL DEFAULT 'owner' CHECK (persistent_vm_view IN ('all', 'owner', 'none')),
  password_hash      TEXT,                    -- scrypt, encoded by the subgraph
  created_at         INTEGER NOT NULL
);
CREATE INDEX users_realm ON users(realm_id);

CREATE TABLE user_groups (
  user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  group_name TEXT NOT NULL,
  position   INTEGER NOT NULL,
  PRIMARY KEY (user_id, group_name)
);
CREATE INDEX user_groups_group ON user_groups(group_name);

CREATE TABLE user_tokens (
  user_id    TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  token_hash TEXT NOT NULL UNIQUE,            -- SHA-256 hex
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);

CREATE TABLE components (
  name                  TEXT PRIMARY KEY,
  url                   TEXT NOT NULL,
  sort_order            INTEGER,
  verbose_name          TEXT,
  cloudbar_show         INTEGER,
  cloudbar_title        TEXT,
  dashboard_show        INTEGER,
  dashboard_order       INTEGER,
  dashboard_description TEXT,
  position              INTEGER NOT NULL,
  token_hash            TEXT UNIQUE,
  token_created_at      INTEGER,
  token_expires_at      INTEGER
);

CREATE TABLE component_services (
  name      TEXT PRIMARY KEY,
  component TEXT NOT NULL REFERENCES components(name) ON DELETE CASCADE,
  type      TEXT NOT NULL,
  position  INTEGER NOT NULL,
  endpoints TEXT NOT NULL DEFAULT '[]'         -- JSON: [[[key, value], …], …]
);
CREATE INDEX component_services_component ON component_services(component);

CREATE TABLE api_clients (
  app_id     TEXT PRIMARY KEY,
  secret     TEXT NOT NULL,                    -- v1:<iv>:<tag>:<ciphertext>, base64, AES-256-GCM
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE feedback (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id    TEXT NOT NULL,
  message    TEXT NOT NULL,
  data       TEXT,
  created_at INTEGER NOT NULL
);
`;
