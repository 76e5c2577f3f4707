/**
 * The LDAP driver: the users and vms sources over a FOSS-Cloud-style directory (schema in
 * `fosscloud.schema` beside this file), through one pool of service connections per directory.
 */
import type { LdapDriverSettings } from '../../config/ldap.js';
import type { UsersSource } from '../../subgraphs/users/index.js';
import { Directory } from './directory.js';
import { Layout } from './layout.js';
import { LdapUsers } from './users.js';
import { LdapVms } from './vms.js';

export { LdapUsers } from './users.js';
export { LdapVms } from './vms.js';

export interface LdapBackend {
  users: LdapUsers;
  vms: LdapVms;
  ready(): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * Opens (lazily: the first operation connects) the directory of `settings`. `others` serves what
 * a directory does not hold (components, API clients): the embedded store, when there is one.
 */
export function openLdap(settings: LdapDriverSettings, others: UsersSource | null = null): LdapBackend {
  const directory = new Directory(settings);
  const layout = new Layout(settings.baseDN);
  return {
    users: new LdapUsers(directory, layout, others),
    vms: new LdapVms(directory, layout),
    ready: () => directory.ready(),
    close: () => directory.close(),
  };
}
