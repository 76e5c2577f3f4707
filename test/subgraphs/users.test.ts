import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { demo, usersSubgraph as setup } from '../support/users-subgraph.js';
import { Store } from '../../src/drivers/embedded/store.js';
import { EmbeddedUsers } from '../../src/drivers/embedded/users.js';
import { importUsers } from '../../src/drivers/embedded/users.import.js';
import { SYSTEM, hashToken, type Principal } from '../../src/identity/index.js';
import { ADMIN_USER_ID, createAuthenticator, ensureAdmin } from '../../src/subgraphs/users/index.js';

const ADMIN = ADMIN_USER_ID;
const ALICE = 'a9dc21d2-bcb2-4104-9a9e-402b7c70d6d8';
const BOB = 'ff53baa9-c025-4d56-a6e3-963db0438830';
const DYNVM = '5b7e6a3c-0d4e-4f7b-9a61-3c2d1e0f9a88';

const alice: Principal = {
  kind: 'user',
  id: ALICE,
  name: 'alice@example.com',
  admin: false,
  groups: ['default', 'teachers'],
};
const bob: Principal = {
  kind: 'user',
  id: BOB,
  name: 'bob@example.com',
  admin: false,
  groups: ['default', 'students'],
};
const cyclades: Principal = { kind: 'service', id: 'cyclades' };
const anonymous: Principal = { kind: 'anonymous' };

describe('users subgraph: users and realms', () => {
  test('realms are public, in order, with the default flag', async () => {
    const { ok } = setup();
    const data = await ok('{ realms { id name kind isDefault } realm(id: "4000020") { name } }', anonymous);
    assert.deepEqual(data.realms, [
      { id: '4000013', name: 'FOSS-Cloud', kind: 'INTERNAL', isDefault: true },
      { id: '4000020', name: 'School', kind: 'INTERNAL', isDefault: false },
    ]);
    assert.equal(data.realm.name, 'School');
  });

  test('users list: privileged or service only, filters and pages; user and viewer for anyone signed in', async () => {
    const { ok, reason } = setup();
    const all = await ok(
      '{ users { totalCount nodes { id numericId username displayName groups admin rights { dynamicVmView } realm { id } } } }',
    );
    assert.equal(all.users.totalCount, 4);
    assert.deepEqual(
      all.users.nodes.map((user: any) => user.numericId),
      [1, 12, 13, 14],
    );
    assert.deepEqual(all.users.nodes[0], {
      id: ADMIN,
      numericId: 1,
      username: 'admin@example.com',
      displayName: 'admin@example.com',
      groups: ['default'],
      admin: true,
      rights: { dynamicVmView: 'ALL' },
      realm: { id: '4000013' },
    });
    const filtered = await ok('{ users(filter: { group: "students" }) { nodes { id } } }', cyclades);
    assert.deepEqual(filtered.users.nodes, [{ id: BOB }]);
    const byRealm = await ok(
      '{ users(filter: { realm: "4000013", usernameMatches: "^a" }) { nodes { id } } }',
    );
    assert.deepEqual(byRealm.users.nodes, [{ id: ADMIN }, { id: ALICE }]);
    const page = await ok('{ users(first: 1) { nodes { id } pageInfo { hasNextPage } } }');
    assert.equal(page.users.pageInfo.hasNextPage, true);
    assert.equal((await reason('{ users { totalCount } }', alice)).code, 'FORBIDDEN');
    assert.equal((await reason('{ users { totalCount } }', anonymous)).code, 'UNAUTHENTICATED');
    const me = await ok(`{ viewer { id realName } user(id: "${BOB}") { username } }`, alice);
    assert.deepEqual(me, {
      viewer: { id: ALICE, realName: 'Alice Example' },
      user: { username: 'bob@example.com' },
    });
    assert.deepEqual(await ok('{ viewer { id } }', cyclades), { viewer: null });
    assert.equal((await reason('{ viewer { id } }', anonymous)).code, 'UNAUTHENTICATED');
    assert.equal((await reason(`{ user(id: "${ALICE}") { id } }`, anonymous)).code, 'UNAUTHENTICATED');
  });

  test('addUser: defaults, validation reasons, conflicts, unknown realm', async () => {
    const { ok, reason } = setup();
    const added = await ok(
      'mutation { addUser(input: { username: "carol@example.com", groups: ["default", "teachers", "teachers"] }) { id numericId emails groups active termsAccepted admin realm { id } rights { persistentVmView } } }',
    );
    assert.match(added.addUser.id, /^[0-9a-f-]{36}$/);
    assert.deepEqual(
      { ...added.addUser, id: undefined },
      {
        id: undefined,
        numericId: 15,
        emails: ['carol@example.com'],
        groups: ['default', 'teachers'],
        active: true,
        termsAccepted: true,
        admin: false,
        realm: { id: '4000013' },
        rights: { persistentVmView: 'OWNER' },
      },
    );
    const add = (input: string) => reason(`mutation { addUser(input: { ${input} }) { id } }`);
    assert.equal((await add('username: "Carol@Example.com"')).reason, 'INVALID_USERNAME');
    assert.equal((await add('username: "-x@example.com"')).reason, 'INVALID_USERNAME');
    assert.equal((await add('username: "d@example.com", id: "NOT-A-UUID"')).reason, 'INVALID_UUID');
    assert.equal((await add('username: "d@example.com", groups: ["a b"]')).reason, 'INVALID_GROUP');
    assert.equal((await add('username: "d@example.com", emails: ["nope"]')).reason, 'INVALID_EMAIL');
    assert.equal((await add('username: "d@example.com", realName: "a\\u0000b"')).reason, 'INVALID_TEXT');
    assert.equal((await add('username: "d@example.com", password: "   "')).reason, 'EMPTY_PASSWORD');
    assert.equal((await add('username: "d@example.com", numericId: 0')).reason, 'INVALID_NUMERIC_ID');
    assert.equal((await add('username: "d@example.com", realm: "4999999"')).reason, 'REALM_NOT_FOUND');
    assert.equal((await add('username: "d@example.com", realm: "bad realm"')).reason, 'INVALID_REALM_ID');
    const dupe = await add('username: "alice@example.com"');
    assert.deepEqual([dupe.code, dupe.reason], ['CONFLICT', 'USER_EXISTS']);
    assert.equal((await add(`username: "e@example.com", id: "${BOB}"`)).reason, 'USER_EXISTS');
    assert.equal((await add('username: "e@example.com", numericId: 12')).reason, 'USER_EXISTS');
    assert.equal(
      (await reason('mutation { addUser(input: { username: "f@example.com" }) { id } }', alice)).code,
      'FORBIDDEN',
    );
  });

  test('addUser without a default realm is NO_DEFAULT_REALM', async () => {
    const { reason } = setup({ data: { realms: [{ id: 'r1', name: 'R' }] } });
    assert.equal(
      (await reason('mutation { addUser(input: { username: "x@example.com" }) { id } }')).reason,
      'NO_DEFAULT_REALM',
    );
  });

  test('updateUser, disableUser, setUserGroups; the last administrator is kept', async () => {
    const { ok, reason } = setup();
    const updated = await ok(
      `mutation { updateUser(id: "${ALICE}", input: { realName: "Alice B", realm: "4000020", termsAccepted: false, rights: { dynamicVmView: ALL } }) { realName realm { id } termsAccepted rights { dynamicVmView persistentVmView } } }`,
    );
    assert.deepEqual(updated.updateUser, {
      realName: 'Alice B',
      realm: { id: '4000020' },
      termsAccepted: false,
      rights: { dynamicVmView: 'ALL', persistentVmView: 'OWNER' },
    });
    assert.equal(
      (await reason(`mutation { updateUser(id: "${BOB}", input: { realm: "4999999" }) { id } }`)).reason,
      'REALM_NOT_FOUND',
    );
    assert.equal(
      (await reason('mutation { updateUser(id: "00000000-0000-4000-8000-0000000000ff", input: {}) { id } }'))
        .reason,
      'USER_NOT_FOUND',
    );
    const groups = await ok(
      `mutation { setUserGroups(id: "${BOB}", groups: ["students", "default"]) { groups } }`,
    );
    assert.deepEqual(groups.setUserGroups.groups, ['students', 'default']);
    assert.equal(
      (await reason(`mutation { setUserGroups(id: "${BOB}", groups: ["-rf"]) { id } }`)).reason,
      'INVALID_GROUP',
    );
    assert.equal(
      (await reason('mutation { setUserGroups(id: "nobody", groups: []) { id } }')).reason,
      'USER_NOT_FOUND',
    );
    assert.equal((await ok(`mutation { disableUser(id: "${DYNVM}") { active } }`)).disableUser.active, false);
    assert.equal(
      (await reason('mutation { disableUser(id: "nobody") { active } }')).reason,
      'USER_NOT_FOUND',
    );
    const last = await reason(`mutation { disableUser(id: "${ADMIN}") { active } }`);
    assert.deepEqual([last.code, last.reason], ['CONFLICT', 'LAST_ADMIN']);
    assert.equal(
      (await reason(`mutation { updateUser(id: "${ADMIN}", input: { admin: false }) { id } }`)).reason,
      'LAST_ADMIN',
    );
    await ok(`mutation { updateUser(id: "${ALICE}", input: { admin: true }) { id } }`);
    assert.equal(
      (await ok(`mutation { updateUser(id: "${ADMIN}", input: { admin: false }) { admin } }`)).updateUser
        .admin,
      false,
    );
    assert.equal((await reason(`mutation { disableUser(id: "${BOB}") { id } }`, bob)).code, 'FORBIDDEN');
  });

  test('a failed update changes nothing (one transaction)', async () => {
    const { ok, reason } = setup();
    await reason(
      `mutation { updateUser(id: "${BOB}", input: { realName: "Changed", realm: "4999999" }) { id } }`,
    );
    assert.equal((await ok(`{ user(id: "${BOB}") { realName realm { id } } }`)).user.realName, 'Bob Example');
  });

  test('realm mutations: add, default moves, rename, remove; reasons', async () => {
    const { ok, reason } = setup();
    await ok(
      'mutation { addRealm(input: { id: "4000030", name: "AD", kind: LDAP, isDefault: true }) { id } }',
    );
    const realms = await ok('{ realms { id kind isDefault } }');
    assert.deepEqual(
      realms.realms.map((realm: any) => [realm.id, realm.isDefault]),
      [
        ['4000013', false],
        ['4000020', false],
        ['4000030', true],
      ],
    );
    assert.equal(
      (await reason('mutation { addRealm(input: { id: "4000030", name: "x" }) { id } }')).reason,
      'REALM_EXISTS',
    );
    assert.equal(
      (await reason('mutation { addRealm(input: { id: "a/b", name: "x" }) { id } }')).reason,
      'INVALID_REALM_ID',
    );
    assert.equal(
      (await reason('mutation { addRealm(input: { id: "x", name: " " }) { id } }')).reason,
      'INVALID_TEXT',
    );
    const renamed = await ok(
      'mutation { updateRealm(id: "4000013", input: { name: "Cloud", isDefault: true }) { name isDefault } }',
    );
    assert.deepEqual(renamed.updateRealm, { name: 'Cloud', isDefault: true });
    assert.equal(
      (await reason('mutation { updateRealm(id: "4000013", input: { isDefault: false }) { id } }')).reason,
      'DEFAULT_REALM_REQUIRED',
    );
    assert.equal(
      (await reason('mutation { updateRealm(id: "nope", input: { name: "x" }) { id } }')).reason,
      'REALM_NOT_FOUND',
    );
    assert.equal((await reason('mutation { removeRealm(id: "4000020") }')).reason, 'REALM_IN_USE');
    assert.equal((await reason('mutation { removeRealm(id: "nope") }')).reason, 'REALM_NOT_FOUND');
    assert.deepEqual(await ok('mutation { removeRealm(id: "4000030") }'), { removeRealm: true });
    assert.equal(
      (await reason('mutation { addRealm(input: { id: "x", name: "x" }) { id } }', alice)).code,
      'FORBIDDEN',
    );
  });
});

describe('users subgraph: tokens', () => {
  test('userByToken: statuses in Astakos order; user shown only for VALID and PENDING_TERMS to the public', async () => {
    const { ok, issue } = setup();
    const token = await issue(ALICE);
    const check = (value: string, principal: Principal = anonymous) =>
      ok(
        'query($t: String!) { userByToken(token: $t) { status user { id username } token { createdAt expiresAt expired } } }',
        principal,
        {
          t: value,
        },
      ).then((data) => data.userByToken);
    const valid = await check(token);
    assert.equal(valid.status, 'VALID');
    assert.equal(valid.user.id, ALICE);
    assert.equal(new Date(valid.token.createdAt).getMilliseconds(), 0);
    assert.equal(
      new Date(valid.token.expiresAt).getTime() - new Date(valid.token.createdAt).getTime(),
      30 * 24 * 3600 * 1000,
    );
    assert.deepEqual(await check('nope'), { status: 'INVALID_TOKEN', user: null, token: null });
    assert.deepEqual(await check(''), { status: 'INVALID_TOKEN', user: null, token: null });
    await ok(`mutation { updateUser(id: "${ALICE}", input: { termsAccepted: false }) { id } }`);
    assert.equal((await check(token)).status, 'PENDING_TERMS');
    assert.equal((await check(token)).user.id, ALICE);
    await ok(`mutation { expireUserToken(id: "${ALICE}") { id } }`);
    const expired = await check(token);
    assert.deepEqual([expired.status, expired.user], ['TOKEN_EXPIRED', null]);
    assert.equal((await check(token, SYSTEM)).token.expired, true);
    await ok(`mutation { disableUser(id: "${ALICE}") { id } }`);
    assert.deepEqual([(await check(token)).status, (await check(token)).user], ['USER_INACTIVE', null]);
    assert.equal((await check(token, cyclades)).user.id, ALICE);
  });

  test('issue, renew and revoke: owner or administrator; lifetime only for administrators', async () => {
    const { ok, reason, issue } = setup();
    const first = await issue(BOB);
    const renewed = await ok(`mutation { issueUserToken(id: "${BOB}") { token user { id } } }`, bob);
    assert.notEqual(renewed.issueUserToken.token, first);
    const status = (value: string) =>
      ok('query($t: String!) { userByToken(token: $t) { status } }', anonymous, { t: value });
    assert.equal((await status(first)).userByToken.status, 'INVALID_TOKEN');
    assert.equal((await status(renewed.issueUserToken.token)).userByToken.status, 'VALID');
    assert.equal(
      (await reason(`mutation { issueUserToken(id: "${BOB}") { token } }`, alice)).code,
      'FORBIDDEN',
    );
    assert.equal(
      (await reason(`mutation { issueUserToken(id: "${BOB}", lifetimeSeconds: 60) { token } }`, bob)).reason,
      'INVALID_LIFETIME',
    );
    assert.equal(
      (await reason(`mutation { issueUserToken(id: "${BOB}", lifetimeSeconds: 0) { token } }`)).reason,
      'INVALID_LIFETIME',
    );
    const short = await ok(
      `mutation { issueUserToken(id: "${BOB}", lifetimeSeconds: 60) { createdAt expiresAt } }`,
    );
    assert.equal(
      new Date(short.issueUserToken.expiresAt).getTime() - new Date(short.issueUserToken.createdAt).getTime(),
      60_000,
    );
    assert.equal(
      (await reason('mutation { issueUserToken(id: "nobody") { token } }')).reason,
      'USER_NOT_FOUND',
    );
    const timesAsBob = await ok(`{ user(id: "${BOB}") { token { expired } } }`, bob);
    assert.deepEqual(timesAsBob.user.token, { expired: false });
    assert.deepEqual((await ok(`{ user(id: "${BOB}") { token { expired } } }`, alice)).user.token, null);
    assert.equal(
      (await reason(`mutation { revokeUserToken(id: "${BOB}") { id } }`, alice)).code,
      'FORBIDDEN',
    );
    await ok(`mutation { revokeUserToken(id: "${BOB}") { id } }`, bob);
    assert.equal(
      (await reason(`mutation { revokeUserToken(id: "${BOB}") { id } }`)).reason,
      'TOKEN_NOT_FOUND',
    );
    assert.equal(
      (await reason(`mutation { expireUserToken(id: "${BOB}") { id } }`)).reason,
      'TOKEN_NOT_FOUND',
    );
    assert.equal(
      (await reason(`mutation { expireUserToken(id: "${ALICE}") { id } }`, alice)).code,
      'FORBIDDEN',
    );
    assert.equal(
      (await reason('mutation { revokeUserToken(id: "nobody") { id } }')).reason,
      'USER_NOT_FOUND',
    );
  });

  test('only hashes are stored', async () => {
    const { store, issue } = setup();
    const token = await issue(ALICE);
    const row = store.db.prepare('SELECT token_hash FROM user_tokens WHERE user_id = ?').get(ALICE) as {
      token_hash: string;
    };
    assert.equal(row.token_hash, hashToken(token));
    assert.equal(JSON.stringify(store.db.prepare('SELECT * FROM user_tokens').all()).includes(token), false);
  });

  test('imported tokens and expiry', async () => {
    const data = structuredClone(demo);
    data.users[1].token = 'T1';
    data.users[2].token = 'T2';
    data.users[2].tokenExpires = '2001-01-01T00:00:00Z';
    const { ok } = setup({ data });
    const status = (value: string) =>
      ok('query($t: String!) { userByToken(token: $t) { status } }', anonymous, { t: value });
    assert.equal((await status('T1')).userByToken.status, 'VALID');
    assert.equal((await status('T2')).userByToken.status, 'TOKEN_EXPIRED');
  });
});

describe('users subgraph: password authentication', () => {
  function withPasswords() {
    const data = structuredClone(demo);
    data.users[1].password = 'pw';
    data.users[2].password = 'bobpw';
    return setup({ data });
  }
  const login =
    'query($u: String!, $p: String!, $r: ID) { authenticateUser(username: $u, password: $p, realm: $r) { id } }';

  test('checks in order with the documented reasons', async () => {
    const { ok, reason, calls } = withPasswords();
    assert.equal(
      (await ok(login, anonymous, { u: 'alice@example.com', p: 'pw' })).authenticateUser.id,
      ALICE,
    );
    assert.equal(
      (await ok(login, anonymous, { u: 'Alice', p: 'pw', r: '4000013' })).authenticateUser.id,
      ALICE,
    );
    assert.equal(
      (await ok(login, anonymous, { u: 'bob', p: 'bobpw', r: '4000020' })).authenticateUser.id,
      BOB,
    );
    calls.length = 0;
    for (const [u, p] of [
      ['   ', 'pw'],
      ['alice', ''],
      ['alice', '   '],
    ]) {
      const empty = await reason(login, anonymous, { u, p });
      assert.deepEqual([empty.code, empty.reason], ['BAD_USER_INPUT', 'EMPTY_CREDENTIALS']);
    }
    assert.deepEqual(calls, [], 'blank credentials never reach the source');
    const realm = await reason(login, anonymous, { u: 'alice', p: 'pw', r: '4999999' });
    assert.deepEqual([realm.code, realm.reason], ['UNAUTHENTICATED', 'REALM_NOT_FOUND']);
    const wrong = await reason(login, anonymous, { u: 'alice', p: 'wrong' });
    const unknown = await reason(login, anonymous, { u: 'nobody', p: 'pw' });
    assert.deepEqual([wrong.reason, unknown.reason], ['BAD_CREDENTIALS', 'BAD_CREDENTIALS']);
    assert.equal(wrong.error.message, unknown.error.message);
    assert.equal(
      (await reason(login, anonymous, { u: 'alice', p: 'pw', r: '4000020' })).reason,
      'WRONG_REALM',
    );
    assert.equal(
      (await reason(login, anonymous, { u: 'alice', p: 'wrong', r: '4000020' })).reason,
      'BAD_CREDENTIALS',
    );
    assert.equal(
      (await reason(login, anonymous, { u: 'dynvm', p: 'x' })).reason,
      'BAD_CREDENTIALS',
      'no password set',
    );
    await ok(`mutation { disableUser(id: "${ALICE}") { id } }`);
    assert.equal((await reason(login, anonymous, { u: 'alice', p: 'pw' })).reason, 'USER_INACTIVE');
  });

  test('a NUL byte never matches nor is stored (HMAC pads short keys with zeros)', async () => {
    const { ok, reason } = withPasswords();
    for (const p of ['pw\0', 'pw\0\0', '\0pw'])
      assert.equal((await reason(login, anonymous, { u: 'alice', p })).reason, 'BAD_CREDENTIALS');
    assert.equal((await ok(login, anonymous, { u: 'alice', p: 'pw' })).authenticateUser.id, ALICE);
    const refused = await reason(
      'mutation($p: String!) { setUserPassword(id: "' + ALICE + '", password: $p) { id } }',
      alice,
      { p: 'new\0pass' },
    );
    assert.deepEqual([refused.code, refused.reason], ['BAD_USER_INPUT', 'INVALID_PASSWORD']);
  });

  test('setUserPassword: owner or administrator, scrypt hash stored, blank refused', async () => {
    const { ok, reason, store } = withPasswords();
    await ok(`mutation { setUserPassword(id: "${ALICE}", password: "new pass") { id } }`, alice);
    const row = store.db.prepare('SELECT password_hash FROM users WHERE id = ?').get(ALICE) as {
      password_hash: string;
    };
    assert.match(row.password_hash, /^scrypt\$16384\$8\$1\$/);
    assert.equal((await ok(login, anonymous, { u: 'alice', p: 'new pass' })).authenticateUser.id, ALICE);
    assert.equal((await reason(login, anonymous, { u: 'alice', p: 'pw' })).reason, 'BAD_CREDENTIALS');
    assert.equal(
      (await reason(`mutation { setUserPassword(id: "${ALICE}", password: " ") { id } }`, alice)).reason,
      'EMPTY_PASSWORD',
    );
    assert.equal(
      (await reason(`mutation { setUserPassword(id: "${ALICE}", password: "x") { id } }`, bob)).code,
      'FORBIDDEN',
    );
    assert.equal(
      (await reason('mutation { setUserPassword(id: "nobody", password: "x") { id } }')).reason,
      'USER_NOT_FOUND',
    );
  });

  test('no default realm: NO_DEFAULT_REALM', async () => {
    const { reason } = setup({
      data: {
        realms: [{ id: 'r1', name: 'R' }],
        users: [{ id: ALICE, username: 'alice@example.com', realm: 'r1', password: 'pw' }],
      },
    });
    assert.equal((await reason(login, anonymous, { u: 'alice', p: 'pw' })).reason, 'NO_DEFAULT_REALM');
  });
});

describe('users subgraph: components and the service catalog', () => {
  test('public component list with defaults and overrides, ordered by order', async () => {
    const { ok } = setup();
    await ok(
      'mutation { registerComponent(input: { name: "my-svc", url: "https://x.example/ui" }) { token } }',
    );
    const data = await ok(
      '{ components { name order verboseName cloudbar { show title } dashboard { show order description } } }',
      anonymous,
    );
    assert.deepEqual(
      data.components.map((component: any) => [
        component.name,
        component.order,
        component.cloudbar.show,
        component.dashboard.order,
      ]),
      [
        ['astakos', 1, false, 3],
        ['pithos', 2, true, 1],
        ['cyclades', 3, true, 2],
        ['my-svc', 1000, true, 1000],
      ],
    );
    assert.deepEqual(data.components[3], {
      name: 'my-svc',
      order: 1000,
      verboseName: 'My-Svc',
      cloudbar: { show: true, title: 'my-svc' },
      dashboard: { show: true, order: 1000, description: 'my-svc service' },
    });
  });

  test('service catalog: registration order, SNF:uiURL first, SNF:webloginURL before publicURL', async () => {
    const { ok } = setup();
    const data = await ok(
      '{ serviceCatalog { name type component { name } endpoints { entries { key } catalogEntries { key value } } } }',
      anonymous,
    );
    assert.deepEqual(
      data.serviceCatalog.map((service: any) => service.name),
      ['astakos_account', 'astakos_identity', 'astakos_weblogin', 'cyclades_compute', 'pithos_object-store'],
    );
    assert.deepEqual(data.serviceCatalog[0].endpoints[0].catalogEntries, [
      { key: 'SNF:uiURL', value: 'https://cloud.example.org/astakos/ui' },
      { key: 'versionId', value: 'v1.0' },
      { key: 'publicURL', value: 'https://cloud.example.org/astakos/account/v1.0' },
    ]);
    assert.deepEqual(
      data.serviceCatalog[2].endpoints[0].catalogEntries.map((pair: any) => pair.key),
      ['SNF:uiURL', 'versionId', 'SNF:webloginURL', 'publicURL'],
    );
    assert.deepEqual(
      data.serviceCatalog[2].endpoints[0].entries.map((pair: any) => pair.key),
      ['versionId', 'publicURL'],
    );
    assert.equal(data.serviceCatalog[3].component.name, 'cyclades');
  });

  test('register, update, renew, remove; component token statuses; reasons', async () => {
    const { ok, reason } = setup();
    const registered = await ok(
      `mutation { registerComponent(input: { name: "ui", url: "https://ui.example/", presentation: { order: 0, cloudbarTitle: "UI" },
        services: [{ name: "ui_api", type: "api", endpoints: [{ entries: [{ key: "versionId", value: "v1" }, { key: "publicURL", value: "https://ui.example/api" }] }] }] })
        { token expiresAt component { name order cloudbar { title } services { name } } } }`,
    );
    const token = registered.registerComponent.token;
    assert.deepEqual(registered.registerComponent.component, {
      name: 'ui',
      order: 0,
      cloudbar: { title: 'UI' },
      services: [{ name: 'ui_api' }],
    });
    const check = async (value: string) =>
      (
        await ok(
          'query($t: String!) { componentByToken(token: $t) { status component { name } } }',
          anonymous,
          { t: value },
        )
      ).componentByToken;
    assert.deepEqual(await check(token), { status: 'VALID', component: { name: 'ui' } });
    assert.deepEqual(await check('nope'), { status: 'INVALID_TOKEN', component: null });
    const reg = (input: string) => reason(`mutation { registerComponent(input: { ${input} }) { token } }`);
    assert.equal((await reg('name: "ui", url: "https://x.example"')).reason, 'COMPONENT_EXISTS');
    assert.equal((await reg('name: "UI", url: "https://x.example"')).reason, 'INVALID_COMPONENT_NAME');
    assert.equal((await reg('name: "x", url: "javascript:alert(1)"')).reason, 'INVALID_URL');
    assert.equal(
      (await reg('name: "x", url: "https://x.example", tokenLifetimeSeconds: -1')).reason,
      'INVALID_LIFETIME',
    );
    assert.equal(
      (await reg('name: "x", url: "https://x.example", presentation: { order: 10000000 }')).reason,
      'INVALID_ORDER',
    );
    assert.equal(
      (await reg('name: "x", url: "https://x.example", services: [{ name: "-s", type: "t" }]')).reason,
      'INVALID_SERVICE_NAME',
    );
    assert.equal(
      (await reg('name: "x", url: "https://x.example", services: [{ name: "s", type: "t t" }]')).reason,
      'INVALID_SERVICE_TYPE',
    );
    assert.equal(
      (
        await reg(
          'name: "x", url: "https://x.example", services: [{ name: "s", type: "t" }, { name: "s", type: "t" }]',
        )
      ).reason,
      'DUPLICATE_SERVICE',
    );
    assert.equal(
      (
        await reg(
          'name: "x", url: "https://x.example", services: [{ name: "s", type: "t", endpoints: [{ entries: [{ key: "SNF:uiURL", value: "v" }] }] }]',
        )
      ).reason,
      'INVALID_ENDPOINT_KEY',
    );
    const taken = await reg('name: "x", url: "https://x.example", services: [{ name: "ui_api", type: "t" }]');
    assert.deepEqual([taken.code, taken.reason], ['CONFLICT', 'SERVICE_EXISTS']);
    assert.equal(
      (await ok('{ component(name: "x") { name } }')).component,
      null,
      'the failed registration left nothing behind',
    );

    const updated = await ok(
      'mutation { updateComponent(name: "ui", input: { url: "https://ui2.example/", services: [{ name: "ui_v2", type: "api" }] }) { url services { name } } }',
    );
    assert.deepEqual(updated.updateComponent, { url: 'https://ui2.example/', services: [{ name: 'ui_v2' }] });
    assert.equal(
      (await reason('mutation { updateComponent(name: "nope", input: {}) { url } }')).reason,
      'COMPONENT_NOT_FOUND',
    );
    const clash = await reason(
      'mutation { updateComponent(name: "ui", input: { url: "https://ui3.example/", services: [{ name: "cyclades_compute", type: "x" }] }) { url } }',
    );
    assert.equal(clash.reason, 'SERVICE_EXISTS');
    assert.equal(
      (await ok('{ component(name: "ui") { url } }')).component.url,
      'https://ui2.example/',
      'the failed update changed nothing',
    );

    const renewed = await ok('mutation { renewComponentToken(name: "ui", lifetimeSeconds: 1) { token } }');
    assert.equal((await check(token)).status, 'INVALID_TOKEN');
    assert.equal((await check(renewed.renewComponentToken.token)).status, 'VALID');
    assert.equal(
      (await reason('mutation { renewComponentToken(name: "nope") { token } }')).reason,
      'COMPONENT_NOT_FOUND',
    );
    assert.deepEqual(await ok('mutation { removeComponent(name: "ui") }'), { removeComponent: true });
    assert.equal((await reason('mutation { removeComponent(name: "ui") }')).reason, 'COMPONENT_NOT_FOUND');
    assert.equal(
      (await reason('mutation { removeComponent(name: "cyclades") }', cyclades)).code,
      'FORBIDDEN',
    );
  });

  test('an expired component token is TOKEN_EXPIRED', async () => {
    const data = structuredClone(demo);
    data.components[1].token = 'C1';
    data.components[2].token = 'C2';
    data.components[2].tokenExpires = '2001-01-01T00:00:00Z';
    const { ok } = setup({ data });
    const status = async (value: string) =>
      (await ok('query($t: String!) { componentByToken(token: $t) { status } }', anonymous, { t: value }))
        .componentByToken.status;
    assert.equal(await status('C1'), 'VALID');
    assert.equal(await status('C2'), 'TOKEN_EXPIRED');
  });
});

describe('users subgraph: user catalogs', () => {
  test('by UUID and by display name, caller spelling kept, later duplicate wins, unknown left out', async () => {
    const { ok, calls } = setup();
    calls.length = 0;
    const data = await ok(
      'query($u: [String!], $d: [String!]) { userCatalogs(uuids: $u, displayNames: $d) { uuidCatalog { uuid displayName } displayNameCatalog { uuid displayName } } }',
      alice,
      {
        u: [ALICE, 'unknown', ALICE],
        d: ['User@Example.com', 'Alice@Example.com', 'ALICE@example.com', 'nobody@example.com'],
      },
    );
    assert.deepEqual(data.userCatalogs, {
      uuidCatalog: [{ uuid: ALICE, displayName: 'alice@example.com' }],
      displayNameCatalog: [{ uuid: ALICE, displayName: 'ALICE@example.com' }],
    });
    assert.deepEqual(calls.sort(), ['getUsers', 'getUsersByUsername']);
    const empty = await ok('{ userCatalogs { uuidCatalog { uuid } displayNameCatalog { uuid } } }', alice);
    assert.deepEqual(empty.userCatalogs, { uuidCatalog: [], displayNameCatalog: [] });
  });

  test('all users for services; FORBIDDEN for users; UNAUTHENTICATED for anonymous', async () => {
    const { ok, reason } = setup();
    const all = await ok(
      '{ userCatalogs(allUuids: true) { uuidCatalog { uuid displayName } displayNameCatalog { uuid } } }',
      cyclades,
    );
    assert.equal(all.userCatalogs.uuidCatalog.length, 4);
    assert.deepEqual(all.userCatalogs.displayNameCatalog, []);
    const names = await ok(
      '{ userCatalogs(allDisplayNames: true) { displayNameCatalog { displayName } } }',
      cyclades,
    );
    assert.equal(names.userCatalogs.displayNameCatalog[1].displayName, 'alice@example.com');
    assert.equal(
      (await reason('{ userCatalogs(allUuids: true) { uuidCatalog { uuid } } }', alice)).code,
      'FORBIDDEN',
    );
    assert.equal(
      (await reason('{ userCatalogs(uuids: []) { uuidCatalog { uuid } } }', anonymous)).code,
      'UNAUTHENTICATED',
    );
  });
});

describe('users subgraph: API clients', () => {
  test('add, reset, delete with APP_EXISTS / APP_NOT_FOUND; secret encrypted at rest, recoverable by the authenticator only', async () => {
    const { ok, reason, store, inner } = setup();
    const added = await ok(
      'mutation { addApiClient(appId: "myapp", secret: "myappsecret") { appId createdAt } }',
    );
    assert.equal(added.addApiClient.appId, 'myapp');
    const row = store.db.prepare('SELECT secret FROM api_clients').get() as { secret: string };
    assert.equal(row.secret.includes('myappsecret'), false);
    assert.match(row.secret, /^v1:/);
    assert.ok(store.getMeta('secrets.key'));
    const auth = createAuthenticator(inner);
    assert.equal(await auth.apiClientSecret('myapp'), 'myappsecret');
    assert.equal(await auth.apiClientSecret('other'), null);
    const exists = await reason('mutation { addApiClient(appId: "myapp", secret: "x") { appId } }');
    assert.deepEqual([exists.code, exists.reason], ['CONFLICT', 'APP_EXISTS']);
    await ok('mutation { resetApiClient(appId: "myapp", secret: "second") { appId } }');
    assert.equal(await auth.apiClientSecret('myapp'), 'second');
    assert.equal(
      (await reason('mutation { resetApiClient(appId: "nope", secret: "x") { appId } }')).reason,
      'APP_NOT_FOUND',
    );
    assert.equal(
      (await reason('mutation { addApiClient(appId: "-x", secret: "x") { appId } }')).reason,
      'INVALID_APP_ID',
    );
    assert.equal(
      (await reason('mutation { addApiClient(appId: "x", secret: "  ") { appId } }')).reason,
      'EMPTY_SECRET',
    );
    assert.equal(
      (await reason('mutation { addApiClient(appId: "x", secret: "a\\nb") { appId } }')).reason,
      'INVALID_SECRET',
    );
    assert.deepEqual((await ok('{ apiClients { appId } }')).apiClients, [{ appId: 'myapp' }]);
    assert.equal((await reason('{ apiClients { appId } }', alice)).code, 'FORBIDDEN');
    assert.equal(
      (await reason('mutation { addApiClient(appId: "y", secret: "s") { appId } }', alice)).code,
      'FORBIDDEN',
    );
    assert.deepEqual(await ok('mutation { deleteApiClient(appId: "myapp") }'), { deleteApiClient: true });
    assert.equal((await reason('mutation { deleteApiClient(appId: "myapp") }')).reason, 'APP_NOT_FOUND');
    // The schema has no way to read a secret back.
    const result = await ok('{ __type(name: "UserApiClient") { fields { name } } }');
    assert.deepEqual(result.__type.fields.map((field: any) => field.name).sort(), [
      'appId',
      'createdAt',
      'updatedAt',
    ]);
  });

  test('imported clients decrypt with the store key; a tampered ciphertext does not', async () => {
    const data = { ...structuredClone(demo), apiClients: [{ appId: 'myapp', secret: 'myappsecret' }] };
    const { store, inner } = setup({ data });
    const auth = createAuthenticator(inner);
    assert.equal(await auth.apiClientSecret('myapp'), 'myappsecret');
    store.db.prepare(`UPDATE api_clients SET app_id = 'other'`).run();
    await assert.rejects(auth.apiClientSecret('other'));
  });
});

describe('users subgraph: feedback', () => {
  test('recorded with user and time; whitespace counts as a message; non-users refused', async () => {
    const delivered: string[] = [];
    const { ok, reason } = setup({
      notifier: {
        notify: async (feedback, user) => void delivered.push(`${user.username}:${feedback.message}`),
      },
    });
    const sent = await ok(
      'mutation { submitFeedback(message: "hello", data: "x") { id message data createdAt user { id } } }',
      alice,
    );
    assert.deepEqual(
      { ...sent.submitFeedback, createdAt: undefined },
      { id: 1, message: 'hello', data: 'x', createdAt: undefined, user: { id: ALICE } },
    );
    await ok('mutation { submitFeedback(message: "  ") { id } }', bob);
    assert.deepEqual(delivered, ['alice@example.com:hello', 'bob@example.com:  ']);
    const empty = await reason('mutation { submitFeedback(message: "") { id } }', alice);
    assert.deepEqual([empty.code, empty.reason], ['BAD_USER_INPUT', 'INVALID_FEEDBACK']);
    assert.equal(
      (await reason('mutation { submitFeedback(message: "x") { id } }', cyclades)).code,
      'FORBIDDEN',
    );
    assert.equal(
      (await reason('mutation { submitFeedback(message: "x") { id } }', anonymous)).code,
      'UNAUTHENTICATED',
    );
    const list = await ok('{ feedback { totalCount nodes { message user { username } } } }');
    assert.deepEqual(list.feedback.nodes, [
      { message: '  ', user: { username: 'bob@example.com' } },
      { message: 'hello', user: { username: 'alice@example.com' } },
    ]);
    assert.equal((await reason('{ feedback { totalCount } }', alice)).code, 'FORBIDDEN');
  });

  test('a failed delivery keeps the record and reports FEEDBACK_NOT_DELIVERED', async () => {
    const { ok, reason } = setup({
      notifier: { notify: async () => Promise.reject(new Error('smtp down')) },
    });
    const failed = await reason('mutation { submitFeedback(message: "hello") { id } }', alice);
    assert.deepEqual(
      [failed.code, failed.reason, failed.error.extensions.feedbackId],
      ['BACKEND_FAILED', 'FEEDBACK_NOT_DELIVERED', 1],
    );
    assert.equal(failed.error.message.includes('smtp'), false);
    assert.equal((await ok('{ feedback { totalCount } }')).feedback.totalCount, 1);
  });
});

describe('users subgraph: federation and batching', () => {
  test('User and Realm references resolve in one batched source call each; users need a principal', async () => {
    const { run, ok, calls } = setup();
    calls.length = 0;
    const data = await ok(
      `{ _entities(representations: [{ __typename: "User", id: "${ALICE}" }, { __typename: "User", id: "${BOB}" }, { __typename: "User", id: "nope" }]) { ... on User { username realm { name } } } }`,
      alice,
    );
    assert.deepEqual(data._entities, [
      { username: 'alice@example.com', realm: { name: 'FOSS-Cloud' } },
      { username: 'bob@example.com', realm: { name: 'School' } },
      null,
    ]);
    assert.deepEqual(calls, ['getUsers', 'getRealms']);
    const denied = await run(
      `{ _entities(representations: [{ __typename: "User", id: "${ALICE}" }]) { ... on User { username } } }`,
      anonymous,
    );
    assert.equal(denied.errors?.[0]?.extensions?.code, 'UNAUTHENTICATED');
    const realm = await ok(
      '{ _entities(representations: [{ __typename: "Realm", id: "4000013" }]) { ... on Realm { name } } }',
      anonymous,
    );
    assert.deepEqual(realm._entities, [{ name: 'FOSS-Cloud' }]);
  });

  test('a list of users costs one source call per field level', async () => {
    const { ok, calls, issue } = setup();
    await issue(ALICE);
    await issue(BOB);
    calls.length = 0;
    await ok(
      '{ users { nodes { id realm { id } token { expiresAt } } } components { services { name endpoints { catalogEntries { key } } component { name } } } }',
    );
    assert.deepEqual(calls.sort(), [
      'getComponents',
      'getRealms',
      'getTokens',
      'listComponents',
      'listUsers',
      'servicesOfComponents',
    ]);
  });
});

describe('users: authenticator and first start', () => {
  test('authenticateToken: users with VALID tokens, services with valid component tokens, else null', async () => {
    const data = structuredClone(demo);
    data.components[1].token = 'C1';
    data.users[2].token = 'T2';
    data.users[2].tokenExpires = '2001-01-01T00:00:00Z';
    const { inner, issue } = setup({ data });
    const auth = createAuthenticator(inner);
    const token = await issue(ALICE);
    assert.deepEqual(await auth.authenticateToken(token), {
      kind: 'user',
      id: ALICE,
      name: 'alice@example.com',
      admin: false,
      groups: ['default', 'teachers'],
      rights: { dynamicVmView: 'owner', persistentVmView: 'owner' },
    });
    assert.deepEqual(await auth.authenticateToken('C1'), { kind: 'service', id: 'cyclades' });
    assert.equal(await auth.authenticateToken('T2'), null);
    assert.equal(await auth.authenticateToken('nope'), null);
    assert.equal(await auth.authenticateToken(''), null);
    assert.equal((await auth.checkUserToken('T2')).status, 'token_expired');
    assert.equal((await auth.checkComponentToken('C1')).status, 'valid');
  });

  test('authenticatePassword returns the principal or the reason', async () => {
    const data = structuredClone(demo);
    data.users[1].password = 'pw';
    const { inner } = setup({ data });
    const auth = createAuthenticator(inner);
    const good = await auth.authenticatePassword('alice', 'pw');
    assert.equal(good.ok && good.principal.kind === 'user' && good.principal.id, ALICE);
    const bad = await auth.authenticatePassword('alice', 'nope', '4000013');
    assert.deepEqual(bad.ok ? null : bad.reason, 'BAD_CREDENTIALS');
    const blank = await auth.authenticatePassword('alice', ' ');
    assert.deepEqual(blank.ok ? null : blank.reason, 'EMPTY_CREDENTIALS');
  });

  test('ensureAdmin: creates the admin on an empty store with the given token, once', async () => {
    const store = new Store(':memory:');
    const source = new EmbeddedUsers(store);
    const first = await ensureAdmin(source, { token: 'from-env' });
    assert.deepEqual(first, { created: true, token: 'from-env' });
    const auth = createAuthenticator(source);
    const principal = await auth.authenticateToken('from-env');
    assert.deepEqual(principal, {
      kind: 'user',
      id: ADMIN,
      name: 'admin@example.com',
      admin: true,
      groups: ['default'],
      rights: { dynamicVmView: 'all', persistentVmView: 'all' },
    });
    assert.deepEqual(await ensureAdmin(source, { token: 'from-env' }), { created: false });
    // A newly configured admin token replaces the old one, so the configuration always works.
    assert.deepEqual(await ensureAdmin(source, { token: 'other' }), { created: false, token: 'other' });
    assert.equal((await auth.authenticateToken('other'))?.kind, 'user');
    assert.equal(await auth.authenticateToken('from-env'), null);
    const random = await ensureAdmin(new EmbeddedUsers(new Store(':memory:')));
    assert.equal(random.created, true);
    assert.ok(random.token && random.token.length >= 40);
  });

  test('ensureAdmin on an imported store without tokens issues a token for the first admin', async () => {
    const { inner } = setup();
    const result = await ensureAdmin(inner);
    assert.equal(result.created, false);
    const principal = await createAuthenticator(inner).authenticateToken(result.token!);
    assert.equal(principal?.kind === 'user' && principal.id, ADMIN);
    assert.deepEqual(await ensureAdmin(inner), { created: false });
  });
});

describe('users import', () => {
  test('errors name the path; a failing import leaves the store empty', async () => {
    const store = new Store(':memory:');
    const bad = structuredClone(demo);
    bad.users[2].realm = '4999999';
    assert.throws(() => importUsers(store, bad), /users\[2\]\.realm: unknown realm "4999999"/);
    assert.deepEqual(store.db.prepare('SELECT COUNT(*) AS n FROM realms').get(), { n: 0 });
    assert.deepEqual(store.db.prepare('SELECT COUNT(*) AS n FROM users').get(), { n: 0 });
    assert.throws(
      () => importUsers(store, { users: [{ id: ALICE, username: 'Alice@x.org' }] }),
      /users\[0\]\.username/,
    );
    assert.throws(() => importUsers(store, { realms: [{ id: 'r', name: 'R', extra: 1 }] }), /unknown key/);
    assert.throws(
      () =>
        importUsers(store, {
          components: [
            {
              name: 'c',
              url: 'https://c.example',
              services: [{ name: 's', type: 't', endpoints: [{ 'SNF:uiURL': 'x' }] }],
            },
          ],
        }),
      /components\[0\]\.services\[0\]\.endpoints\[0\]/,
    );
  });
});
