/**
 * The FOSS-Cloud vm-manager shim against the real HTTP server on the embedded store: every case
 * of the conformance checklist (compat/fosscloud.md §9), byte for byte, plus routing, query
 * merging, rights, atomic assignment, MAC mappings and the JSON encoder.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { BackendError } from '../../src/errors/index.js';
import { encodePhpJson, matchRoute, numericCheck } from '../../src/shims/fosscloud/index.js';
import type { CloudSources } from '../../src/subgraphs/index.js';
import { startTestServer, type StartOptions, type TestServer } from '../support/cloudfed.js';
import { fosscloudDatacenter, IDS } from './fosscloud.fixture.js';

const body = (status: number, code: number, description: string) =>
  `{\n    "status": ${status},\n    "code": ${code},\n    "devDescription": "${description}"\n}`;
const LOGIN_OK = '{\n    "status": 200,\n    "code": 200001\n}';
const EMPTY_LIST = '{\n    "status": 200,\n    "code": 200031,\n    "vms": []\n}';

const REALMS = `{
    "status": 200,
    "code": 200011,
    "realms": [
        {
            "uid": 4000013,
            "displayName": "FOSS-Cloud",
            "default": true
        },
        {
            "uid": 4000020,
            "displayName": "School AD",
            "default": false
        }
    ]
}`;

const PLACEHOLDER = `        {
            "uuid": null,
            "name": "DynVm-Test",
            "ip": null,
            "node": null,
            "port": null,
            "password": null,
            "status": "assignable",
            "type": "dynamic",
            "subtype": null,
            "os": null,
            "pool": "57e3bd10-1934-4b4f-3d4c-6e31473bddab"
        }`;

const PERSISTENT = `        {
            "uuid": "5750786d-045c-4d3c-85c3-4c169aabcc7b",
            "name": "Test_Machine",
            "ip": "node-01.example.com",
            "node": "node-01.example.com",
            "port": 5901,
            "password": 12345678,
            "status": "online",
            "type": "persistent",
            "subtype": "Desktop",
            "os": "windows",
            "pool": "57501ac5-3a14-41cb-b225-8e787c41505a"
        }`;

const ASSIGNED = `{
    "status": 200,
    "code": 200041,
    "vm": {
        "uuid": "7a476dcc-7e27-495b-9dd5-f599b8ecff16",
        "name": "DynVm-Test",
        "ip": "node-01.example.com",
        "node": "node-01.example.com",
        "port": 5943,
        "password": "7a476dcc-7e27-495b-9dd5-f599b8ecff16",
        "status": "assigned",
        "type": "dynamic",
        "subtype": "Desktop",
        "os": "windows",
        "pool": "57e3bd10-1934-4b4f-3d4c-6e31473bddab"
    }
}`;

interface Reply {
  status: number;
  contentType: string | null;
  contentLength: string | null;
  text: string;
  cookie: string | null;
}

function basic(credentials: string): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}` };
}

async function call(
  server: TestServer,
  path: string,
  options: { credentials?: string; headers?: Record<string, string>; method?: string } = {},
): Promise<Reply> {
  const response = await fetch(`${server.url}${path}`, {
    method: options.method ?? 'GET',
    headers: { ...(options.credentials !== undefined ? basic(options.credentials) : {}), ...options.headers },
  });
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    contentLength: response.headers.get('content-length'),
    text: await response.text(),
    cookie: response.headers.get('set-cookie'),
  };
}

function expectBody(reply: Reply, status: number, text: string): void {
  assert.equal(reply.text, text);
  assert.equal(reply.status, status);
  assert.equal(reply.contentType, 'application/json');
}

async function server(
  fosscloud: Record<string, unknown> = {},
  options: Omit<StartOptions, 'demo' | 'importText' | 'config'> = {},
): Promise<TestServer> {
  return startTestServer({
    ...options,
    demo: false,
    importText: fosscloudDatacenter(),
    config: { shims: { fosscloud: { enable: true, ...fosscloud } } },
  });
}

/** Counts every call of the users and vms sources (to prove a request asked nothing). */
function countingSources(calls: string[]) {
  return (sources: CloudSources): CloudSources => {
    const count = <T extends object>(domain: string, target: T): T =>
      new Proxy(target, {
        get(inner, property, receiver) {
          const value = Reflect.get(inner, property, receiver);
          return typeof value === 'function'
            ? (...args: unknown[]) => {
                calls.push(`${domain}.${String(property)}`);
                return value.apply(inner, args);
              }
            : value;
        },
      });
    return {
      ...sources,
      users: { ...sources.users, users: count('users', sources.users.users) },
      vms: { ...sources.vms, vms: count('vms', sources.vms.vms) },
    };
  };
}

describe('FOSS-Cloud conformance checklist (§9)', () => {
  let main: TestServer;
  const calls: string[] = [];
  before(async () => {
    main = await server({}, { wrapSources: countingSources(calls) });
  });
  after(() => main.close());

  test('1: enable false → 500022 on every matched route, before anything else', async () => {
    const off = await startTestServer({ demo: false, importText: fosscloudDatacenter() });
    try {
      const text = body(500, 500022, 'You have to enable the api in vm_config.php');
      expectBody(await call(off, '/vm-manager/api/server/realms'), 500, text);
      expectBody(await call(off, '/vm-manager/api/user/login'), 500, text);
      expectBody(await call(off, '/vm-manager/api/vm/list', { credentials: 'alice:pw' }), 500, text);
      // Unmatched paths stay 404000 even when disabled.
      expectBody(await call(off, '/vm-manager/api/nothing'), 404, body(404, 404000, 'Unkown action'));
    } finally {
      await off.close();
    }
  });

  test('2: empty defaultRealm → 500023 (after enable, before authentication)', async () => {
    const noRealm = await server({ defaultRealm: '' });
    try {
      const text = body(500, 500023, 'You have to set a default realm in vm_config.php');
      expectBody(await call(noRealm, '/vm-manager/api/user/login', { credentials: 'alice:pw' }), 500, text);
      expectBody(await call(noRealm, '/vm-manager/api/server/realms'), 500, text);
      expectBody(await call(noRealm, '/vm-manager/api/vm/list'), 500, text);
    } finally {
      await noRealm.close();
    }
  });

  test('3, 4: realms without credentials and with a malformed Authorization header', async () => {
    expectBody(await call(main, '/vm-manager/api/server/realms'), 200, REALMS);
    expectBody(
      await call(main, '/vm-manager/api/server/realms', { headers: { authorization: 'Basic !!!' } }),
      200,
      REALMS,
    );
    expectBody(
      await call(main, '/vm-manager/api/server/realms', { credentials: 'alice:wrong' }),
      200,
      REALMS,
    );
    expectBody(await call(main, '/vm-manager/api/server/realms/realm/4000020'), 200, REALMS);
  });

  test('5: no usable Basic credentials → 400002', async () => {
    const missing = body(400, 400002, 'HTTP-Auth missing');
    expectBody(await call(main, '/vm-manager/api/user/login'), 400, missing);
    expectBody(
      await call(main, '/vm-manager/api/user/login', { headers: { authorization: 'Bearer abc' } }),
      400,
      missing,
    );
    expectBody(
      await call(main, '/vm-manager/api/user/login', { headers: { authorization: 'Basic !!!' } }),
      400,
      missing,
    );
    expectBody(await call(main, '/vm-manager/api/user/login', { credentials: 'alice' }), 400, missing);
  });

  test('6: blank user name or password → 400005 and the graph is asked nothing', async () => {
    const empty = body(400, 400005, 'Password or username empty');
    for (const credentials of ['   :pw', 'alice:', 'alice:   ', ':', '\t:\t']) {
      calls.length = 0;
      expectBody(await call(main, '/vm-manager/api/user/login', { credentials }), 400, empty);
      expectBody(await call(main, '/vm-manager/api/vm/assign/x', { credentials }), 400, empty);
      assert.deepEqual(calls, [], `no source call for ${JSON.stringify(credentials)}`);
    }
  });

  test('7, 8: wrong password → 401003; unknown realm or a realm the user is not in → 401004', async () => {
    expectBody(
      await call(main, '/vm-manager/api/user/login', { credentials: 'alice:wrong' }),
      401,
      body(401, 401003, 'Incorrect credentials'),
    );
    expectBody(
      await call(main, '/vm-manager/api/user/login', { credentials: 'mallory:pw' }),
      401,
      body(401, 401003, 'Incorrect credentials'),
    );
    const realm = body(401, 401004, 'Incorrect realm');
    expectBody(
      await call(main, '/vm-manager/api/user/login/realm/4999999', { credentials: 'alice:pw' }),
      401,
      realm,
    );
    expectBody(
      await call(main, '/vm-manager/api/user/login/realm/4000020', { credentials: 'alice:pw' }),
      401,
      realm,
    );
  });

  test('9, 10: login succeeds, with .html and trailing slashes; no session cookie', async () => {
    for (const path of [
      '/vm-manager/api/user/login',
      '/vm-manager/api/user/login.html',
      '/vm-manager/api/user/login/',
      '/vm-manager/api/user/login.html/',
      '/vm-manager/api/user/login//',
      '/vm-manager/api/user%2Flogin',
    ]) {
      const reply = await call(main, path, { credentials: 'alice:pw' });
      expectBody(reply, 200, LOGIN_OK);
      assert.equal(reply.contentLength, '41');
      assert.equal(reply.cookie, null);
    }
  });

  test('11: the realm from the path or the query string', async () => {
    expectBody(
      await call(main, '/vm-manager/api/user/login/realm/4000020', { credentials: 'bob:pw' }),
      200,
      LOGIN_OK,
    );
    expectBody(
      await call(main, '/vm-manager/api/user/login?realm=4000020', { credentials: 'bob:pw' }),
      200,
      LOGIN_OK,
    );
    // Without a realm bob logs into the default realm, which he does not belong to.
    expectBody(
      await call(main, '/vm-manager/api/user/login', { credentials: 'bob:pw' }),
      401,
      body(401, 401004, 'Incorrect realm'),
    );
    // An empty realm parameter means the default realm.
    expectBody(
      await call(main, '/vm-manager/api/user/login?realm=', { credentials: 'alice:pw' }),
      200,
      LOGIN_OK,
    );
    // The path's realm wins over the query string's.
    expectBody(
      await call(main, '/vm-manager/api/user/login/realm/4000013?realm=4000020', { credentials: 'alice:pw' }),
      200,
      LOGIN_OK,
    );
  });

  test('12: a persistent VM with numeric port and password; the default listing', async () => {
    const reply = await call(main, '/vm-manager/api/vm/list', { credentials: 'alice:pw' });
    expectBody(
      reply,
      200,
      `{\n    "status": 200,\n    "code": 200031,\n    "vms": [\n${PLACEHOLDER},\n${PERSISTENT}\n    ]\n}`,
    );
    expectBody(
      await call(main, '/vm-manager/api/vm/list/persistent', { credentials: 'alice:pw' }),
      200,
      `{\n    "status": 200,\n    "code": 200031,\n    "vms": [\n${PERSISTENT}\n    ]\n}`,
    );
    expectBody(
      await call(main, '/vm-manager/api/vm/list/owner', { credentials: 'alice:pw' }),
      200,
      reply.text,
    );
  });

  test('13: a user with nothing gets an empty list', async () => {
    expectBody(await call(main, '/vm-manager/api/vm/list', { credentials: 'nobody:pw' }), 200, EMPTY_LIST);
  });

  test('14, 15: unknown types → 400032; /list/realm/<id> is a realm, /list/realm a type', async () => {
    const unknown = body(400, 400032, 'Unkown type - Use nothing,all(default),dynamic,persistent');
    expectBody(await call(main, '/vm-manager/api/vm/list/bogus', { credentials: 'alice:pw' }), 400, unknown);
    expectBody(await call(main, '/vm-manager/api/vm/list/realm', { credentials: 'alice:pw' }), 400, unknown);
    expectBody(
      await call(main, '/vm-manager/api/vm/list?type=bogus', { credentials: 'alice:pw' }),
      400,
      unknown,
    );
    const listing = await call(main, '/vm-manager/api/vm/list/realm/4000013', { credentials: 'alice:pw' });
    assert.equal(listing.status, 200);
    assert.equal(
      listing.text,
      (await call(main, '/vm-manager/api/vm/list', { credentials: 'alice:pw' })).text,
    );
    // Type from the query string only when the path has no type and no realm segment.
    expectBody(
      await call(main, '/vm-manager/api/vm/list/realm/4000013?type=bogus', { credentials: 'alice:pw' }),
      200,
      listing.text,
    );
  });

  test('16: list/all without dynamicVM.view = all → 403033; with it, every dynamic VM', async () => {
    expectBody(
      await call(main, '/vm-manager/api/vm/list/all', { credentials: 'alice:pw' }),
      403,
      body(403, 403033, "The user doesn't have permission to list all vms"),
    );
    const all = await call(main, '/vm-manager/api/vm/list?type=all', { credentials: 'viewer:pw' });
    assert.equal(all.status, 200);
    const vms = JSON.parse(all.text).vms as Record<string, unknown>[];
    assert.deepEqual(
      vms.map((vm) => [vm.name, vm.status, vm.password]),
      [
        ['desk1', 'assignable', IDS.desk1],
        ['desk2', 'assignable', 'pw2'],
        ['desk3', 'assigned', 'pw3'],
        ['desk4', 'assignable', 'pw4'],
        ['golden', null, null],
      ],
    );
    const golden = vms.find((vm) => vm.name === 'golden')!;
    assert.deepEqual([golden.ip, golden.node, golden.port], [null, null, null]);
    // A node announcing 0.0.0.0 is reached at the server's own address.
    assert.equal(vms.find((vm) => vm.name === 'desk2')!.ip, '127.0.0.1');
  });

  test('17: a usable pool with a free VM and none assigned → one placeholder', async () => {
    expectBody(
      await call(main, '/vm-manager/api/vm/list/dynamic', { credentials: 'alice:pw' }),
      200,
      `{\n    "status": 200,\n    "code": 200031,\n    "vms": [\n${PLACEHOLDER}\n    ]\n}`,
    );
  });

  test('19, 20: unknown pool, a pool of others → 400042; no free VM → 500043', async () => {
    const notFound = body(400, 400042, 'VM pool not found');
    expectBody(
      await call(main, '/vm-manager/api/vm/assign/unknown-pool', { credentials: 'alice:pw' }),
      400,
      notFound,
    );
    expectBody(
      await call(main, `/vm-manager/api/vm/assign/${IDS.otherPool}`, { credentials: 'alice:pw' }),
      400,
      notFound,
    );
    expectBody(
      await call(main, `/vm-manager/api/vm/assign/${IDS.fullPool}`, { credentials: 'alice:pw' }),
      500,
      body(500, 500043, 'No free vm available'),
    );
  });

  test('21, 22: a MAC given while macByParameter is off → 403056 / 403066', async () => {
    const list = body(403, 403056, 'MacByParameter is disabled in config');
    expectBody(
      await call(main, '/vm-manager/api/vm/mapping/list/00:11:22:33:44:55', { credentials: 'dynvm:pw' }),
      403,
      list,
    );
    expectBody(
      await call(main, '/vm-manager/api/vm/mapping/list?mac=00:11:22:33:44:55', { credentials: 'dynvm:pw' }),
      403,
      list,
    );
    expectBody(
      await call(main, `/vm-manager/api/vm/mapping/assign/${IDS.dynPool}/00:11:22:33:44:55`, {
        credentials: 'dynvm:pw',
      }),
      403,
      body(403, 403066, 'MacByParameter is disabled in config'),
    );
    expectBody(
      await call(main, `/vm-manager/api/vm/mapping/assign/${IDS.dynPool}?mac=00:11:22:33:44:55`, {
        credentials: 'dynvm:pw',
      }),
      403,
      body(403, 403066, 'MacByParameter is disabled in config'),
    );
  });

  test('25: other methods and unknown paths → 404000', async () => {
    const unknown = body(404, 404000, 'Unkown action');
    expectBody(
      await call(main, '/vm-manager/api/user/login', { method: 'POST', credentials: 'alice:pw' }),
      404,
      unknown,
    );
    expectBody(await call(main, '/vm-manager/api/user/login', { method: 'DELETE' }), 404, unknown);
    const head = await fetch(`${main.url}/vm-manager/api/server/realms`, { method: 'HEAD' });
    assert.equal(head.status, 404);
    expectBody(await call(main, '/vm-manager/api/vm/list/a/b', { credentials: 'alice:pw' }), 404, unknown);
    expectBody(await call(main, '/vm-manager/api/nothing'), 404, unknown);
    expectBody(await call(main, '/vm-manager/api'), 404, unknown);
    expectBody(await call(main, '/vm-manager/api/user/login/.html'), 404, unknown);
    expectBody(await call(main, '/vm-manager/api/user/login/realm/40%2F13'), 404, unknown);
    expectBody(await call(main, '/vm-manager/api/%E0%A4%A'), 404, unknown);
  });

  test('hostile input gets the API’s own answers, never a stack trace', async () => {
    const unknown = body(404, 404000, 'Unkown action');
    expectBody(await call(main, `/vm-manager/api/vm/list/${'a'.repeat(5000)}/b`), 404, unknown);
    expectBody(
      await call(main, '/vm-manager/api/vm/assign/..%2F..', { credentials: 'alice:pw' }),
      404,
      unknown,
    );
    const notFound = body(400, 400042, 'VM pool not found');
    expectBody(
      await call(main, `/vm-manager/api/vm/assign/${'p'.repeat(3000)}`, { credentials: 'alice:pw' }),
      400,
      notFound,
    );
    expectBody(
      await call(main, '/vm-manager/api/vm/assign/%F0%9F%98%80%00', { credentials: 'alice:pw' }),
      400,
      notFound,
    );
    expectBody(
      await call(main, '/vm-manager/api/user/login?realm=../../etc', { credentials: 'alice:pw' }),
      401,
      body(401, 401004, 'Incorrect realm'),
    );
    const incorrect = body(401, 401003, 'Incorrect credentials');
    for (const credentials of [
      'alice\r\n:pw',
      'alice:pw\u0001',
      `${'x'.repeat(2000)}:pw`,
      'ALICE:pw:extra',
      '*:*',
    ]) {
      expectBody(await call(main, '/vm-manager/api/user/login', { credentials }), 401, incorrect);
    }
    expectBody(
      await call(main, '/vm-manager/api/vm/list?type=%00', { credentials: 'alice:pw' }),
      400,
      body(400, 400032, 'Unkown type - Use nothing,all(default),dynamic,persistent'),
    );
    expectBody(
      await call(main, '/vm-manager/api/vm/list?type[]=all&type=', { credentials: 'alice:pw' }),
      200,
      (await call(main, '/vm-manager/api/vm/list', { credentials: 'alice:pw' })).text,
    );
  });

  test('18 and assignment afterwards: the VM appears as the user’s dynamic entry', async () => {
    // Runs last in this suite: it changes the store.
    expectBody(
      await call(main, `/vm-manager/api/vm/assign/${IDS.dynPool}`, { credentials: 'alice:pw' }),
      200,
      ASSIGNED,
    );
    const dynamic = JSON.parse(
      (await call(main, '/vm-manager/api/vm/list/dynamic', { credentials: 'alice:pw' })).text,
    );
    assert.deepEqual(
      dynamic.vms.map((vm: Record<string, unknown>) => [vm.uuid, vm.name, vm.status]),
      [[IDS.desk1, 'DynVm-Test', 'assigned']],
    );
    // The next free running Desktop (desk2 is stopped) goes to the next request, then none is left.
    const second = JSON.parse(
      (await call(main, `/vm-manager/api/vm/assign/${IDS.dynPool}`, { credentials: 'alice:pw' })).text,
    );
    assert.equal(second.vm.uuid, IDS.desk4);
    expectBody(
      await call(main, `/vm-manager/api/vm/assign/${IDS.dynPool}`, { credentials: 'alice:pw' }),
      500,
      body(500, 500043, 'No free vm available'),
    );
  });
});

describe('FOSS-Cloud settings and failures', () => {
  test('23: macByParameter true and an invalid MAC → 400055 / 400065', async () => {
    const open = await server({ macByParameter: true });
    try {
      expectBody(
        await call(open, '/vm-manager/api/vm/mapping/list/zz', { credentials: 'dynvm:pw' }),
        400,
        body(400, 400055, "Invalid macaddress or don't connected locally"),
      );
      expectBody(
        await call(open, `/vm-manager/api/vm/mapping/assign/${IDS.dynPool}/00:11:22:33:44`, {
          credentials: 'dynvm:pw',
        }),
        400,
        body(400, 400065, "Invalid macaddress or don't connected locally"),
      );
      // A valid MAC given as a parameter: not the dynamic-VM user, unmapped MAC, wrong pool.
      expectBody(
        await call(open, '/vm-manager/api/vm/mapping/list/00:11:22:33:44:55', { credentials: 'alice:pw' }),
        400,
        body(400, 400053, "You've to use the dynvmuser"),
      );
      expectBody(
        await call(open, '/vm-manager/api/vm/mapping/list/00:11:22:33:44:66', { credentials: 'dynvm:pw' }),
        400,
        body(400, 400054, "There's no vm for this mac available"),
      );
      expectBody(
        await call(open, `/vm-manager/api/vm/mapping/assign/${IDS.dynPool}/00:11:22:33:44:55`, {
          credentials: 'alice:pw',
        }),
        400,
        body(400, 400063, "You've to use the dynvmuser"),
      );
      expectBody(
        await call(open, `/vm-manager/api/vm/mapping/assign/${IDS.dynPool}/00:11:22:33:44:66`, {
          credentials: 'dynvm:pw',
        }),
        400,
        body(400, 400064, "There's no vm for this mac available"),
      );
      expectBody(
        await call(open, `/vm-manager/api/vm/mapping/assign/${IDS.fullPool}/00:11:22:33:44:55`, {
          credentials: 'dynvm:pw',
        }),
        400,
        body(400, 400066, "This pool isn't valid"),
      );
      const assigned = await call(
        open,
        `/vm-manager/api/vm/mapping/assign/${IDS.dynPool}/00:11:22:33:44:55`,
        {
          credentials: 'dynvm:pw',
        },
      );
      assert.equal(assigned.status, 200);
      assert.deepEqual(
        [
          JSON.parse(assigned.text).code,
          JSON.parse(assigned.text).vm.uuid,
          JSON.parse(assigned.text).vm.name,
        ],
        [200061, IDS.desk4, 'DynVm-Test'],
      );
      expectBody(
        await call(open, `/vm-manager/api/vm/mapping/assign/${IDS.dynPool}/00:11:22:33:44:55`, {
          credentials: 'dynvm:pw',
        }),
        400,
        body(400, 400067, 'The user is already assigned to this mapped vm'),
      );
      const listed = JSON.parse(
        (await call(open, '/vm-manager/api/vm/mapping/list/00:11:22:33:44:55', { credentials: 'dynvm:pw' }))
          .text,
      );
      assert.deepEqual(
        [listed.code, listed.vm.uuid, listed.vm.status, listed.vm.port],
        [200051, IDS.desk4, 'assigned', 5946],
      );
    } finally {
      await open.close();
    }
  });

  test('24: mappingEnabled false → 500052 / 500062 (after the MAC parameter check)', async () => {
    const closed = await server({ mappingEnabled: false });
    try {
      expectBody(
        await call(closed, '/vm-manager/api/vm/mapping/list', { credentials: 'dynvm:pw' }),
        500,
        body(500, 500052, "The school module isn't available"),
      );
      expectBody(
        await call(closed, `/vm-manager/api/vm/mapping/assign/${IDS.dynPool}`, { credentials: 'dynvm:pw' }),
        500,
        body(500, 500062, "The school module isn't available"),
      );
      expectBody(
        await call(closed, '/vm-manager/api/vm/mapping/list/00:11:22:33:44:55', { credentials: 'dynvm:pw' }),
        403,
        body(403, 403056, 'MacByParameter is disabled in config'),
      );
    } finally {
      await closed.close();
    }
  });

  test('mapping without a MAC: the graph finds the client’s MAC from its DHCP lease', async () => {
    const main = await server();
    try {
      const listed = await call(main, '/vm-manager/api/vm/mapping/list', { credentials: 'dynvm:pw' });
      expectBody(
        listed,
        200,
        `{\n    "status": 200,\n    "code": 200051,\n    "vm": ${PLACEHOLDER.trim().replace(/\n {4}/g, '\n')}\n}`,
      );
      const assigned = JSON.parse(
        (await call(main, `/vm-manager/api/vm/mapping/assign/${IDS.dynPool}`, { credentials: 'dynvm:pw' }))
          .text,
      );
      assert.deepEqual(
        [assigned.code, assigned.vm.uuid, assigned.vm.status],
        [200061, IDS.desk4, 'assigned'],
      );
      // The graph's answer for the client IP, and none for an address on no network of the cloud.
      assert.equal(
        (await main.graphql(`{ clientMacAddress(ip: "127.0.0.1") }`)).data?.clientMacAddress,
        '00:11:22:33:44:55',
      );
      assert.equal(
        (await main.graphql(`{ clientMacAddress(ip: "127.0.0.2") }`)).data?.clientMacAddress,
        null,
      );
    } finally {
      await main.close();
    }
  });

  test('26: a directory failure during a VM list → HTTP 400, code 500000, the message', async () => {
    const failing = await server(
      {},
      {
        wrapSources: (sources) => ({
          ...sources,
          vms: {
            ...sources.vms,
            vms: new Proxy(sources.vms.vms, {
              get(target, property, receiver) {
                if (property === 'poolsOfMembers' || property === 'vmsOfUsers') {
                  return async () => {
                    throw new BackendError(
                      'BACKEND_UNAVAILABLE',
                      'ldap_connect to ldap://10.0.0.1:389 failed',
                    );
                  };
                }
                return Reflect.get(target, property, receiver);
              },
            }),
          },
        }),
      },
    );
    try {
      expectBody(
        await call(failing, '/vm-manager/api/vm/list', { credentials: 'alice:pw' }),
        400,
        '{\n    "status": 400,\n    "code": 500000,\n    "devDescription": "ldap_connect to ldap:\\/\\/10.0.0.1:389 failed"\n}',
      );
      // The server keeps serving.
      expectBody(
        await call(failing, '/vm-manager/api/user/login', { credentials: 'alice:pw' }),
        200,
        LOGIN_OK,
      );
    } finally {
      await failing.close();
    }
  });

  test('concurrent assignments on the embedded store never share a VM', async () => {
    const fresh = await server();
    try {
      const replies = await Promise.all(
        Array.from({ length: 10 }, () =>
          call(fresh, `/vm-manager/api/vm/assign/${IDS.dynPool}`, { credentials: 'alice:pw' }),
        ),
      );
      const won = replies
        .filter((reply) => reply.status === 200)
        .map((reply) => JSON.parse(reply.text).vm.uuid);
      assert.deepEqual(won.sort(), [IDS.desk1, IDS.desk4].sort());
      const lost = replies.filter((reply) => reply.status !== 200);
      assert.equal(lost.length, 8);
      for (const reply of lost) expectBody(reply, 500, body(500, 500043, 'No free vm available'));
    } finally {
      await fresh.close();
    }
  });

  test('27: a realm named Schüler', async () => {
    const main = await server();
    try {
      const added = await main.graphql(
        `mutation { addRealm(input: { id: "4000030", name: "Schüler" }) { id } }`,
      );
      assert.equal(added.errors, undefined);
      const reply = await call(main, '/vm-manager/api/server/realms');
      assert.ok(
        reply.text.includes(
          '"uid": 4000030,\n            "displayName": "Sch\\u00fcler",\n            "default": false',
        ),
      );
    } finally {
      await main.close();
    }
  });
});

describe('FOSS-Cloud routing and encoding units', () => {
  test('patterns, suffixes and query-string merging', () => {
    assert.deepEqual(matchRoute('/vm-manager/api/vm/list/realm/4000013'), {
      action: 'list',
      realm: '4000013',
      type: null,
      pool: null,
      mac: null,
    });
    assert.equal(matchRoute('/vm-manager/api/vm/list/realm')?.type, 'realm');
    assert.equal(matchRoute('/vm-manager/api/vm/list/a/b'), null);
    assert.equal(matchRoute('/vm-manager/api/vm/list?type=dynamic')?.type, 'dynamic');
    assert.equal(matchRoute('/vm-manager/api/vm/list/realm/1?type=dynamic')?.type, null);
    assert.equal(matchRoute('/vm-manager/api/vm/list/all?realm=7')?.realm, '7');
    assert.equal(matchRoute('/vm-manager/api/vm/mapping/list?mac=aa')?.mac, 'aa');
    assert.equal(matchRoute('/vm-manager/api/vm/mapping/list/realm/1?mac=aa')?.mac, null);
    assert.deepEqual(matchRoute('/vm-manager/api/vm/mapping/assign/p1/aa:bb/realm/9'), {
      action: 'mappingAssign',
      realm: '9',
      type: null,
      pool: 'p1',
      mac: 'aa:bb',
    });
    assert.equal(matchRoute('/vm-manager/api/vm/assign/p.html')?.pool, 'p');
    assert.equal(matchRoute('/vm-manager/api/vm/assign/p.html.html')?.pool, 'p.html');
  });

  test('PHP numeric check and pretty printing', () => {
    const cases: [string, string | null][] = [
      ['007', '7'],
      ['+5', '5'],
      ['4000013', '4000013'],
      ['1e3', '1000'],
      ['0.50', '0.5'],
      [' 12', '12'],
      ['12 ', null],
      ['0x1A', null],
      ['abc', null],
      ['.5', '0.5'],
      ['5.', '5'],
      ['-3', '-3'],
      ['99999999999999999999', '1.0e+20'],
      ['', null],
    ];
    for (const [input, expected] of cases) assert.equal(numericCheck(input), expected, JSON.stringify(input));
    assert.equal(
      encodePhpJson({
        a: [],
        b: {},
        c: 'x/y"\\\u00fc\u{1F600}\u007f\u0001\n',
        d: null,
        e: true,
        f: [1, 'two'],
      }),
      '{\n    "a": [],\n    "b": {},\n    "c": "x\\/y\\"\\\\\\u00fc\\ud83d\\ude00\u007f\\u0001\\n",\n    "d": null,\n    "e": true,\n    "f": [\n        1,\n        "two"\n    ]\n}',
    );
  });
});
