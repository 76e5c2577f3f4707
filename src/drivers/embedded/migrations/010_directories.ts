// FOSS-Cloud directories. Tokens of users who live in a directory (the LDAP users driver): the
// directory holds no tokens, so their SHA-256 hashes are kept here, keyed by the user's UUID (no
// foreign key: the user is not in this store). And the external directory of a realm of kind
// `ldap` (its service password sealed like API client secrets).
export default /* sql */ `
CREATE TABLE directory_user_tokens (
  user_id    TEXT PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,            -- SHA-256 hex
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);

CREATE TABLE realm_directories (
  realm_id       TEXT PRIMARY KEY REFERENCES realms(id) ON DELETE CASCADE,
  url            TEXT NOT NULL,
  base_dn        TEXT NOT NULL,
  bind_dn        TEXT NOT NULL,
  bind_password  TEXT NOT NULL,               -- sealed (AES-256-GCM, context realm:<id>)
  user_attribute TEXT NOT NULL DEFAULT 'uid'
);
`;
