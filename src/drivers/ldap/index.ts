/**
 * The LDAP driver: the users and vms sources over a FOSS-Cloud-style directory (schema in
 * `fosscloud.schema` beside this file), through one pool of service connections per directory.
 */
import type { LdapDriverSettings } from '../../config/ldap.js';
import type { UsersSource } from '../../subgraphs/users/index.js';
import { Directory } from './directory.js';
import { Layout } from './layout.js';
import { LdapUsers, type DirectoryTokenStore } from './users.js';
import { LdapVms } from './vms.js';

export { LdapUsers, type DirectoryTokenStore } from './users.js';
export { LdapVms } from './vms.js';
export {
  checkExternalDirectory,
  withExternalRealms,
  type ExternalDirectory,
  type RealmDirectories,
} from './external.js';

export interface LdapBackend {
  users: LdapUsers;
  vms: LdapVms;
  ready(): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * Opens (lazily: the first operation connects) the directory of `settings`. What a directory does
 * not hold goes elsewhere: `others` serves components and API clients, `tokens` user tokens
 * (both the embedded store, when there is one).
 */
export function openLdap(
  settings: LdapDriverSettings,
  others: UsersSource | null = null,
  tokens: DirectoryTokenStore | null = null,
): LdapBackend {
  const directory = new Directory(settings);
  const layout = new Layout(settings.baseDN);
  return {
    users: new LdapUsers(directory, layout, others, tokens),
    vms: new LdapVms(directory, layout),
    ready: () => directory.ready(),
    close: () => directory.close(),
  };
}
