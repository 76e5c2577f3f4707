/**
 * The LUKSctl conformance checklist (compat/luksctl.md §9), case by case, against the real HTTP
 * server on the embedded driver, with a Vault-compatible HTTPS fixture whose certificate the
 * server trusts through the configured CA bundle.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, beforeEach, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../support/cloudfed.js';
import {
  rawRequest,
  selfSignedCertificate,
  startVaultFixture,
  type Certificate,
  type RawReply,
  type VaultFixture,
} from '../support/luks.js';
import type { VolumesSource } from '../../src/subgraphs/volumes/index.js';

const PASSPHRASE = 'correct horse battery staple';
const HOST = '10.0.0.5';
const VOLUMES = `
encryptedVolumes:
  - name: vm5
    addresses: [10.0.0.5, vm5.example.org, 'fd00::5']
    passphrase: '${PASSPHRASE}'
    workers:
      - { address: 10.0.0.6 }
      - { address: 10.0.0.7, nfsMounted: true }
`;
const envelope = (text: string) => `{"error":"${text}","volume_state":"unavailable"}\n`;

let cert: Certificate;
let vault: VaultFixture;
let server: TestServer;
let failWorkerMount = false;

function setState(state: string, output = '', stderr = '') {
  server.backends
    .embedded!.store.db.prepare(
      `UPDATE encrypted_volumes SET state = ?, output = ?, stderr = ? WHERE id = 'vm5'`,
    )
    .run(state, output, stderr);
}

function get(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<RawReply> {
  return rawRequest(server.url, { method, path, headers: { host: HOST, ...headers } });
}

function post(path: string, body: unknown, contentType = 'application/json'): Promise<RawReply> {
  return rawRequest(server.url, {
    method: 'POST',
    path,
    headers: { host: HOST, 'content-type': contentType },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** The five keys the dashboard sends, for a secret stored in the fixture. */
function openBody(
  secret: Record<string, unknown> = { luks: PASSPHRASE },
  extra: Record<string, unknown> = {},
) {
  const path = `6a6b7e1c-2f0e-4c53-9d83-5a8f3b1e2d10/${Math.random().toString(16).slice(2)}`;
  return {
    vault_url: `${vault.url}/`,
    vault_token: vault.wrap('secrets', path, secret),
    secret_root: 'secrets',
    secret_path: path,
    secret_key: 'luks',
    ...extra,
  };
}

function assertReply(reply: RawReply, status: number, body: string) {
  assert.equal(reply.body, body);
  assert.equal(reply.status, status);
  assert.equal(reply.headers['content-type'], 'application/json');
  assert.equal(reply.headers['content-length'], String(Buffer.byteLength(body)));
}

before(async () => {
  cert = selfSignedCertificate();
  vault = await startVaultFixture(cert);
  server = await startTestServer({
    importText: VOLUMES,
    config: { drivers: { volumes: { vault: { caFile: cert.cert, timeoutMs: 3000 } } } },
    wrapSources: (sources) => {
      const inner = sources.volumes.volumes;
      const volumes = new Proxy(inner, {
        get(target, property, receiver) {
          if (property === 'mountWorkerNfs' && failWorkerMount) {
            return async () => {
              throw new Error('mount.nfs: Connection timed out');
            };
          }
          const value = Reflect.get(target, property, receiver);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      }) as VolumesSource;
      return { ...sources, volumes: { volumes } };
    },
  });
});

after(async () => {
  await server?.close();
  await vault?.close();
  cert?.remove();
});

beforeEach(() => {
  setState('unmounted');
  server.backends
    .embedded!.store.db.prepare(`UPDATE encrypted_volume_workers SET nfs_mounted = (address = '10.0.0.7')`)
    .run();
  vault.requests.length = 0;
  vault.failUnwrap = null;
  vault.failRead = null;
  failWorkerMount = false;
});

describe('LUKSctl conformance checklist (master API)', () => {
  test('1. status, mounted → 200 {"volume_state":"mounted"}, Content-Length 27', async () => {
    setState('mounted');
    const reply = await get('/luksctl_api/v1.0/status');
    assertReply(reply, 200, '{"volume_state":"mounted"}\n');
    assert.equal(reply.headers['content-length'], '27');
    assert.equal(reply.statusMessage, 'OK');
  });

  test('2. status, unmounted → 200, Content-Length 29', async () => {
    const reply = await get('/luksctl_api/v1.0/status');
    assertReply(reply, 200, '{"volume_state":"unmounted"}\n');
    assert.equal(reply.headers['content-length'], '29');
  });

  test('3. status, unavailable with stdout x and stderr boom\\n', async () => {
    setState('unavailable', 'x', 'boom\n');
    assertReply(
      await get('/luksctl_api/v1.0/status'),
      200,
      '{"output":"x","stderr":"boom\\n","volume_state":"unavailable"}\n',
    );
  });

  test('4. status, unavailable with stderr é → "\\u00e9" (and astral characters as surrogate pairs)', async () => {
    setState('unavailable', '', 'é');
    assertReply(
      await get('/luksctl_api/v1.0/status'),
      200,
      '{"output":"","stderr":"\\u00e9","volume_state":"unavailable"}\n',
    );
    setState('unavailable', 'a/b\t"\\\u007f', '😀');
    assertReply(
      await get('/luksctl_api/v1.0/status'),
      200,
      '{"output":"a/b\\t\\"\\\\\\u007f","stderr":"\\ud83d\\ude00","volume_state":"unavailable"}\n',
    );
  });

  test('5. GET …/status/ (trailing slash) → 404 Not Found', async () => {
    const reply = await get('/luksctl_api/v1.0/status/');
    assertReply(reply, 404, envelope('Not Found'));
    assert.equal(reply.statusMessage, 'NOT FOUND');
  });

  test('6. POST …/status → 405 with Allow listing GET', async () => {
    const reply = await get('/luksctl_api/v1.0/status', {}, 'POST');
    assertReply(reply, 405, envelope('Method Not Allowed'));
    assert.match(String(reply.headers.allow), /\bGET\b/);
    assert.equal(reply.statusMessage, 'METHOD NOT ALLOWED');
  });

  test('7. GET …/open → 405 with Allow listing POST', async () => {
    const reply = await get('/luksctl_api/v1.0/open');
    assertReply(reply, 405, envelope('Method Not Allowed'));
    assert.match(String(reply.headers.allow), /\bPOST\b/);
    assert.doesNotMatch(String(reply.headers.allow), /\bGET\b/);
  });

  test('8. GET …/nothing → 404 Not Found', async () => {
    assertReply(await get('/luksctl_api/v1.0/nothing'), 404, envelope('Not Found'));
    assertReply(await get('/luksctl_api'), 404, envelope('Not Found'));
  });

  test('9. unknown Host 10.9.9.9, no default → 404 Unknown encrypted volume', async () => {
    assertReply(
      await get('/luksctl_api/v1.0/status', { host: '10.9.9.9' }),
      404,
      envelope('Unknown encrypted volume'),
    );
    // Open: the body is checked first, then the target; Vault is not contacted.
    assertReply(
      await rawRequest(server.url, {
        method: 'POST',
        path: '/luksctl_api/v1.0/open',
        headers: { host: '10.9.9.9:5000', 'content-type': 'application/json' },
        body: JSON.stringify(openBody()),
      }),
      404,
      envelope('Unknown encrypted volume'),
    );
    assert.deepEqual(vault.requests, []);
  });

  test('10. open, already mounted → 200 mounted, Vault not contacted', async () => {
    setState('mounted');
    assertReply(await post('/luksctl_api/v1.0/open', openBody()), 200, '{"volume_state":"mounted"}\n');
    assert.deepEqual(vault.requests, []);
  });

  test('11. open succeeds → 200 mounted (unwrap, then KV v2 read with the client token)', async () => {
    const body = openBody();
    assertReply(await post('/luksctl_api/v1.0/open', body), 200, '{"volume_state":"mounted"}\n');
    assert.deepEqual(
      vault.requests.map((r) => `${r.method} ${r.path}`),
      ['POST /v1/sys/wrapping/unwrap', `GET /v1/secrets/data/${body.secret_path}`],
    );
    assert.equal(vault.requests[0]!.token, body.vault_token);
    assert.notEqual(vault.requests[1]!.token, body.vault_token);
    assertReply(await get('/luksctl_api/v1.0/status'), 200, '{"volume_state":"mounted"}\n');
  });

  test('12. open exits 1 (wrong passphrase) → 200 unmounted', async () => {
    assertReply(
      await post('/luksctl_api/v1.0/open', openBody({ luks: 'not the passphrase' })),
      200,
      '{"volume_state":"unmounted"}\n',
    );
    assertReply(await get('/luksctl_api/v1.0/status'), 200, '{"volume_state":"unmounted"}\n');
  });

  test('13. open exits 2 with its stderr → 200 unavailable form', async () => {
    setState('unavailable', '', 'No key available with this passphrase.\n');
    assertReply(
      await post('/luksctl_api/v1.0/open', openBody()),
      200,
      '{"output":"","stderr":"No key available with this passphrase.\\n","volume_state":"unavailable"}\n',
    );
  });

  test('14. body {} → 400 Missing required key: vault_url', async () => {
    const reply = await post('/luksctl_api/v1.0/open', {});
    assertReply(reply, 400, envelope('Missing required key: vault_url'));
    assert.equal(reply.statusMessage, 'BAD REQUEST');
  });

  test('15. five keys minus secret_key → 400 Missing required key: secret_key', async () => {
    const { secret_key: _omitted, ...body } = openBody();
    assertReply(
      await post('/luksctl_api/v1.0/open', body),
      400,
      envelope('Missing required key: secret_key'),
    );
  });

  test('16. "vault_token": 12 → 400 Invalid value for key: vault_token', async () => {
    assertReply(
      await post('/luksctl_api/v1.0/open', { ...openBody(), vault_token: 12 }),
      400,
      envelope('Invalid value for key: vault_token'),
    );
    // Missing keys are all checked before values; empty strings are invalid.
    assertReply(
      await post('/luksctl_api/v1.0/open', {
        vault_url: '',
        vault_token: 'x',
        secret_root: 'a',
        secret_path: 'b',
      }),
      400,
      envelope('Missing required key: secret_key'),
    );
    assertReply(
      await post('/luksctl_api/v1.0/open', { ...openBody(), secret_root: '' }),
      400,
      envelope('Invalid value for key: secret_root'),
    );
  });

  test('17. valid JSON with Content-Type text/plain → 400 Request body must be a JSON object', async () => {
    const expected = envelope('Request body must be a JSON object');
    assertReply(await post('/luksctl_api/v1.0/open', openBody(), 'text/plain'), 400, expected);
    // application/<x>+json with parameters is JSON.
    assertReply(
      await post('/luksctl_api/v1.0/open', {}, 'Application/Vnd.Api+JSON; charset=utf-8'),
      400,
      envelope('Missing required key: vault_url'),
    );
    assertReply(
      await rawRequest(server.url, {
        method: 'POST',
        path: '/luksctl_api/v1.0/open',
        headers: { host: HOST },
        body: '{}',
      }),
      400,
      expected,
    );
  });

  test('18. body {"vault_url": → 400 Request body must be a JSON object', async () => {
    assertReply(
      await post('/luksctl_api/v1.0/open', '{"vault_url":'),
      400,
      envelope('Request body must be a JSON object'),
    );
  });

  test('19. body [] → 400 Request body must be a JSON object', async () => {
    const expected = envelope('Request body must be a JSON object');
    assertReply(await post('/luksctl_api/v1.0/open', '[]'), 400, expected);
    assertReply(await post('/luksctl_api/v1.0/open', '"x"'), 400, expected);
    assertReply(await post('/luksctl_api/v1.0/open', 'null'), 400, expected);
  });

  test('20. http:// vault_url without an allow-list → 400 vault_url is not allowed', async () => {
    const expected = envelope('vault_url is not allowed');
    assertReply(
      await post('/luksctl_api/v1.0/open', { ...openBody(), vault_url: 'http://vault.example.org' }),
      400,
      expected,
    );
    assertReply(
      await post('/luksctl_api/v1.0/open', { ...openBody(), vault_url: 'file:///etc/passwd' }),
      400,
      expected,
    );
    assertReply(
      await post('/luksctl_api/v1.0/open', { ...openBody(), vault_url: 'not a url' }),
      400,
      expected,
    );
    assert.deepEqual(vault.requests, []);
  });

  test('21. unwrap answered 400 → 500 Unable to unwrap vault token.', async () => {
    vault.failUnwrap = 400;
    const reply = await post('/luksctl_api/v1.0/open', openBody());
    assertReply(reply, 500, envelope('Unable to unwrap vault token.'));
    assert.equal(reply.statusMessage, 'INTERNAL SERVER ERROR');
  });

  test('21b. a reused wrapping token → 500 Unable to unwrap vault token.', async () => {
    const body = openBody({ luks: 'not the passphrase' });
    assertReply(await post('/luksctl_api/v1.0/open', body), 200, '{"volume_state":"unmounted"}\n');
    assertReply(await post('/luksctl_api/v1.0/open', body), 500, envelope('Unable to unwrap vault token.'));
  });

  test('22. secret read answered 403 → 500 Unable to read secret from vault.', async () => {
    vault.failRead = 403;
    assertReply(
      await post('/luksctl_api/v1.0/open', openBody()),
      500,
      envelope('Unable to read secret from vault.'),
    );
  });

  test('23. the secret lacks the field → 500 Secret key not found in vault secret.', async () => {
    assertReply(
      await post('/luksctl_api/v1.0/open', openBody({ other: PASSPHRASE })),
      500,
      envelope('Secret key not found in vault secret.'),
    );
  });

  test('23b. Vault unreachable → 500 Unable to contact vault.', async () => {
    const closed = await startVaultFixture(cert);
    const url = closed.url;
    await closed.close();
    assertReply(
      await post('/luksctl_api/v1.0/open', { ...openBody(), vault_url: url }),
      500,
      envelope('Unable to contact vault.'),
    );
  });

  test('23c. a secret path the graph refuses → 400 Invalid value for key: secret_path', async () => {
    assertReply(
      await post('/luksctl_api/v1.0/open', { ...openBody(), secret_path: '../../sys/raw' }),
      400,
      envelope('Invalid value for key: secret_path'),
    );
    assert.deepEqual(vault.requests, []);
  });

  test('24. cluster: open succeeds, a worker remount fails → 200 mounted', async () => {
    failWorkerMount = true;
    assertReply(await post('/luksctl_api/v1.0/open', openBody()), 200, '{"volume_state":"mounted"}\n');
    assertReply(await get('/luksctl_api/v1.0/status'), 200, '{"volume_state":"mounted"}\n');
  });

  test('25. an extra key "foo": 1 is ignored', async () => {
    assertReply(
      await post('/luksctl_api/v1.0/open', openBody(undefined, { foo: 1 })),
      200,
      '{"volume_state":"mounted"}\n',
    );
  });
});

describe('LUKSctl conformance checklist (worker-node API)', () => {
  test('26. worker status, all mounted → 200 {"nfs_state":"mounted"}', async () => {
    const reply = await get('/luksctl_api_wn/v1.0/status', { host: '10.0.0.7' });
    assertReply(reply, 200, '{"nfs_state":"mounted"}\n');
    assertReply(
      await get('/luksctl_api_wn/v1.0/status', { host: '10.0.0.6' }),
      200,
      '{"nfs_state":"unmounted"}\n',
    );
  });

  test('27. nfs-mount that fails → 200 {"nfs_state":"unmounted"}', async () => {
    // The master's volume is locked, so its exports do not exist: the mount fails.
    const reply = await rawRequest(server.url, {
      method: 'POST',
      path: '/luksctl_api_wn/v1.0/nfs-mount',
      headers: { host: '10.0.0.6', 'content-type': 'text/plain' },
      body: 'ignored',
    });
    assertReply(reply, 200, '{"nfs_state":"unmounted"}\n');
    // Once the master is open, the mount succeeds.
    setState('mounted');
    assertReply(
      await rawRequest(server.url, {
        method: 'POST',
        path: '/luksctl_api_wn/v1.0/nfs-mount',
        headers: { host: '10.0.0.6' },
      }),
      200,
      '{"nfs_state":"mounted"}\n',
    );
    assertReply(
      await get('/luksctl_api_wn/v1.0/status', { host: '10.0.0.6' }),
      200,
      '{"nfs_state":"mounted"}\n',
    );
  });

  test('worker errors use the nfs_state envelope', async () => {
    const nfs = (text: string) => `{"error":"${text}","nfs_state":"unavailable"}\n`;
    assertReply(
      await get('/luksctl_api_wn/v1.0/status', { host: '10.9.9.9' }),
      404,
      nfs('Unknown worker node'),
    );
    assertReply(
      await get('/luksctl_api_wn/v1.0/nfs-mount', { host: '10.0.0.6' }),
      405,
      nfs('Method Not Allowed'),
    );
    assertReply(await get('/luksctl_api_wn/v1.0/other', { host: '10.0.0.6' }), 404, nfs('Not Found'));
  });
});

describe('LUKSctl request handling', () => {
  test('HEAD answers the GET headers without a body; OPTIONS answers 200 with Allow', async () => {
    setState('mounted');
    const head = await get('/luksctl_api/v1.0/status', {}, 'HEAD');
    assert.equal(head.status, 200);
    assert.equal(head.body, '');
    assert.equal(head.headers['content-length'], '27');
    assert.equal(head.headers['content-type'], 'application/json');
    const options = await get('/luksctl_api/v1.0/open', {}, 'OPTIONS');
    assert.equal(options.status, 200);
    assert.equal(options.body, '');
    assert.match(String(options.headers.allow), /\bPOST\b/);
  });

  test('the target comes from Host: DNS names in any case, ports removed, IPv6 literals', async () => {
    setState('mounted');
    const mounted = '{"volume_state":"mounted"}\n';
    assertReply(await get('/luksctl_api/v1.0/status', { host: 'VM5.Example.ORG:5000' }), 200, mounted);
    assertReply(await get('/luksctl_api/v1.0/status', { host: '[fd00::5]:5000' }), 200, mounted);
    assertReply(
      await get('/luksctl_api/v1.0/status', { host: '-oProxyCommand=x' }),
      404,
      envelope('Unknown encrypted volume'),
    );
    // A query string is ignored.
    assertReply(await get('/luksctl_api/v1.0/status?volume=secure1'), 200, mounted);
  });

  test('hostile input: oversized bodies, credentials in vault_url, odd Host headers, prototype keys', async () => {
    const notObject = envelope('Request body must be a JSON object');
    const huge = JSON.stringify({ ...openBody(), padding: 'x'.repeat(70_000) });
    assertReply(await post('/luksctl_api/v1.0/open', huge), 400, notObject);
    assertReply(
      await post('/luksctl_api/v1.0/open', {
        ...openBody(),
        vault_url: vault.url.replace('https://', 'https://user:pw@'),
      }),
      400,
      envelope('vault_url is not allowed'),
    );
    assertReply(
      await post('/luksctl_api/v1.0/open', '{"__proto__":{"vault_url":"https://x"},"constructor":1}'),
      400,
      envelope('Missing required key: vault_url'),
    );
    for (const host of ['10.0.0.5/../x', '10.0.0.5 10.0.0.6', '', '[::1', '%00']) {
      const reply = await get('/luksctl_api/v1.0/status', { host });
      assert.ok(reply.status === 404 || reply.status === 400, `${host}: ${reply.status}`);
      if (reply.status === 404) assert.equal(reply.body, envelope('Unknown encrypted volume'));
    }
    // Not valid UTF-8 is not JSON either.
    assertReply(
      await rawRequest(server.url, {
        method: 'POST',
        path: '/luksctl_api/v1.0/open',
        headers: { host: HOST, 'content-type': 'application/json' },
        body: Buffer.from([0x7b, 0xff, 0x7d]),
      }),
      400,
      notObject,
    );
    assert.deepEqual(vault.requests, []);
  });

  test('no passphrase, wrapping token or client token in the server log', async () => {
    const body = openBody();
    await post('/luksctl_api/v1.0/open', body);
    vault.failRead = 500;
    await post('/luksctl_api/v1.0/open', openBody());
    const log = server.logLines.join('\n');
    assert.ok(!log.includes(PASSPHRASE));
    assert.ok(!log.includes(body.vault_token));
    for (const request of vault.requests) assert.ok(!request.token || !log.includes(request.token));
  });
});

describe('LUKSctl configuration', () => {
  test('allow-lists: Vault URL prefixes, client networks, and a default target', async () => {
    const other = await startTestServer({
      importText: VOLUMES,
      config: {
        drivers: { volumes: { vault: { caFile: cert.cert } } },
        shims: {
          luksctl: {
            vaultUrls: [`${vault.url}/`],
            target: { defaultVolume: 'vm5', defaultWorker: '10.0.0.7' },
          },
        },
      },
    });
    const denied = await startTestServer({
      importText: VOLUMES,
      config: { shims: { luksctl: { clientNetworks: ['10.0.0.0/8', 'fd00::/8'] } } },
    });
    try {
      const request = (base: string, host: string, body: unknown) =>
        rawRequest(base, {
          method: 'POST',
          path: '/luksctl_api/v1.0/open',
          headers: { host, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
      const allowed = await request(other.url, HOST, { ...openBody(), vault_url: `${vault.url}/` });
      assertReply(allowed, 200, '{"volume_state":"mounted"}\n');
      const lookalike = vault.url.replace('127.0.0.1', '127.0.0.1.nip.io');
      assertReply(
        await request(other.url, HOST, { ...openBody(), vault_url: lookalike }),
        400,
        envelope('vault_url is not allowed'),
      );
      assertReply(
        await request(other.url, HOST, { ...openBody(), vault_url: 'https://vault.example.org' }),
        400,
        envelope('vault_url is not allowed'),
      );
      // Unknown address → the default target.
      assertReply(
        await rawRequest(other.url, { path: '/luksctl_api/v1.0/status', headers: { host: '10.9.9.9' } }),
        200,
        '{"volume_state":"mounted"}\n',
      );
      assertReply(
        await rawRequest(other.url, { path: '/luksctl_api_wn/v1.0/status', headers: { host: '10.9.9.9' } }),
        200,
        '{"nfs_state":"mounted"}\n',
      );
      // 127.0.0.1 is outside the client networks.
      const forbidden = await rawRequest(denied.url, {
        path: '/luksctl_api/v1.0/status',
        headers: { host: HOST },
      });
      assertReply(forbidden, 403, envelope('Forbidden'));
    } finally {
      await other.close();
      await denied.close();
    }
  });

  test('target.from localAddress: the address the client connected to, whatever Host says', async () => {
    const local = await startTestServer({
      importText: `${VOLUMES}  - { name: here1, addresses: [127.0.0.1], state: mounted, passphrase: x }\n`,
      config: { shims: { luksctl: { target: { from: 'localAddress' } } } },
    });
    try {
      assertReply(
        await rawRequest(local.url, { path: '/luksctl_api/v1.0/status', headers: { host: HOST } }),
        200,
        '{"volume_state":"mounted"}\n',
      );
    } finally {
      await local.close();
    }
  });

  test('28. historical listener with TLS: the dashboard’s two calls over HTTPS', async () => {
    const historical = await startTestServer({
      importText: VOLUMES,
      config: {
        drivers: { volumes: { vault: { caFile: cert.cert } } },
        shims: {
          luksctl: { listener: { port: 0, host: '127.0.0.1', tls: { cert: cert.cert, key: cert.key } } },
        },
      },
    });
    try {
      const listener = historical.app.shimListeners.find((line) => line.startsWith('luksctl: '));
      assert.ok(listener, historical.app.shimListeners.join(', '));
      const base = listener.slice('luksctl: '.length);
      assert.match(base, /^https:\/\/127\.0\.0\.1:\d+$/);
      const ca = readFileSync(cert.cert);
      const status = await rawRequest(base, {
        path: '/luksctl_api/v1.0/status',
        headers: { host: HOST },
        ca,
      });
      assertReply(status, 200, '{"volume_state":"unmounted"}\n');
      const opened = await rawRequest(base, {
        method: 'POST',
        path: '/luksctl_api/v1.0/open',
        headers: { host: `${HOST}:5000`, 'content-type': 'application/json' },
        body: JSON.stringify(openBody()),
        ca,
      });
      assertReply(opened, 200, '{"volume_state":"mounted"}\n');
      assertReply(
        await rawRequest(base, { path: '/luksctl_api/v1.0/status', headers: { host: HOST }, ca }),
        200,
        '{"volume_state":"mounted"}\n',
      );
      // The listener serves only this API.
      assertReply(
        await rawRequest(base, { path: '/graphql', headers: { host: HOST }, ca }),
        404,
        envelope('Not Found'),
      );
    } finally {
      await historical.close();
    }
  });
});
