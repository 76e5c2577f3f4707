/** `cloudfed gluster-restapi …`: the original CLI's commands, messages and exit statuses, on a store file the server shares. */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { parseConfig } from '../../src/config/index.js';
import { glusterRestapiCommand } from '../../gateway/gluster-restapi.js';
import { main } from '../../gateway/cli.js';
import { startTestServer } from '../support/cloudfed.js';
import { call, errorBody, tokenFor } from './gluster.support.js';

const dir = mkdtempSync(join(tmpdir(), 'cloudfed-gluster-cli-'));
const storePath = join(dir, 'cloudfed.db');
const secretsKey = randomBytes(32).toString('base64');
const config = parseConfig({ store: { path: storePath, demo: false }, shims: { gluster: { secretsKey } } });

after(() => rmSync(dir, { recursive: true, force: true }));

async function run(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const status = await glusterRestapiCommand(args, {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    config,
  });
  return { status, stdout, stderr };
}

describe('gluster-restapi commands', () => {
  test('app-add, app-reset, app-del with the original messages and exit statuses', async () => {
    assert.deepEqual(await run('app-add', 'myapp', 'first-secret'), { status: 0, stdout: '', stderr: '' });
    assert.deepEqual(await run('app-add', 'myapp', 'other'), {
      status: 1,
      stdout: '',
      stderr: 'Application already exists\n',
    });
    assert.deepEqual(await run('app-reset', 'nobody', 'x'), {
      status: 1,
      stdout: '',
      stderr: 'Application does not exists\n',
    });
    assert.deepEqual(await run('app-reset', 'myapp', 'myappsecret'), { status: 0, stdout: '', stderr: '' });
    assert.deepEqual(await run('app-add', 'gone', 'gone-secret'), { status: 0, stdout: '', stderr: '' });
    assert.deepEqual(await run('app-del', 'gone'), { status: 0, stdout: '', stderr: '' });
    assert.deepEqual(await run('app-del', 'gone'), {
      status: 1,
      stdout: '',
      stderr: 'Application does not exists\n',
    });
    assert.equal((await run('app-add', 'bad', '')).status, 1);
    assert.equal((await run('app-add', 'only-one')).status, 2);
  });

  test('secrets are encrypted at rest with the configured key', () => {
    const db = new Database(storePath, { readonly: true });
    try {
      const rows = db.prepare('SELECT app_id, secret FROM api_clients').all() as {
        app_id: string;
        secret: string;
      }[];
      assert.deepEqual(
        rows.map((row) => row.app_id),
        ['myapp'],
      );
      assert.ok(!rows[0]!.secret.includes('myappsecret'));
      assert.match(rows[0]!.secret, /^v1:/);
      const meta = db.prepare("SELECT value FROM meta WHERE key = 'secrets.key'").get();
      assert.equal(meta, undefined, 'with a configured key, no key is kept in the store');
    } finally {
      db.close();
    }
    assert.ok(!readFileSync(storePath).includes(Buffer.from('myappsecret')));
  });

  test('config-get, config-set, config-reset', async () => {
    assert.deepEqual(await run('config-get'), {
      status: 0,
      stdout:
        '{"auth-enabled": true, "https": false, "port": 8080, "csr": "", "key": "", "log-level": "INFO", "num-workers": 2}\n',
      stderr: '',
    });
    assert.deepEqual(await run('config-get', '--name', 'nope'), {
      status: 1,
      stdout: '',
      stderr: 'Invalid Config item\n',
    });
    assert.deepEqual(await run('config-set', 'nope', '1'), {
      status: 1,
      stdout: '',
      stderr: 'Invalid Config item\n',
    });
    assert.deepEqual(await run('config-set', 'num-workers', 'many'), {
      status: 1,
      stdout: '',
      stderr: 'Invalid Config item\n',
    });
    assert.equal((await run('config-set', 'num-workers', '4')).status, 0);
    assert.equal((await run('config-get', '--name', 'num-workers')).stdout, '4\n');
    assert.equal((await run('config-set', 'auth-enabled', 'OFF')).status, 0);
    assert.equal((await run('config-get', '--name', 'auth-enabled')).stdout, 'False\n');
    assert.equal((await run('config-set', 'auth-enabled', 'Enabled')).status, 0);
    assert.equal((await run('config-get', '--name', 'auth-enabled')).stdout, 'True\n');
    const port = await run('config-set', 'port', '9000');
    assert.equal(port.status, 1);
    assert.equal(port.stderr, 'port is set in the configuration file (shims.gluster.listener.port)\n');
    assert.equal((await run('config-reset', 'all')).status, 0);
    assert.equal((await run('config-get', '--name', 'num-workers')).stdout, '2\n');
    assert.equal((await run('config-reset', 'whatever')).status, 0);
  });

  test('the server sharing the store sees the applications and settings', async () => {
    const server = await startTestServer({
      storePath,
      demo: false,
      config: { shims: { gluster: { secretsKey } } },
    });
    try {
      const signed = await call(server.url, 'GET', '/v1/peers', {
        headers: { authorization: `Bearer ${tokenFor('GET', '/v1/peers')}` },
      });
      assert.equal(signed.status, 200, signed.body);
      const stale = await call(server.url, 'GET', '/v1/peers', {
        headers: { authorization: `Bearer ${tokenFor('GET', '/v1/peers', '', 'myapp', 'first-secret')}` },
      });
      assert.equal(stale.body, errorBody('Invalid Token'));
      assert.equal((await call(server.url, 'GET', '/v1/peers')).status, 401);
      assert.equal((await run('config-set', 'auth-enabled', 'no')).status, 0);
      assert.equal((await call(server.url, 'GET', '/v1/peers')).status, 200);
      assert.equal((await run('config-reset', 'auth-enabled')).status, 0);
      assert.equal((await call(server.url, 'GET', '/v1/peers')).status, 401);
    } finally {
      await server.close();
    }
  });

  test('the cloudfed command line dispatches gluster-restapi', async () => {
    const stderr = process.stderr.write;
    let written = '';
    process.stderr.write = ((text: string) => ((written += text), true)) as typeof process.stderr.write;
    try {
      assert.equal(await main(['gluster-restapi', 'unknown-command']), 2);
    } finally {
      process.stderr.write = stderr;
    }
    assert.match(written, /cloudfed gluster-restapi app-add APP_ID SECRET/);
  });
});
