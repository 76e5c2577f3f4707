/**
 * The LDAP driver against a real slapd (Debian `slapd`, started here with the project's schema
 * and a seeded FOSS-Cloud tree), seen through the FOSS-Cloud shim and the graph: logins in the
 * internal and an external-directory realm, rights, assignment entries, atomic concurrent
 * assignment, a directory outage and its recovery, and injection attempts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client } from 'ldapts';
import { parseConfig } from '../../src/config/index.js';
import {
  BASE,
  bigVm,
  IDS,
  SCHOOL,
  schoolTree,
  SERVICE_DN,
  SERVICE_PASSWORD,
  startLdapCloud,
  type LdapCloud,
} from './ldap.fixture.js';
import { stringify } from 'yaml';
import { ADMIN_TOKEN, postGraphQL, startTestServer } from '../support/cloudfed.js';
import { startSlapd } from '../support/slapd.js';

const VIRT = `ou=virtualization,ou=services,${BASE}`;

async function get(cloud: LdapCloud, path: string, credentials?: string) {
  const response = await fetch(`${cloud.url}${path}`, {
    headers: credentials ? { authorization: `Basic ${Buffer.from(credentials).toString('base64')}` } : {},
  });
  const text = await response.text();
  return { status: response.status, text, json: JSON.parse(text) as Record<string, any> };
}

/** Reads the directory as the service account, as an operator with ldapsearch would. */
async function directory(cloud: LdapCloud, base: string, filter: string, scope: 'one' | 'sub' = 'sub') {
  const client = new Client({ url: cloud.slapd.url, timeout: 5000, connectTimeout: 5000 });
  try {
    await client.bind(SERVICE_DN, SERVICE_PASSWORD);
    return (await client.search(base, { scope, filter })).searchEntries;
  } finally {
    await client.unbind();
  }
}

async function everyDN(cloud: LdapCloud): Promise<string[]> {
  return (await directory(cloud, BASE, '(objectClass=*)')).map((entry) => entry.dn).sort();
}

describe('LDAP driver against a real slapd, through the FOSS-Cloud API', () => {
  let cloud: LdapCloud;
  before(async () => {
    cloud = await startLdapCloud();
  });
  after(async () => {
    await cloud?.close();
  });

  test('login in the internal realm is an LDAP bind as the user', async () => {
    assert.equal((await get(cloud, '/vm-manager/api/user/login', 'alice:alice-pw')).status, 200);
    assert.equal((await get(cloud, '/vm-manager/api/user/login', 'alice@example.com:alice-pw')).status, 200);
    assert.equal((await get(cloud, '/vm-manager/api/user/login', 'alice:wrong')).json.code, 401003);
    assert.equal((await get(cloud, '/vm-manager/api/user/login', 'nobody:alice-pw')).json.code, 401003);
    assert.equal((await get(cloud, '/vm-manager/api/user/login', 'alice:   ')).json.code, 400005);
    assert.equal(
      (await get(cloud, '/vm-manager/api/user/login/realm/4999999', 'alice:alice-pw')).json.code,
      401004,
    );
    const realms = (await get(cloud, '/vm-manager/api/server/realms')).json.realms;
    assert.deepEqual(realms, [
      { uid: 4000013, displayName: 'FOSS-Cloud', default: true },
      { uid: 4000020, displayName: 'School AD', default: false },
    ]);
  });

  test('an empty password never reaches a bind, even asked directly', async () => {
    const users = cloud.backends.sources.users.users;
    const [realm] = await users.getRealms(['4000013']);
    assert.deepEqual(await users.checkDirectoryPassword(realm!, 'alice', ''), { kind: 'rejected' });
    const graph = await postGraphQL(
      cloud.url,
      `{ authenticateUser(username: "alice", password: " ") { id } }`,
      {},
      null,
    );
    assert.equal(graph.errors?.[0]?.extensions?.reason, 'EMPTY_CREDENTIALS');
  });

  test('login in a realm backed by an external directory creates the local user once', async () => {
    assert.deepEqual(await directory(cloud, `ou=people,${BASE}`, '(sstUsername=carol@school.example)'), []);
    assert.equal(
      (await get(cloud, '/vm-manager/api/user/login/realm/4000020', 'carol:wrong')).json.code,
      401003,
    );
    assert.equal(
      (await get(cloud, '/vm-manager/api/user/login/realm/4000020', 'carol:carol-pw')).status,
      200,
    );
    const [local] = await directory(cloud, `ou=people,${BASE}`, '(sstUsername=carol@school.example)');
    assert.ok(local, 'the first login created the local user entry');
    assert.equal(local.sstBelongsToRealm, '4000020');
    assert.equal(local.userPassword, undefined, 'the local entry holds no password');
    assert.equal(
      (await get(cloud, '/vm-manager/api/user/login?realm=4000020', 'carol:carol-pw')).status,
      200,
    );
    assert.equal((await directory(cloud, `ou=people,${BASE}`, '(sstUsername=carol*)')).length, 1);
    // The local record cannot log in through the internal realm (it has no password there).
    assert.equal((await get(cloud, '/vm-manager/api/user/login', 'carol:carol-pw')).json.code, 401003);
    // Alice is not in the school's directory.
    assert.equal(
      (await get(cloud, '/vm-manager/api/user/login/realm/4000020', 'alice:alice-pw')).json.code,
      401003,
    );
  });

  test('VM lists with owner rights and with the role granting all', async () => {
    const owner = await get(cloud, '/vm-manager/api/vm/list', 'alice:alice-pw');
    assert.equal(owner.status, 200);
    assert.deepEqual(
      owner.json.vms.map((vm: any) => [vm.name, vm.status, vm.type]),
      [
        ['Big', 'assignable', 'dynamic'],
        ['DynVm-Test', 'assignable', 'dynamic'],
        ['Test_Machine', 'online', 'persistent'],
      ],
    );
    const persistent = owner.json.vms[2];
    assert.deepEqual(
      [persistent.port, persistent.password, persistent.ip],
      [5901, 12345678, 'node-01.example.com'],
    );
    assert.equal((await get(cloud, '/vm-manager/api/vm/list/all', 'alice:alice-pw')).json.code, 403033);
    const all = await get(cloud, '/vm-manager/api/vm/list/all', 'boss:boss-pw');
    assert.equal(all.status, 200);
    assert.equal(all.json.vms.filter((vm: any) => vm.type === 'dynamic').length, 12);
    // The admin role also sees every persistent VM.
    assert.deepEqual(
      all.json.vms.filter((vm: any) => vm.type === 'persistent').map((vm: any) => vm.name),
      ['Test_Machine'],
    );
    const desk2 = all.json.vms.find((vm: any) => vm.name === 'desk2');
    assert.equal(desk2.password, 42, 'numeric check on a password read from the directory');
  });

  test('assignment adds the assignment entry to the directory and the VM to the user’s list', async () => {
    const assigned = await get(cloud, `/vm-manager/api/vm/assign/${IDS.desktops}`, 'alice:alice-pw');
    assert.equal(assigned.status, 200);
    assert.equal(assigned.json.code, 200041);
    assert.equal(assigned.json.vm.uuid, IDS.desk1);
    assert.equal(assigned.json.vm.name, 'DynVm-Test');
    const entries = await directory(
      cloud,
      `ou=people,sstVirtualMachine=${IDS.desk1},ou=virtual machines,${VIRT}`,
      '(objectClass=sstAssignment)',
      'one',
    );
    assert.deepEqual(
      entries.map((entry) => [entry.dn, entry.uid]),
      [[`uid=${IDS.alice},ou=people,sstVirtualMachine=${IDS.desk1},ou=virtual machines,${VIRT}`, IDS.alice]],
    );
    const dynamic = await get(cloud, '/vm-manager/api/vm/list/dynamic', 'alice:alice-pw');
    assert.deepEqual(
      dynamic.json.vms.map((vm: any) => [vm.name, vm.uuid, vm.status]),
      [
        ['Big', null, 'assignable'],
        ['DynVm-Test', IDS.desk1, 'assigned'],
      ],
    );
    // The graph's own view of the VM (as the administrator role sees every dynamic VM).
    const all = await get(cloud, '/vm-manager/api/vm/list/all', 'boss:boss-pw');
    assert.equal(all.json.vms.find((vm: any) => vm.uuid === IDS.desk1).status, 'assigned');
    assert.equal(all.json.vms.find((vm: any) => vm.uuid === IDS.desk2).status, 'assignable');
  });

  test('20 concurrent assignments from a pool of 10 free VMs: 10 succeed, 10 get 500043', async () => {
    const replies = await Promise.all(
      Array.from({ length: 20 }, () => get(cloud, `/vm-manager/api/vm/assign/${IDS.big}`, 'alice:alice-pw')),
    );
    const ok = replies.filter((reply) => reply.status === 200);
    const none = replies.filter((reply) => reply.status === 500);
    assert.equal(ok.length, 10);
    assert.equal(none.length, 10);
    assert.ok(none.every((reply) => reply.json.code === 500043));
    const uuids = ok.map((reply) => reply.json.vm.uuid).sort();
    assert.deepEqual(
      uuids,
      Array.from({ length: 10 }, (_, index) => bigVm(index)),
    );
    // Exactly one assignment entry per VM.
    const assignments = await directory(cloud, `ou=virtual machines,${VIRT}`, '(objectClass=sstAssignment)');
    const bigOnes = assignments.filter((entry) => String(entry.sstVirtualMachine).startsWith('c0c0c0c0'));
    assert.equal(bigOnes.length, 10);
  });

  test('LDAP injection in user names and pool ids matches nothing and changes nothing', async () => {
    const before = await everyDN(cloud);
    for (const name of [
      '*',
      ')(uid=*',
      'alice\u0000',
      '\u0000*',
      'alice*',
      '*)(sstUsername=*',
      'alice)(|(uid=*',
      '\\2a',
    ]) {
      for (const password of ['alice-pw', 'x']) {
        const reply = await get(cloud, '/vm-manager/api/user/login', `${name}:${password}`);
        assert.equal(reply.json.code, 401003, `user name ${JSON.stringify(name)}`);
        const external = await get(cloud, '/vm-manager/api/user/login/realm/4000020', `${name}:${password}`);
        assert.equal(external.json.code, 401003, `external user name ${JSON.stringify(name)}`);
      }
    }
    for (const pool of [
      '*',
      ')(sstVirtualMachinePool=*',
      '%00',
      '57e3bd10*',
      'x,ou=people',
      '%5C2a',
      IDS.desktops.toUpperCase(),
    ]) {
      const reply = await get(cloud, `/vm-manager/api/vm/assign/${pool}`, 'alice:alice-pw');
      assert.equal(reply.json.code, 400042, `pool ${pool}`);
    }
    assert.deepEqual(await everyDN(cloud), before);
  });

  test('the graph over the directory: administrator token, pools, members and MAC mappings', async () => {
    const graph = (query: string, variables: Record<string, unknown> = {}) =>
      postGraphQL(cloud.url, query, variables, ADMIN_TOKEN);
    const me = await graph(`{ user(id: "${IDS.root}") { username admin rights { dynamicVmView } } }`);
    assert.deepEqual(me.data, {
      user: { username: 'root@example.com', admin: true, rights: { dynamicVmView: 'ALL' } },
    });
    const created = await graph(
      `mutation { createVmPool(input: { id: "labs", name: "Labs", type: DYNAMIC, subtype: "Desktop" }) { id name } }`,
    );
    assert.deepEqual(created.data, { createVmPool: { id: 'labs', name: 'Labs' } });
    await graph(`mutation { addVmPoolMember(pool: "labs", group: "teachers") { id } }`);
    const [pool] = await directory(
      cloud,
      `ou=virtual machine pools,${VIRT}`,
      '(sstVirtualMachinePool=labs)',
      'one',
    );
    assert.equal(pool?.sstDisplayName, 'Labs');
    assert.equal(pool?.sstPoolMemberGroup, 'teachers');
    const mapped = await graph(
      `mutation { setVmMacMapping(mac: "00:11:22:33:44:AA", vm: "desk2") { mac vm { name } } }`,
    );
    assert.deepEqual(mapped.data, { setVmMacMapping: { mac: '00:11:22:33:44:aa', vm: { name: 'desk2' } } });
    const [mapping] = await directory(
      cloud,
      `ou=mac mappings,${VIRT}`,
      '(sstMacAddress=00:11:22:33:44:aa)',
      'one',
    );
    assert.equal(mapping?.sstVirtualMachine, IDS.desk2);
    // The dynamic-VM user's mapping call reads it back from the directory.
    const listed = await get(cloud, '/vm-manager/api/vm/mapping/list', 'dynvm:dynvm-pw');
    assert.equal(
      listed.json.code,
      400055,
      'no MAC known for 127.0.0.1: the client is not directly connected',
    );
    const unsupportedCall = await graph(`mutation { startVm(vm: "desk2") { id } }`);
    assert.equal(unsupportedCall.errors?.[0]?.extensions?.reason, 'NOT_SUPPORTED_BY_DRIVER');
    await graph(`mutation { deleteVmPool(id: "labs") }`);
    assert.deepEqual(
      await directory(cloud, `ou=virtual machine pools,${VIRT}`, '(sstVirtualMachinePool=labs)', 'one'),
      [],
    );
  });

  test('what the directory cannot do fails with a typed error', async () => {
    const users = cloud.backends.sources.users.users;
    await assert.rejects(users.setPasswordHash(IDS.alice, 'scrypt$x'), (error: any) => {
      assert.equal(error.extensions.code, 'BACKEND_FAILED');
      assert.equal(error.extensions.reason, 'NOT_SUPPORTED_BY_DRIVER');
      return true;
    });
    await assert.rejects(
      cloud.backends.sources.vms.vms.placementCandidates(),
      /does not support VM placement/,
    );
  });

  test('slapd stopped → 400/500000 and cloudfed keeps serving; restarted → works again', async () => {
    await cloud.slapd.stop();
    try {
      const down = await get(cloud, '/vm-manager/api/vm/list', 'alice:alice-pw');
      assert.equal(down.status, 400);
      assert.equal(
        down.text,
        `{\n    "status": 400,\n    "code": 500000,\n    "devDescription": "ldap_connect to ldap:\\/\\/127.0.0.1:${cloud.slapd.port} failed"\n}`,
      );
      assert.equal((await get(cloud, '/vm-manager/api/server/realms')).json.code, 500000);
      // The rest of the server is fine.
      const health = await fetch(`${cloud.url}/healthz`);
      assert.equal(health.status, 200);
      assert.equal((await fetch(`${cloud.url}/readyz`)).status, 503);
    } finally {
      await cloud.slapd.start();
    }
    const back = await get(cloud, '/vm-manager/api/vm/list', 'alice:alice-pw');
    assert.equal(back.status, 200);
    assert.equal(back.json.code, 200031);
    assert.equal((await get(cloud, '/vm-manager/api/user/login', 'alice:alice-pw')).status, 200);
    assert.equal((await fetch(`${cloud.url}/readyz`)).status, 200);
  });
});

describe('LDAP driver configuration', () => {
  const ldap = {
    driver: 'ldap',
    url: 'ldap://127.0.0.1:389',
    bindDN: SERVICE_DN,
    bindPassword: 'x',
    baseDN: BASE,
  };

  test('drivers.users and drivers.vms take embedded (default) or ldap, with clear errors', () => {
    assert.deepEqual(parseConfig({}).drivers.users, { driver: 'embedded' });
    assert.deepEqual(parseConfig({ drivers: { vms: {} } }).drivers.vms, { driver: 'embedded' });
    const parsed = parseConfig({ drivers: { users: ldap, vms: ldap } }).drivers;
    assert.deepEqual(parsed.users, { ...ldap, timeoutMs: 5000, poolSize: 4 });
    assert.throws(
      () => parseConfig({ drivers: { users: { ...ldap, bindPassword: '' } } }),
      /drivers\.users\.bindPassword/,
    );
    assert.throws(
      () => parseConfig({ drivers: { users: { driver: 'ldap', url: ldap.url } } }),
      /drivers\.users\.bindDN/,
    );
    assert.throws(() => parseConfig({ drivers: { vms: { ...ldap, url: 'http://x' } } }), /drivers\.vms\.url/);
    assert.throws(() => parseConfig({ drivers: { nodes: ldap } }), /drivers\.nodes/);
    assert.throws(
      () => parseConfig({ drivers: { users: { ...ldap, extra: 1 } } }),
      /drivers\.users\.extra: unknown key/,
    );
  });

  test('shims.fosscloud defaults follow the original', () => {
    assert.deepEqual(parseConfig({}).shims.fosscloud, {
      enable: false,
      defaultRealm: '4000013',
      macByParameter: false,
      mappingEnabled: true,
    });
  });
});

describe('an external-directory realm with the embedded users driver', () => {
  test('first login creates the local user in the store; outage → 500000; restart → works', async () => {
    const slapd = await startSlapd([
      { suffix: SCHOOL, rootDN: `cn=admin,${SCHOOL}`, rootPassword: 'school-admin', ldif: schoolTree },
    ]);
    const server = await startTestServer({
      demo: false,
      importText: stringify({
        realms: [
          { id: '4000013', name: 'FOSS-Cloud', default: true },
          {
            id: '4000020',
            name: 'School AD',
            kind: 'ldap',
            directory: {
              url: slapd.url,
              baseDN: `ou=users,${SCHOOL}`,
              bindDN: `cn=reader,${SCHOOL}`,
              bindPassword: 'school-reader-secret',
            },
          },
        ],
      }),
      config: { shims: { fosscloud: { enable: true } } },
    });
    try {
      const login = (credentials: string, path = '/vm-manager/api/user/login/realm/4000020') =>
        fetch(`${server.url}${path}`, {
          headers: { authorization: `Basic ${Buffer.from(credentials).toString('base64')}` },
        }).then(async (response) => ({ status: response.status, json: JSON.parse(await response.text()) }));
      assert.equal((await login('carol:wrong')).json.code, 401003);
      assert.equal((await login('*:carol-pw')).json.code, 401003);
      assert.equal((await login('carol:carol-pw')).status, 200);
      assert.equal((await login('carol:carol-pw', '/vm-manager/api/user/login?realm=4000020')).status, 200);
      const created = await server.graphql(`{ users { nodes { username realm { id } } } }`);
      const carol = created.data?.users.nodes.filter((user: any) => user.username === 'carol@school.example');
      assert.deepEqual(carol, [{ username: 'carol@school.example', realm: { id: '4000020' } }]);
      // The stored password of the realm's service account is sealed, not in clear.
      const row = server.backends
        .embedded!.store.db.prepare('SELECT bind_password FROM realm_directories')
        .get() as {
        bind_password: string;
      };
      assert.ok(row.bind_password.startsWith('v1:') && !row.bind_password.includes('school-reader-secret'));
      await slapd.stop();
      const down = await login('carol:carol-pw');
      assert.deepEqual(
        [down.status, down.json.code, down.json.devDescription],
        [400, 500000, `ldap_connect to ${slapd.url} failed`],
      );
      await slapd.start();
      assert.equal((await login('carol:carol-pw')).status, 200);
    } finally {
      await server.close();
      await slapd.close();
    }
  });
});
