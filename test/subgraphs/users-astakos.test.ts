// Identity capabilities added for the Astakos shim: group ids as Keystone roles (migration 008),
// component token revocation, and the SMTP feedback mail.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { Store } from '../../src/drivers/embedded/store.js';
import { importUsers } from '../../src/drivers/embedded/users.import.js';
import { feedbackMail } from '../../src/drivers/smtp/index.js';
import { SYSTEM, type Principal } from '../../src/identity/index.js';
import { demo, usersSubgraph } from '../support/users-subgraph.js';

const ALICE = 'a9dc21d2-bcb2-4104-9a9e-402b7c70d6d8';
const BOB = 'ff53baa9-c025-4d56-a6e3-963db0438830';
const setup = () => usersSubgraph();

describe('users subgraph: Astakos roles (group ids)', () => {
  test('every group has one numeric id, the same for all its users, in the order of first use', async () => {
    const { run, calls } = setup();
    const result = await run('{ users(first: 10) { nodes { id groups roles { id name } } } }');
    assert.equal(result.errors, undefined);
    const byId = new Map<string, { groups: string[]; roles: { id: number; name: string }[] }>(
      result.data.users.nodes.map((user: any) => [user.id, user]),
    );
    assert.deepEqual(byId.get(ALICE)!.roles, [
      { id: 1, name: 'default' },
      { id: 2, name: 'teachers' },
    ]);
    assert.deepEqual(byId.get(BOB)!.roles, [
      { id: 1, name: 'default' },
      { id: 3, name: 'students' },
    ]);
    for (const user of byId.values())
      assert.deepEqual(
        user.roles.map((role) => role.name),
        user.groups,
      );
    // One source call for every user's roles.
    assert.equal(calls.filter((call) => call === 'groupIds').length, 1);
  });

  test('a new group gets the next id; setUserGroups keeps existing ids', async () => {
    const { run } = setup();
    const changed = await run(
      'mutation { setUserGroups(id: "' +
        BOB +
        '", groups: ["students", "admins", "default"]) { roles { id name } } }',
    );
    assert.equal(changed.errors, undefined);
    assert.deepEqual(changed.data.setUserGroups.roles, [
      { id: 3, name: 'students' },
      { id: 4, name: 'admins' },
      { id: 1, name: 'default' },
    ]);
  });

  test('migration 008 numbers the groups of an existing store', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cloudfed-008-'));
    try {
      const path = join(dir, 'store.db');
      const first = new Store(path);
      importUsers(first, demo);
      // Back to a store of before migration 008.
      first.db.exec('DROP TRIGGER user_groups_number; DROP TABLE group_ids;');
      first.db.prepare('DELETE FROM schema_migrations WHERE version = 8').run();
      first.close();
      const reopened = new Store(path);
      const rows = reopened.db.prepare('SELECT id, name FROM group_ids ORDER BY id').all();
      assert.deepEqual(rows, [
        { id: 1, name: 'default' },
        { id: 2, name: 'teachers' },
        { id: 3, name: 'students' },
      ]);
      reopened.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('users subgraph: component token revocation', () => {
  test('revoked: the token no longer checks; renew gives a working one; administrators only', async () => {
    const { run } = setup();
    const issued = await run('mutation { renewComponentToken(name: "cyclades") { token } }');
    const token = issued.data.renewComponentToken.token as string;
    const check = `query ($t: String!) { componentByToken(token: $t) { status component { name } } }`;
    assert.equal((await run(check, SYSTEM, { t: token })).data.componentByToken.status, 'VALID');
    const alice: Principal = { kind: 'user', id: ALICE, name: 'alice@example.com', admin: false, groups: [] };
    const refused = await run('mutation { revokeComponentToken(name: "cyclades") { name } }', alice);
    assert.equal(refused.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    const revoked = await run('mutation { revokeComponentToken(name: "cyclades") { name tokenExpiresAt } }');
    assert.equal(revoked.errors, undefined);
    assert.deepEqual(revoked.data.revokeComponentToken, { name: 'cyclades', tokenExpiresAt: null });
    assert.equal((await run(check, SYSTEM, { t: token })).data.componentByToken.status, 'INVALID_TOKEN');
    const again = await run('mutation { revokeComponentToken(name: "cyclades") { name } }');
    assert.equal(again.errors?.[0]?.extensions?.reason, 'TOKEN_NOT_FOUND');
    const unknown = await run('mutation { revokeComponentToken(name: "nope") { name } }');
    assert.equal(unknown.errors?.[0]?.extensions?.reason, 'COMPONENT_NOT_FOUND');
  });
});

describe('SMTP driver: the feedback mail', () => {
  test('message, data and sender; no header injection through the name', () => {
    const mail = feedbackMail(
      { from: 'astakos@x.org', to: ['ops@x.org'], subject: 'Feedback from' },
      {
        id: 7,
        userId: ALICE,
        message: 'It broke',
        data: 'page=vms',
        createdAt: new Date('2030-01-01T00:00:00Z'),
      },
      {
        id: ALICE,
        numericId: 12,
        username: 'alice@example.com\r\nBcc: evil@x.org',
        realName: 'Alice',
        emails: ['alice@example.com'],
        groups: [],
        active: true,
        termsAccepted: true,
        admin: false,
        realmId: null,
        rights: { dynamicVmView: 'owner', persistentVmView: 'owner' },
        createdAt: new Date(0),
      },
    );
    assert.equal(mail.subject, 'Feedback from alice@example.com Bcc: evil@x.org');
    assert.deepEqual(mail.to, ['ops@x.org']);
    assert.match(mail.text, /^Message:\nIt broke\n\nData:\npage=vms\n$/m);
    assert.ok(mail.text.includes(`UUID: ${ALICE}`));
  });
});
