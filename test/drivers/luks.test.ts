/**
 * The `luks` driver against a stand-in `luksctl` first on PATH (test/fixtures/luksctl: a
 * passphrase hash in a temporary directory, luksctl's exit codes and messages, recorded argv and
 * environment) and a Vault-compatible HTTPS server started here, through the LUKSctl API; and
 * the Vault client on its own (TLS verification, timeouts, malformed answers).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { createVaultClient } from '../../src/drivers/luks/index.js';
import { startTestServer, type TestServer } from '../support/cloudfed.js';
import {
  rawRequest,
  selfSignedCertificate,
  startVaultFixture,
  type Certificate,
  type RawReply,
  type VaultFixture,
} from '../support/luks.js';

const FIXTURES = resolve('test/fixtures/luksctl');
const PASSPHRASE = 'open $(sesame) "quoted" ; rm -rf /';
const HOST = '10.0.0.5';
const VOLUMES = `
encryptedVolumes:
  - name: vm5
    addresses: [10.0.0.5]
    passphrase: unused-by-the-luks-driver
    workers: [{ address: 10.0.0.6 }]
`;
const envelope = (text: string) => `{"error":"${text}","volume_state":"unavailable"}\n`;
const MOUNTED = '{"volume_state":"mounted"}\n';
const UNMOUNTED = '{"volume_state":"unmounted"}\n';

let cert: Certificate;
let vault: VaultFixture;
let state: string;
const savedPath = process.env.PATH;

function flag(name: string, on: boolean) {
  const file = join(state, name);
  if (on) writeFileSync(file, '');
  else rmSync(file, { force: true });
}
const recorded = (file: string) =>
  existsSync(join(state, file)) ? readFileSync(join(state, file), 'utf8') : '';

function openBody(secret: Record<string, unknown> = { luks: PASSPHRASE }) {
  const path = `instances/${Math.random().toString(16).slice(2)}`;
  return {
    vault_url: vault.url,
    vault_token: vault.wrap('secrets', path, secret),
    secret_root: 'secrets',
    secret_path: path,
    secret_key: 'luks',
  };
}

const status = (server: TestServer) =>
  rawRequest(server.url, { path: '/luksctl_api/v1.0/status', headers: { host: HOST } });
const open = (server: TestServer, body: unknown) =>
  rawRequest(server.url, {
    method: 'POST',
    path: '/luksctl_api/v1.0/open',
    headers: { host: HOST, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

function assertReply(reply: RawReply, status: number, body: string) {
  assert.equal(reply.body, body);
  assert.equal(reply.status, status);
}

before(async () => {
  cert = selfSignedCertificate();
  vault = await startVaultFixture(cert);
  state = mkdtempSync(join(tmpdir(), 'cloudfed-luksctl-'));
  writeFileSync(join(state, 'passphrase.sha256'), createHash('sha256').update(PASSPHRASE).digest('hex'));
  // The stand-ins come first on PATH; they find their state through the inherited environment.
  process.env.PATH = `${FIXTURES}${delimiter}${savedPath}`;
  process.env.LUKSCTL_STANDIN_DIR = state;
});

after(async () => {
  process.env.PATH = savedPath;
  delete process.env.LUKSCTL_STANDIN_DIR;
  await vault?.close();
  cert?.remove();
  rmSync(state, { recursive: true, force: true });
});

beforeEach(() => {
  for (const name of [
    'mounted',
    'broken',
    'hang',
    'systemctl-fail',
    'ssh-down',
    'argv.log',
    'env.log',
    'ssh.log',
    'nfs-mounted',
  ])
    flag(name, false);
  // The worker's fstab names two NFS file systems of the master.
  writeFileSync(join(state, 'nfs-fstab'), '/export/home\n/export/data\n');
  vault.requests.length = 0;
});

describe('luks driver (local luksctl)', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({
      importText: VOLUMES,
      config: {
        drivers: {
          volumes: {
            encrypted: {
              driver: 'luks',
              statusTimeoutMs: 1500,
              openTimeoutMs: 1500,
              postOpen: { nfsService: 'nfs-server', restartDocker: true },
            },
            vault: { caFile: cert.cert, timeoutMs: 3000 },
          },
        },
      },
    });
  });
  after(() => server?.close());

  test('status follows luksctl status: exit 0 mounted, 1 unmounted, 2 unavailable with its output', async () => {
    assertReply(await status(server), 200, UNMOUNTED);
    flag('mounted', true);
    assertReply(await status(server), 200, MOUNTED);
    flag('broken', true);
    assertReply(
      await status(server),
      200,
      '{"output":"","stderr":"Device /dev/vdb is not a valid LUKS device.\\n","volume_state":"unavailable"}\n',
    );
    assert.deepEqual(recorded('argv.log').trim().split('\n'), [
      'luksctl status',
      'luksctl status',
      'luksctl status',
    ]);
  });

  test('open with a correct wrapped secret → mounted; post-open actions run', async () => {
    assertReply(await open(server, openBody()), 200, MOUNTED);
    assert.deepEqual(recorded('argv.log').trim().split('\n'), [
      'luksctl status',
      'luksctl open',
      'systemctl restart nfs-server',
      'systemctl restart docker',
      // Then the worker mounts the exports.
      'mount -a -t nfs',
    ]);
    assert.ok(existsSync(join(state, 'mounted')));
    assertReply(await status(server), 200, MOUNTED);
    // Already mounted: answered without Vault or luksctl open.
    vault.requests.length = 0;
    assertReply(await open(server, openBody()), 200, MOUNTED);
    assert.deepEqual(vault.requests, []);
  });

  test('a reused wrapping token → 500 Unable to unwrap vault token.; luksctl open not run', async () => {
    const body = openBody({ luks: 'wrong' });
    assertReply(await open(server, body), 200, UNMOUNTED);
    flag('argv.log', false);
    assertReply(await open(server, body), 500, envelope('Unable to unwrap vault token.'));
    assert.equal(recorded('argv.log'), 'luksctl status\n');
  });

  test('a wrong passphrase → unmounted', async () => {
    assertReply(await open(server, openBody({ luks: 'not it' })), 200, UNMOUNTED);
    assert.ok(!existsSync(join(state, 'mounted')));
    assertReply(await status(server), 200, UNMOUNTED);
  });

  test('a failing post-open action does not change the answer', async () => {
    flag('systemctl-fail', true);
    assertReply(await open(server, openBody()), 200, MOUNTED);
    assert.match(recorded('argv.log'), /systemctl restart nfs-server/);
  });

  test('luksctl hanging → timeout answers (200 unavailable), and the server stays fine', async () => {
    flag('hang', true);
    let started = Date.now();
    assertReply(
      await status(server),
      200,
      '{"output":"","stderr":"luksctl status timed out","volume_state":"unavailable"}\n',
    );
    assert.ok(Date.now() - started < 5000);
    started = Date.now();
    assertReply(
      await open(server, openBody()),
      200,
      '{"output":"","stderr":"luksctl timed out","volume_state":"unavailable"}\n',
    );
    assert.ok(Date.now() - started < 8000);
    // The server answers at once again, the graph too.
    flag('hang', false);
    assertReply(await status(server), 200, UNMOUNTED);
    assert.equal(
      (await server.graphql('{ encryptedVolumes { totalCount } }')).data?.encryptedVolumes.totalCount,
      2,
    );
  });

  test('worker node: findmnt decides the state; nfs-mount runs mount -a -t nfs, which needs the master open', async () => {
    const worker = (method: string, path: string) =>
      rawRequest(server.url, { method, path: `/luksctl_api_wn/v1.0/${path}`, headers: { host: '10.0.0.6' } });
    assertReply(await worker('GET', 'status'), 200, '{"nfs_state":"unmounted"}\n');
    assert.deepEqual(recorded('argv.log').trim().split('\n'), [
      'findmnt --fstab --types nfs,nfs4 --noheadings --output TARGET',
      'findmnt --types nfs,nfs4 --noheadings --output TARGET',
    ]);
    // The master is locked: the mount fails and the worker stays unmounted.
    assertReply(await worker('POST', 'nfs-mount'), 200, '{"nfs_state":"unmounted"}\n');
    assert.match(recorded('argv.log'), /^mount -a -t nfs$/m);
    // Opening the master mounts its workers.
    assertReply(await open(server, openBody()), 200, MOUNTED);
    assertReply(await worker('GET', 'status'), 200, '{"nfs_state":"mounted"}\n');
    // Only one of two file systems mounted is unmounted.
    writeFileSync(join(state, 'nfs-mounted'), '/export/home\n');
    assertReply(await worker('GET', 'status'), 200, '{"nfs_state":"unmounted"}\n');
    flag('argv.log', false);
    assertReply(await worker('POST', 'nfs-mount'), 200, '{"nfs_state":"mounted"}\n');
    assert.match(recorded('argv.log'), /^mount -a -t nfs$/m);
    // Already mounted: answered without mounting.
    flag('argv.log', false);
    assertReply(await worker('POST', 'nfs-mount'), 200, '{"nfs_state":"mounted"}\n');
    assert.doesNotMatch(recorded('argv.log'), /^mount/m);
  });

  test('the passphrase never appears in argv, the environment or the logs', async () => {
    assertReply(await open(server, openBody({ luks: 'wrong' })), 200, UNMOUNTED);
    assertReply(await open(server, openBody()), 200, MOUNTED);
    const argv = recorded('argv.log');
    assert.match(argv, /luksctl open/);
    for (const text of [argv, recorded('env.log'), server.logLines.join('\n')]) {
      assert.ok(!text.includes(PASSPHRASE));
      assert.ok(!text.includes('sesame'));
      assert.ok(!text.includes(vault.requests[0]!.token!));
    }
  });
});

describe('luks driver over ssh, with sudo', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({
      importText: VOLUMES,
      config: {
        drivers: {
          volumes: {
            encrypted: {
              driver: 'luks',
              sudo: true,
              statusTimeoutMs: 3000,
              openTimeoutMs: 3000,
              ssh: {
                user: 'laniakea',
                keyFile: '/etc/cloudfed/luks_ed25519',
                knownHostsFile: '/etc/cloudfed/known_hosts',
                program: join(FIXTURES, 'fake-ssh'),
              },
            },
            vault: { caFile: cert.cert },
          },
        },
      },
    });
  });
  after(() => server?.close());

  test('runs `sudo -n luksctl …` on the instance as the configured user and key', async () => {
    assertReply(await status(server), 200, UNMOUNTED);
    assertReply(await open(server, openBody()), 200, MOUNTED);
    const ssh = recorded('ssh.log').trim().split('\n');
    const options =
      'ssh -i /etc/cloudfed/luks_ed25519 -p 22 -o BatchMode=yes -o StrictHostKeyChecking=yes -o ConnectTimeout=10 -o UserKnownHostsFile=/etc/cloudfed/known_hosts -l laniakea --';
    assert.deepEqual(ssh, [
      `${options} 10.0.0.5 sudo -n luksctl status`,
      `${options} 10.0.0.5 sudo -n luksctl status`,
      `${options} 10.0.0.5 sudo -n luksctl open`,
      `${options} 10.0.0.6 sudo -n mount -a -t nfs`,
    ]);
    assert.ok(!recorded('ssh.log').includes(PASSPHRASE));
    assert.match(recorded('argv.log'), /^sudo -n luksctl open$/m);
  });

  test('an unreachable instance is unavailable with a one-line reason', async () => {
    flag('ssh-down', true);
    assertReply(
      await status(server),
      200,
      '{"output":"","stderr":"instance unreachable","volume_state":"unavailable"}\n',
    );
    assertReply(
      await open(server, openBody()),
      200,
      '{"output":"","stderr":"instance unreachable","volume_state":"unavailable"}\n',
    );
  });
});

describe('Vault client', () => {
  const location = (url: string, token: string, key = 'luks') => ({
    url,
    token,
    secretRoot: 'secrets',
    secretPath: 'a/b',
    secretKey: key,
  });
  const rejectsWith = (promise: Promise<unknown>, code: string, reason: string) =>
    assert.rejects(promise, (error: any) => {
      assert.deepEqual([error.code, error.extensions?.reason], [code, reason]);
      // Nothing secret in what a client or log could see.
      assert.ok(!String(error.message).includes('s.'));
      return true;
    });

  test('verifies TLS by default: an untrusted certificate is an unreachable Vault', async () => {
    const client = createVaultClient({ timeoutMs: 3000 });
    await rejectsWith(
      client.fetchPassphrase(location(vault.url, vault.wrap('secrets', 'a/b', { luks: 'x' }))),
      'BACKEND_UNAVAILABLE',
      'VAULT_UNREACHABLE',
    );
    assert.equal(vault.requests.length, 0, 'no request may reach an unverified server');
    // Verification switched off explicitly, or the CA bundle configured: it works.
    const insecure = createVaultClient({ timeoutMs: 3000, tlsVerify: false });
    assert.equal(
      await insecure.fetchPassphrase(location(vault.url, vault.wrap('secrets', 'a/b', { luks: 'p1' }))),
      'p1',
    );
    const trusted = createVaultClient({ timeoutMs: 3000, caFile: cert.cert });
    assert.equal(
      await trusted.fetchPassphrase(location(`${vault.url}//`, vault.wrap('secrets', 'a/b', { luks: 'p2' }))),
      'p2',
    );
  });

  test('a Vault that does not answer in time is a timeout', async () => {
    const client = createVaultClient({ timeoutMs: 300, caFile: cert.cert });
    vault.delayMs = 2000;
    try {
      await rejectsWith(
        client.fetchPassphrase(location(vault.url, vault.wrap('secrets', 'a/b', { luks: 'x' }))),
        'BACKEND_TIMEOUT',
        'VAULT_UNREACHABLE',
      );
    } finally {
      vault.delayMs = 0;
    }
  });

  test('refusals and malformed answers name the step that failed', async () => {
    const client = createVaultClient({ timeoutMs: 3000, caFile: cert.cert });
    await rejectsWith(
      client.fetchPassphrase(location(vault.url, 's.unknown')),
      'BACKEND_FAILED',
      'VAULT_UNWRAP_FAILED',
    );
    vault.failRead = 404;
    try {
      await rejectsWith(
        client.fetchPassphrase(location(vault.url, vault.wrap('secrets', 'a/b', { luks: 'x' }))),
        'BACKEND_FAILED',
        'VAULT_READ_FAILED',
      );
    } finally {
      vault.failRead = null;
    }
    await rejectsWith(
      client.fetchPassphrase(location(vault.url, vault.wrap('secrets', 'a/b', { luks: 'x' }), 'missing')),
      'BACKEND_FAILED',
      'VAULT_KEY_MISSING',
    );
    await rejectsWith(
      client.fetchPassphrase(location(vault.url, vault.wrap('secrets', 'a/b', { luks: 'x' }), 'toString')),
      'BACKEND_FAILED',
      'VAULT_KEY_MISSING',
    );
  });
});
