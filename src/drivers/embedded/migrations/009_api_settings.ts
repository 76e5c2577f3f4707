// Settings of the legacy APIs (the Gluster REST API's `auth-enabled`, ...), kept in the store so
// every gateway replica sees the same ones. Values are JSON text; times are epoch milliseconds.
export default /* sql */ `
CREATE TABLE api_settings (
  api        TEXT NOT NULL,
  name       TEXT NOT NULL,
  value      TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (api, name)
);
`;
