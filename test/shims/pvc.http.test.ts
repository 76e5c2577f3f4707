/**
 * The PVC shim's HTTP behaviour beyond the checklist: routing precedence, the order of checks,
 * value handling, authentication details, the JSON style, and the historical listener.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request as httpsRequest } from 'node:https';
import { startTestServer, type TestServer } from '../support/cloudfed.js';
import { formatBytes, renderVm, writeVmItem } from '../../src/shims/pvc/responses.js';
import { PyFloat, pyFloat, pyJson, pyJsonList, pyString } from '../../src/shims/pvc/json.js';
import type { PvcVmFragment } from '../../src/shims/__generated__/graphql.js';
import { PvcAuth } from '../../src/shims/pvc/auth.js';
import { call, conformanceDatacenter, form, messageBody } from './pvc-support.js';

describe('PVC JSON style and sizes', () => {
  test('Flask debug layout: sorted keys, ", " line ends, final newline, ASCII escapes', () => {
    assert.equal(pyJson({ message: 'x' }), '{\n  "message": "x"\n}\n');
    assert.equal(pyJson([{ b: 2, a: 1 }]), '[\n  {\n    "a": 1, \n    "b": 2\n  }\n]\n');
    assert.equal(pyJson([]), '[]\n');
    assert.equal(pyJson({ a: [], b: {} }), '{\n  "a": [], \n  "b": {}\n}\n');
    assert.equal(pyJson('VM state "x" is not valid.'), '"VM state \\"x\\" is not valid."\n');
    assert.equal(pyString('é\u007f\n\t\\/😀'), '"\\u00e9\\u007f\\n\\t\\\\/\\ud83d\\ude00"');
    assert.equal(pyJson({ Z: 1, a: 2, _: 3 }), '{\n  "Z": 1, \n  "_": 3, \n  "a": 2\n}\n');
  });

  test('floats as Python writes them', () => {
    assert.equal(pyFloat(1), '1.0');
    assert.equal(pyFloat(0), '0.0');
    assert.equal(pyFloat(12.3456), '12.3456');
    assert.equal(pyFloat(0.98), '0.98');
    assert.equal(pyFloat(0.00001), '1e-05');
    assert.equal(pyFloat(1e16), '1e+16');
    assert.equal(pyJson({ w: new PyFloat(2), i: 2 }), '{\n  "i": 2, \n  "w": 2.0\n}\n');
  });

  test('the VM list written directly is byte for byte pyJson of the rendered VMs', () => {
    const base: PvcVmFragment = {
      uuid: '0a1b2c3d-0000-4000-8000-000000000001',
      name: 'web1',
      description: 'front end',
      stateName: 'start',
      failedReason: '',
      migrated: false,
      vcpuText: '2',
      osType: 'hvm',
      arch: 'x86_64',
      machine: 'pc-q35-7.2',
      consoleType: 'pty',
      emulator: '/usr/bin/qemu-system-x86_64',
      features: ['acpi', 'apic'],
      matchedOn: [],
      node: { id: 'hv1' },
      lastNode: null,
      memory: { amount: '2097152', unit: 'KiB' },
      topology: { sockets: 1, cores: 2, threads: 1 },
      nics: [{ type: 'bridge', mac: '52:54:00:aa:bb:cc', source: 'vmbr100', model: 'virtio' }],
      disks: [{ type: 'rbd', name: 'vms/web1_disk0', dev: 'sda', bus: 'scsi' }],
      controllers: [{ type: 'scsi', model: 'virtio-scsi' }],
    };
    const vms: PvcVmFragment[] = [
      base,
      // Non-ASCII, quotes, backslashes, control characters and astral characters everywhere text goes.
      {
        ...base,
        name: 'wéb "2"',
        description: 'línea\n\t"quoted" \\ 😀 \u007f',
        failedReason: 'it said "no"',
        features: ['ä', ''],
        node: null,
        lastNode: { id: 'hv\u00e92' },
        migrated: true,
        nics: [{ type: null, mac: null, source: 'brü', model: null }],
        disks: [
          { type: null, name: 'x', dev: null, bus: null },
          { type: 'file', name: null, dev: 'vdb', bus: 'virtio' },
        ],
        controllers: [
          { type: null, model: 'pci-root' },
          { type: 'usb', model: 'qemu-xhci' },
        ],
        topology: null,
      },
      // Empty lists, absent values, memory as a float and in an unknown unit.
      {
        ...base,
        description: null,
        osType: null,
        arch: null,
        machine: null,
        consoleType: null,
        emulator: null,
        features: [],
        nics: [],
        disks: [],
        controllers: [],
        memory: { amount: '0.1', unit: 'GiB' },
      },
      { ...base, memory: { amount: '1.5', unit: 'GiB' } },
      { ...base, memory: { amount: '512', unit: 'MiB' } },
      { ...base, memory: { amount: 'lots', unit: 'KiB' } },
      { ...base, memory: { amount: '1e-7', unit: 'GiB' } },
    ];
    for (const vm of vms) {
      assert.equal(pyJsonList([writeVmItem(vm)]).toString('latin1'), pyJson([renderVm(vm)]), vm.name);
    }
    const written = pyJsonList(vms.map(writeVmItem));
    assert.equal(written.toString('latin1'), pyJson(vms.map(renderVm)));
    assert.ok(written.every((byte) => byte < 0x80));
    assert.equal(pyJsonList([]).toString(), pyJson([]));
  });

  test('human-readable sizes (compat/pvc.md §7)', () => {
    const cases: [number, string][] = [
      [0, '0B'],
      [9999, '9999B'],
      [10000, '10K'],
      [1073741824, '1024M'],
      [10737418240, '10G'],
      [1000204886016, '932G'],
    ];
    for (const [bytes, text] of cases) assert.equal(formatBytes(bytes), text);
  });
});

describe('PVC session cookies', () => {
  test('a session names its token; forged, tampered and foreign sessions are refused', () => {
    const auth = new PvcAuth([
      { description: 'a', token: 'token-a' },
      { description: 'empty', token: '' },
    ]);
    assert.equal(auth.tokens.length, 1);
    const session = auth.newSession(auth.match('token-a')!);
    assert.equal(auth.session(session)?.description, 'a');
    assert.equal(auth.session(`${session}x`), undefined);
    assert.equal(auth.session(`x${session}`), undefined);
    assert.equal(auth.session('nonce.AAAA'), undefined);
    assert.equal(auth.match(''), undefined);
    assert.equal(auth.match('token-'), undefined);
    // Another process (or the token removed from the configuration) does not know the session.
    assert.equal(new PvcAuth([{ description: 'a', token: 'token-a' }]).session(session), undefined);
    assert.equal(new PvcAuth([]).session(session), undefined);
  });
});

describe('PVC routing and values (authentication off)', () => {
  let server: TestServer;
  let base: string;
  before(async () => {
    server = await startTestServer({
      demo: false,
      importText: conformanceDatacenter(),
      config: { shims: { pvc: { auth: { enabled: false } } } },
    });
    base = server.url;
  });
  after(() => server.close());

  test('a fixed segment wins for its method; otherwise the parameterised route answers', async () => {
    const set = await call(base, 'POST', '/api/v1/ceph/osd/set', form({ option: 'noscrub' }));
    assert.equal(set.body, messageBody('Set OSD property noscrub on the cluster.'));
    const info = await call(base, 'GET', '/api/v1/ceph/osd/set');
    assert.equal(info.status, 200);
    assert.equal(info.body, '[]\n');
    const volume = await call(base, 'GET', '/api/v1/ceph/volume/snapshot/x');
    assert.equal(volume.status, 510);
    assert.equal(volume.body, '"ERROR: No pool with name \\"snapshot\\" is present in the cluster."\n');
  });

  test('unknown paths are 404, wrong methods 405 with Allow, OPTIONS 200, HEAD like GET', async () => {
    for (const path of [
      '/api/v1/nothing',
      '/api/v1/vm/',
      '/api/v1/vm/test1/explode',
      '/api/v1/ceph/osd/0/1/2/3',
    ]) {
      const reply = await call(base, 'GET', path);
      assert.equal(reply.status, 404, path);
      assert.equal(reply.body, messageBody('Not Found'));
    }
    const wrong = await call(base, 'DELETE', '/api/v1/vm/test1');
    assert.equal(wrong.status, 405);
    assert.equal(wrong.headers.allow, 'GET, HEAD, OPTIONS');
    const post = await call(base, 'GET', '/api/v1/vm/test1/start');
    assert.equal(post.status, 405);
    assert.equal(post.headers.allow, 'OPTIONS, POST');
    const options = await call(base, 'OPTIONS', '/api/v1/node');
    assert.equal(options.status, 200);
    assert.equal(options.body, '');
    assert.equal(options.headers.allow, 'GET, HEAD, OPTIONS');
    const get = await call(base, 'GET', '/api/v1/node');
    const head = await call(base, 'HEAD', '/api/v1/node');
    assert.equal(head.status, 200);
    assert.equal(head.body, '');
    assert.equal(head.headers['content-length'], get.headers['content-length']);
  });

  test('query string and form values are interchangeable; the query string wins; flags count by presence', async () => {
    const fromForm = await call(base, 'GET', '/api/v1/vm', form({ limit: 'e1b4-web' }));
    assert.deepEqual(
      (JSON.parse(fromForm.body) as { name: string }[]).map((vm) => vm.name),
      ['e1b4-web'],
    );
    const both = await call(base, 'GET', '/api/v1/vm?limit=test2', form({ limit: 'e1b4-web' }));
    assert.deepEqual(
      (JSON.parse(both.body) as { name: string }[]).map((vm) => vm.name),
      ['test2'],
    );
    const repeated = await call(base, 'GET', '/api/v1/vm?limit=test2&limit=e1b4');
    assert.deepEqual(
      (JSON.parse(repeated.body) as { name: string }[]).map((vm) => vm.name),
      ['test2'],
    );
    const empty = await call(base, 'GET', '/api/v1/vm?limit=&node=&state=');
    assert.equal(JSON.parse(empty.body).length, 3);
    const multipart = new FormData();
    multipart.set('limit', 'test2');
    const request = new Request('http://x/', { method: 'POST', body: multipart });
    const body = Buffer.from(await request.arrayBuffer());
    const viaMultipart = await call(base, 'GET', '/api/v1/vm', {
      body,
      headers: { 'content-type': request.headers.get('content-type')! },
    });
    assert.deepEqual(
      (JSON.parse(viaMultipart.body) as { name: string }[]).map((vm) => vm.name),
      ['test2'],
    );
    for (const value of ['false', '0', '']) {
      const refused = await call(
        base,
        'POST',
        `/api/v1/ceph/osd/9/remove?flag_yes_i_really_mean_it=${value}`,
      );
      assert.equal(refused.status, 510, value);
    }
  });

  test('a VM given by UUID must equal a stored UUID exactly; messages quote the value as given', async () => {
    const braces = await call(base, 'POST', '/api/v1/vm/{11111111-2222-4333-8444-000000000002}/stop');
    assert.equal(
      braces.body,
      messageBody("ERROR: Could not find VM '{11111111-2222-4333-8444-000000000002}' in the cluster!"),
    );
    const quoted = await call(base, 'POST', `/api/v1/vm/${encodeURIComponent('say"hi')}/start`);
    assert.equal(quoted.body, messageBody("ERROR: Could not find VM 'say'hi' in the cluster!"));
    const stop = await call(base, 'POST', '/api/v1/vm/11111111-2222-4333-8444-000000000002/stop');
    assert.equal(stop.body, messageBody("Forcibly stopping VM '11111111-2222-4333-8444-000000000002'."));
  });

  test('Python named groups are translated; an invalid pattern fails even with nothing to match', async () => {
    const named = await call(base, 'GET', `/api/v1/vm?limit=${encodeURIComponent('(?P<n>t)es(?P=n)2')}`);
    assert.equal(named.status, 200);
    assert.deepEqual(
      (JSON.parse(named.body) as { name: string }[]).map((vm) => vm.name),
      ['test2'],
    );
    const dhcp = await call(base, 'GET', '/api/v1/network/net1/dhcp?limit=[');
    assert.equal(dhcp.status, 510);
    assert.match(dhcp.body, /^"Regex Error: /);
  });

  test('logout with authentication disabled', async () => {
    assert.equal(
      (await call(base, 'POST', '/api/v1/auth/logout')).body,
      messageBody('Authentication is disabled.'),
    );
  });
});

describe('PVC authentication details', () => {
  test('order of checks: route and method, then authentication, then required values', async () => {
    const server = await startTestServer({
      demo: false,
      config: {
        shims: {
          pvc: {
            auth: {
              tokens: [
                { description: 'blank', token: '' },
                { description: 'ops', token: 's3cret-token' },
              ],
            },
          },
        },
      },
    });
    try {
      const base = server.url;
      assert.equal((await call(base, 'PUT', '/api/v1/vm')).status, 405);
      assert.equal((await call(base, 'GET', '/api/v1/nothing')).status, 404);
      assert.equal(
        (await call(base, 'POST', '/api/v1/vm/x/define')).body,
        messageBody('Authentication required'),
      );
      assert.equal(
        (await call(base, 'POST', '/api/v1/vm/x/define', form({ token: 's3cret-token' }))).status,
        520,
      );
      // The empty configured token is ignored: an empty token value does not match it.
      assert.equal(
        (await call(base, 'GET', '/api/v1/node?token=')).body,
        messageBody('Authentication failed'),
      );
      assert.equal((await call(base, 'GET', '/api/v1')).status, 209);
      assert.equal(
        (await call(base, 'POST', '/api/v1/auth/login')).body,
        messageBody('Authentication required'),
      );
      assert.equal(
        (await call(base, 'POST', '/api/v1/auth/login', form({ token: 'nope' }))).body,
        messageBody('Authentication failed'),
      );
      const forged = await call(base, 'GET', '/api/v1/node', { headers: { cookie: 'session=abc.def' } });
      assert.equal(forged.body, messageBody('Authentication required'));
      const login = await call(base, 'POST', '/api/v1/auth/login', form({ token: 's3cret-token' }));
      assert.equal(login.headers['content-type'], 'text/html; charset=utf-8');
      assert.equal(
        login.body,
        '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 3.2 Final//EN">\n<title>Redirecting...</title>\n<h1>Redirecting...</h1>\n<p>You should be redirected automatically to target URL: <a href="/api/v1">/api/v1</a>.  If not click the link.',
      );
      assert.ok(!server.logLines.some((line) => line.includes('s3cret-token')));
    } finally {
      await server.close();
    }
  });

  test('authentication enabled with no usable token refuses everything protected', async () => {
    const server = await startTestServer({
      demo: false,
      config: { shims: { pvc: { auth: { tokens: [] } } } },
    });
    try {
      assert.equal((await call(server.url, 'GET', '/api/v1/node')).status, 401);
      assert.equal((await call(server.url, 'GET', '/api/v1/node?token=')).status, 401);
    } finally {
      await server.close();
    }
  });
});

describe('PVC historical listener', () => {
  test('serves only the PVC API, on loopback, over TLS when configured', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pvc-tls-'));
    const cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-subj',
        '/CN=localhost',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '1',
      ],
      { stdio: 'ignore' },
    );
    const server = await startTestServer({
      demo: false,
      config: { shims: { pvc: { auth: { enabled: false }, listener: { port: 0, tls: { cert, key } } } } },
    });
    try {
      const entry = server.app.shimListeners.find((line) => line.startsWith('pvc: '));
      assert.ok(entry, server.app.shimListeners.join(', '));
      const url = new URL(entry.slice('pvc: '.length));
      assert.equal(url.protocol, 'https:');
      assert.equal(url.hostname, '127.0.0.1');
      const get = (path: string) =>
        new Promise<{ status: number; body: string }>((resolve, reject) => {
          const request = httpsRequest(
            { host: url.hostname, port: url.port, path, rejectUnauthorized: false },
            (response) => {
              let body = '';
              response.on('data', (chunk: Buffer) => (body += chunk.toString()));
              response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
            },
          );
          request.on('error', reject);
          request.end();
        });
      assert.deepEqual(await get('/api/v1'), { status: 209, body: messageBody('PVC API version 1') });
      assert.deepEqual(await get('/graphql'), { status: 404, body: messageBody('Not Found') });
      assert.deepEqual(await get('/'), { status: 404, body: messageBody('Not Found') });
    } finally {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
