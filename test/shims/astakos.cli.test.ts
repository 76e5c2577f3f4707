// The operator CLI (`cloudfed users …`, `cloudfed token …`) on the store a running server uses:
// what it does is what the Astakos shim sees at once.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { identityCommand } from '../../gateway/cli-identity.js';
import { startTestServer, type TestServer } from '../support/cloudfed.js';
import { ASTAKOS_DATA, C1, fault, raw, U1 } from './astakos.support.js';

const NEW_UUID = '44444444-4444-4444-8444-444444444444';

describe('Astakos: the identity CLI on the server’s store', () => {
  let dir: string;
  let configFile: string;
  let server: TestServer;
  const cli = async (...argv: string[]) => {
    let out = '';
    let err = '';
    const [command, ...rest] = argv as ['users' | 'token', ...string[]];
    const code = await identityCommand(command, [...rest, '--config', configFile], process.cwd(), {
      out: (text) => (out += text),
      err: (text) => (err += text),
    });
    return { code, out, err };
  };
  const authenticate = (token: string) =>
    raw(server.url, 'GET', '/astakos/account/v1.0/authenticate', { headers: { 'X-Auth-Token': token } });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cloudfed-cli-'));
    const storePath = join(dir, 'store.db');
    configFile = join(dir, 'cloudfed.yaml');
    writeFileSync(configFile, `store:\n  path: ${JSON.stringify(storePath)}\n  demo: false\n`);
    server = await startTestServer({ demo: false, importText: ASTAKOS_DATA, storePath });
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('users add prints the new user; the shim knows it at once', async () => {
    const added = await cli(
      'users',
      'add',
      'New.User@Example.com',
      '--name',
      'New User',
      '--uuid',
      NEW_UUID,
      '--group',
      'default',
      '--group',
      'staff',
    );
    assert.equal(added.code, 0, added.err);
    const [line, ...more] = added.out.trimEnd().split('\n');
    assert.equal(more.length, 0);
    const columns = line!.split('\t');
    assert.equal(columns.length, 7);
    assert.equal(columns[0], NEW_UUID);
    assert.match(columns[1]!, /^\d+$/);
    assert.deepEqual(columns.slice(2), ['new.user@example.com', 'true', 'true', 'false', 'default,staff']);
    const catalogs = await raw(server.url, 'POST', '/astakos/account/v1.0/service/user_catalogs', {
      headers: { 'X-Auth-Token': C1 },
      body: JSON.stringify({ uuids: [NEW_UUID] }),
    });
    assert.equal(
      catalogs.body,
      `{"displayname_catalog": {}, "uuid_catalog": {"${NEW_UUID}": "new.user@example.com"}}`,
    );
    const duplicate = await cli('users', 'add', 'new.user@example.com');
    assert.equal(duplicate.code, 1);
    assert.match(duplicate.err, /CONFLICT USER_EXISTS/);
  });

  test('users list: one line per user, or JSON', async () => {
    const listed = await cli('users', 'list');
    assert.equal(listed.code, 0, listed.err);
    const lines = listed.out.trimEnd().split('\n');
    assert.ok(lines.every((line) => line.split('\t').length === 7));
    assert.ok(
      lines.some((line) => line.startsWith(`${U1}\t12\tuser@example.com\ttrue\ttrue\tfalse\tdefault`)),
    );
    const json = await cli('users', 'list', '--json');
    const rows = JSON.parse(json.out) as { id: string; username: string }[];
    assert.equal(rows.length, lines.length);
    assert.ok(rows.some((row) => row.id === NEW_UUID && row.username === 'new.user@example.com'));
  });

  test('token issue / revoke for a user, by username or UUID', async () => {
    const issued = await cli('token', 'issue', 'NEW.USER@example.com', '--lifetime', '3600');
    assert.equal(issued.code, 0, issued.err);
    const token = issued.out.trim();
    assert.match(token, /^[A-Za-z0-9_-]{43}$/);
    const ok = await authenticate(token);
    assert.equal(ok.status, 200);
    const expires = JSON.parse(ok.body).auth_token_expires as number;
    assert.ok(Math.abs(expires - (Date.now() + 3600_000)) < 60_000);

    const json = await cli('token', 'issue', NEW_UUID, '--json');
    const parsed = JSON.parse(json.out) as { token: string; expiresAt: string; user: string };
    assert.equal(parsed.user, NEW_UUID);
    assert.equal((await authenticate(token)).body, fault('unauthorized', 401, 'Invalid X-Auth-Token'));
    assert.equal((await authenticate(parsed.token)).status, 200);

    const revoked = await cli('token', 'revoke', NEW_UUID);
    assert.equal(revoked.code, 0, revoked.err);
    assert.equal(revoked.out, `revoked\t${NEW_UUID}\n`);
    assert.equal((await authenticate(parsed.token)).body, fault('unauthorized', 401, 'Invalid X-Auth-Token'));
    const again = await cli('token', 'revoke', NEW_UUID);
    assert.equal(again.code, 1);
    assert.match(again.err, /TOKEN_NOT_FOUND/);
  });

  test('users disable: the user’s token then answers User inactive', async () => {
    const issued = await cli('token', 'issue', 'new.user@example.com');
    const token = issued.out.trim();
    const disabled = await cli('users', 'disable', 'new.user@example.com');
    assert.equal(disabled.code, 0, disabled.err);
    assert.match(disabled.out, new RegExp(`^${NEW_UUID}\\t\\d+\\tnew.user@example.com\\tfalse\\t`));
    assert.equal((await authenticate(token)).body, fault('unauthorized', 401, 'User inactive'));
  });

  test('component tokens: issue works on the service call, revoke refuses it', async () => {
    const issued = await cli('token', 'issue', '--component', 'cyclades', '--json');
    assert.equal(issued.code, 0, issued.err);
    const { token, component } = JSON.parse(issued.out) as { token: string; component: string };
    assert.equal(component, 'cyclades');
    const call = () =>
      raw(server.url, 'POST', '/astakos/account/v1.0/service/user_catalogs', {
        headers: { 'X-Auth-Token': token },
        body: '{}',
      });
    assert.equal((await call()).status, 200);
    assert.equal(
      (
        await raw(server.url, 'POST', '/astakos/service/api/user_catalogs', {
          headers: { 'X-Auth-Token': C1 },
          body: '{}',
        })
      ).status,
      401,
      'the old component token was replaced',
    );
    const revoked = await cli('token', 'revoke', '--component', 'cyclades');
    assert.equal(revoked.out, 'revoked\tcyclades\n');
    assert.equal((await call()).body, fault('unauthorized', 401, 'Invalid X-Auth-Token'));
  });

  test('mistakes: usage errors exit 2, refusals exit 1, both on stderr', async () => {
    for (const argv of [
      ['users'],
      ['users', 'remove', 'x'],
      ['users', 'add'],
      ['token', 'issue'],
      ['token', 'issue', 'a@b.c', '--lifetime', 'soon'],
      ['token', 'issue', 'a@b.c', '--bogus'],
    ]) {
      const result = await cli(...argv);
      assert.equal(result.code, 2, argv.join(' '));
      assert.equal(result.out, '');
      assert.match(result.err, /^cloudfed: /);
    }
    const unknown = await cli('token', 'issue', 'nobody@example.com');
    assert.equal(unknown.code, 1);
    assert.match(unknown.err, /USER_NOT_FOUND/);
    const badEmail = await cli('users', 'add', 'not-an-email');
    assert.equal(badEmail.code, 1);
    assert.match(badEmail.err, /INVALID_USERNAME/);
  });

  test('the real command line dispatches to the identity commands', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'gateway/bin.ts', 'users', 'list', '--config', configFile],
      { timeout: 60_000 },
    );
    assert.ok(stdout.split('\n').some((line) => line.startsWith(`${U1}\t12\t`)));
  });
});
