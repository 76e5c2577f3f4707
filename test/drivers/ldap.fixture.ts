/**
 * A FOSS-Cloud directory in a real slapd (dc=foss-cloud,dc=org) plus a school's directory
 * (dc=school,dc=example) backing the external realm 4000020, and a cloudfed whose users and vms
 * domains use it.
 */
import { parseConfig } from '../../src/config/index.js';
import { openBackends, type Backends } from '../../src/drivers/index.js';
import { buildCloudfed, memoryLogger, type Cloudfed } from '../../gateway/index.js';
import { prepareStore } from '../../gateway/setup.js';
import { ADMIN_TOKEN } from '../support/cloudfed.js';
import { ldif, startSlapd, type Slapd } from '../support/slapd.js';

export const BASE = 'dc=foss-cloud,dc=org';
export const SERVICE_DN = `cn=admin,${BASE}`;
export const SERVICE_PASSWORD = 'fc-service-secret';
export const SCHOOL = 'dc=school,dc=example';
const VIRT = `ou=virtualization,ou=services,${BASE}`;

export const IDS = {
  alice: 'a9dc21d2-bcb2-4104-9a9e-402b7c70d6d8',
  boss: 'b0551234-5678-4abc-8def-0123456789ab',
  dynvm: '5b7e6a3c-0d4e-4f7b-9a61-3c2d1e0f9a88',
  root: '00000000-0000-4000-8000-000000000001',
  desktops: '57e3bd10-1934-4b4f-3d4c-6e31473bddab',
  big: 'b1b1b1b1-0000-4000-8000-000000000010',
  servers: '57501ac5-3a14-41cb-b225-8e787c41505a',
  server1: '5750786d-045c-4d3c-85c3-4c169aabcc7b',
  desk1: '7a476dcc-7e27-495b-9dd5-f599b8ecff16',
  desk2: '8b587edd-8f38-4a6c-aee6-0aa0c9fd0027',
} as const;

export const bigVm = (index: number) => `c0c0c0c0-0000-4000-8000-0000000000${String(index).padStart(2, '0')}`;

type Entry = { dn: string; [attribute: string]: string | readonly string[] };

const ou = (name: string, parent: string): Entry => ({
  dn: `ou=${name},${parent}`,
  objectClass: ['organizationalUnit'],
  ou: name,
});

function person(id: string, username: string, extra: Record<string, string | string[]>): Entry {
  return {
    dn: `uid=${id},ou=people,${BASE}`,
    objectClass: ['inetOrgPerson', 'sstPerson'],
    uid: id,
    cn: username,
    sn: username,
    sstUsername: `${username}@example.com`,
    mail: `${username}@example.com`,
    sstBelongsToRealm: '4000013',
    sstRoleName: 'user',
    sstGroupName: ['default'],
    sstCreated: '20170801000000Z',
    ...extra,
  };
}

function vm(uuid: string, name: string, pool: string, extra: Record<string, string | string[]> = {}): Entry {
  return {
    dn: `sstVirtualMachine=${uuid},ou=virtual machines,${VIRT}`,
    objectClass: ['sstVirtualMachineObjectClass'],
    sstVirtualMachine: uuid,
    sstDisplayName: name,
    sstVirtualMachinePool: pool,
    sstVirtualMachineType: 'dynamic',
    sstVirtualMachineSubType: 'Desktop',
    sstOSType: 'windows',
    sstNode: 'node-01',
    sstState: 'start',
    sstMemory: '2048',
    sstVCPU: '2',
    ...extra,
  };
}

function pool(
  id: string,
  name: string,
  type: string,
  groups: string[],
  extra: Record<string, string> = {},
): Entry {
  return {
    dn: `sstVirtualMachinePool=${id},ou=virtual machine pools,${VIRT}`,
    objectClass: ['sstVirtualMachinePoolObjectClass'],
    sstVirtualMachinePool: id,
    sstDisplayName: name,
    sstVirtualMachineType: type,
    ...(groups.length > 0 ? { sstPoolMemberGroup: groups } : {}),
    ...extra,
  };
}

function fossCloudTree(url: string): string {
  return ldif([
    { dn: BASE, objectClass: ['dcObject', 'organization'], dc: 'foss-cloud', o: 'FOSS-Cloud' },
    ou('people', BASE),
    ou('roles', BASE),
    ou('services', BASE),
    ou('virtualization', `ou=services,${BASE}`),
    ou('authentication', VIRT),
    ou('virtual machines', VIRT),
    ou('virtual machine pools', VIRT),
    ou('mac mappings', VIRT),
    { dn: `cn=settings,${VIRT}`, objectClass: ['sstSettings'], cn: 'settings', sstDynamicVmUser: IDS.dynvm },
    {
      dn: `cn=user,ou=roles,${BASE}`,
      objectClass: ['sstRole'],
      cn: 'user',
      sstRight: ['dynamicVM.view=owner', 'persistentVM.view=owner'],
    },
    {
      dn: `cn=admin,ou=roles,${BASE}`,
      objectClass: ['sstRole'],
      cn: 'admin',
      sstRight: ['dynamicVM.view=all', 'persistentVM.view=all'],
    },
    {
      dn: `uid=4000013,ou=authentication,${VIRT}`,
      objectClass: ['sstRealm'],
      uid: '4000013',
      sstDisplayName: 'FOSS-Cloud',
      sstRealmKind: 'internal',
      sstIsDefault: 'TRUE',
      sstOrder: '1',
    },
    {
      dn: `uid=4000020,ou=authentication,${VIRT}`,
      objectClass: ['sstRealm'],
      uid: '4000020',
      sstDisplayName: 'School AD',
      sstRealmKind: 'ldap',
      sstIsDefault: 'FALSE',
      sstOrder: '2',
      sstLDAPServerURI: url,
      sstLDAPBaseDN: `ou=users,${SCHOOL}`,
      sstLDAPBindDN: `cn=reader,${SCHOOL}`,
      sstLDAPBindPassword: 'school-reader-secret',
      sstLDAPUserAttribute: 'uid',
    },
    person(IDS.alice, 'alice', { userPassword: 'alice-pw', sstGroupName: ['default', 'teachers'] }),
    person(IDS.boss, 'boss', { userPassword: 'boss-pw', sstRoleName: 'admin' }),
    person(IDS.dynvm, 'dynvm', { userPassword: 'dynvm-pw' }),
    person(IDS.root, 'root', { sstIsAdmin: 'TRUE', sstRoleName: 'admin' }),
    pool(IDS.desktops, 'DynVm-Test', 'dynamic', ['teachers', 'students'], {
      sstVirtualMachineSubType: 'Desktop',
      sstOSType: 'windows',
    }),
    pool(IDS.big, 'Big', 'dynamic', ['teachers']),
    pool(IDS.servers, 'Servers', 'persistent', ['teachers']),
    vm(IDS.desk1, 'desk1', IDS.desktops, { sstSpicePort: '5943', sstSpicePassword: IDS.desk1 }),
    vm(IDS.desk2, 'desk2', IDS.desktops, { sstSpicePort: '5944', sstSpicePassword: '0042' }),
    vm(IDS.server1, 'Test_Machine', IDS.servers, {
      sstVirtualMachineType: 'persistent',
      sstSpicePort: '5901',
      sstSpicePassword: '12345678',
    }),
    ...Array.from({ length: 10 }, (_, index) =>
      vm(bigVm(index), `big${String(index).padStart(2, '0')}`, IDS.big, {
        sstSpicePort: String(6000 + index),
      }),
    ),
  ]);
}

export const schoolTree = ldif([
  { dn: SCHOOL, objectClass: ['dcObject', 'organization'], dc: 'school', o: 'School' },
  ou('users', SCHOOL),
  {
    dn: `cn=reader,${SCHOOL}`,
    objectClass: ['simpleSecurityObject', 'organizationalRole'],
    cn: 'reader',
    userPassword: 'school-reader-secret',
  },
  {
    dn: `uid=carol,ou=users,${SCHOOL}`,
    objectClass: ['inetOrgPerson'],
    uid: 'carol',
    cn: 'Carol Teacher',
    sn: 'Teacher',
    mail: 'Carol@School.example',
    userPassword: 'carol-pw',
  },
]);

export interface LdapCloud {
  slapd: Slapd;
  url: string;
  app: Cloudfed;
  backends: Backends;
  logLines: string[];
  close(): Promise<void>;
}

/** slapd with both trees, and cloudfed (single process, port 0) over it. */
export async function startLdapCloud(
  fosscloud: Record<string, unknown> = { enable: true },
): Promise<LdapCloud> {
  // The external realm's entry names the directory's own URL.
  const slapd = await startSlapd((url) => [
    { suffix: BASE, rootDN: SERVICE_DN, rootPassword: SERVICE_PASSWORD, ldif: fossCloudTree(url) },
    { suffix: SCHOOL, rootDN: `cn=admin,${SCHOOL}`, rootPassword: 'school-admin', ldif: schoolTree },
  ]);
  const ldap = {
    driver: 'ldap' as const,
    url: slapd.url,
    bindDN: SERVICE_DN,
    bindPassword: SERVICE_PASSWORD,
    baseDN: BASE,
    timeoutMs: 3000,
  };
  const config = parseConfig({
    store: { path: ':memory:', demo: false },
    identity: { adminToken: ADMIN_TOKEN },
    drivers: { users: ldap, vms: ldap },
    shims: { fosscloud },
  });
  const backends = openBackends(config);
  backends.embedded!.importText(
    'nodes:\n  - { name: node-01, address: node-01.example.com, cpuCount: 8 }\n',
    'ldap test nodes',
  );
  // As on a first start: the directory's administrator gets the configured token.
  await prepareStore(config, backends, process.cwd());
  const log = memoryLogger();
  const app = await buildCloudfed(config, { backends, log });
  const url = await app.listen(0, '127.0.0.1');
  return {
    slapd,
    url,
    app,
    backends,
    logLines: log.lines,
    async close() {
      await app.close();
      backends.close();
      await slapd.close();
    },
  };
}
