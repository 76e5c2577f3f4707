// Tokens of users who live in a directory (the LDAP users driver): the directory holds no
// tokens, so their SHA-256 hashes are kept here, keyed by the user's UUID (no foreign key: the
// user is not in this store).
export default /* sql */ `
CREATE TABLE directory_user_tokens (
  user_id    TEXT PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,            -- SHA-256 hex
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
`;
