/**
 * Every case of the Gluster REST API's conformance checklist (compat/gluster-rest.md §9), against
 * the real HTTP server on the embedded driver, bodies compared byte for byte.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { BackendError } from '../../src/errors/index.js';
import type { CloudSources } from '../../src/subgraphs/index.js';
import type { VolumesSource } from '../../src/subgraphs/volumes/index.js';
import { startTestServer, type TestServer } from '../support/cloudfed.js';
import { call, errorBody, JSON_TYPE, token, tokenFor } from './gluster.support.js';

const H1 = '5d1a9ad3-3b5a-4a7e-9a4c-0f3f1f6f8d11';
const H2 = '7c2b0c1e-6b8e-4d2a-8f5e-2a1b3c4d5e6f';
const GV1 = '0b9e6f6c-3c2d-4d4a-9a1e-5f6e7d8c9b0a';
const GV2 = '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f';

const DATACENTER = `
nodes:
  - { name: h1 }
  - { name: h2 }
  - { name: h3 }
glusterPeers:
  - { hostname: h1, uuid: ${H1}, self: true }
  - { hostname: h2, uuid: ${H2}, connected: false }
glusterVolumes:
  - name: gv1
    uuid: ${GV1}
    replica: 2
    bricks: ['h1:/bricks/b1', 'h2:/bricks/b2']
    status: started
    options: { performance.readdir-ahead: 'on' }
  - name: gv2
    uuid: ${GV2}
    bricks: ['h1:/bricks/c1', 'h1:/bricks/c2']
  - name: gv3
    bricks: ['h1:/bricks/d1']
`;

/** §7.1's example, byte for byte. */
const GV1_INFO = `{"status": "Started", "bricks": [{"name": "h1:/bricks/b1", "uuid": "${H1}"}, {"name": "h2:/bricks/b2", "uuid": "${H2}"}], "distribute": 1, "replica": 2, "stripe": 1, "num_bricks": 2, "transport": "TCP", "uuid": "${GV1}", "name": "gv1", "type": "REPLICATE", "options": [{"name": "performance.readdir-ahead", "value": "on"}]}`;
const GV2_INFO = `{"status": "Created", "bricks": [{"name": "h1:/bricks/c1", "uuid": "${H1}"}, {"name": "h1:/bricks/c2", "uuid": "${H1}"}], "distribute": 2, "replica": 1, "stripe": 1, "num_bricks": 2, "transport": "TCP", "uuid": "${GV2}", "name": "gv2", "type": "DISTRIBUTE", "options": []}`;
/** §7.2's example, byte for byte. */
const GV1_STATUS = `{"status": "Started", "uuid": "${GV1}", "bricks": [{"fs_name": "xfs", "uuid": "${H1}", "size_total": "10725883904", "pid": "2301", "mnt_options": "rw,seclabel,relatime,attr2,inode64,noquota", "online": true, "device": "/dev/vdb1", "size_free": "10692153344", "block_size": "4096", "ports": {"rdma": "N/A", "tcp": "49152"}, "name": "h1:/bricks/b1"}, {"size_total": "N/A", "pid": "N/A", "device": "N/A", "size_free": "N/A", "block_size": "N/A", "uuid": "${H2}", "fs_name": "N/A", "name": "h2:/bricks/b2", "mnt_options": "N/A", "online": false, "ports": {"rdma": "N/A", "tcp": "N/A"}}], "distribute": 1, "replica": 2, "stripe": 1, "num_bricks": 2, "type": "REPLICATE", "options": [{"name": "performance.readdir-ahead", "value": "on"}], "transport": "TCP", "name": "gv1"}`;
/** §7.4's example (with the second node its `node_count` announces), byte for byte. */
const REBALANCE = `{"task_id": "2a6f4c8e-1b3d-4e5f-8a9b-0c1d2e3f4a5b", "op_type": "START", "node_count": 2, "nodes": [{"node_name": "h1", "id": "${H1}", "files": "120", "size": "1048576", "lookups": "240", "failures": "0", "skipped": "0", "status": "completed", "runtime": "3.00"}, {"node_name": "h2", "id": "${H2}", "files": "120", "size": "1048576", "lookups": "240", "failures": "0", "skipped": "0", "status": "completed", "runtime": "3.00"}], "aggregate": {"files": "120", "size": "1048576", "lookups": "240", "failures": "0", "skipped": "0", "status": "completed", "runtime": "3.00"}}`;

const counters = {
  files: '120',
  size: '1048576',
  lookups: '240',
  failures: '0',
  skipped: '0',
  status: 'completed',
  runtime: '3.00',
};

/** The source calls the test watches, and the answers it controls (status report, rebalance, failures). */
const calls: { method: string; args: unknown[] }[] = [];
let volumeInfoFails = false;

function controlled(sources: CloudSources): CloudSources {
  const base = sources.volumes.volumes;
  const replaced: Partial<VolumesSource> = {
    async getGlusterVolumes(names) {
      if (volumeInfoFails && names.includes('gv9')) {
        throw new BackendError('BACKEND_FAILED', 'volume info gv9 failed', {
          reason: 'COMMAND_FAILED',
          exitCode: 2,
          commandError: 'Volume gv9 does not exist',
        });
      }
      return base.getGlusterVolumes(names);
    },
    async glusterBrickStatus(volumes) {
      return volumes.includes('gv1')
        ? [
            {
              volume: 'gv1',
              host: 'h1',
              path: '/bricks/b1',
              online: true,
              pid: '2301',
              tcpPort: '49152',
              rdmaPort: 'N/A',
              sizeTotal: '10725883904',
              sizeFree: '10692153344',
              device: '/dev/vdb1',
              blockSize: '4096',
              mntOptions: 'rw,seclabel,relatime,attr2,inode64,noquota',
              fsName: 'xfs',
            },
          ]
        : [];
    },
    async glusterRebalanceStatus(names) {
      return names.includes('gv1')
        ? [
            {
              volume: 'gv1',
              taskId: '2a6f4c8e-1b3d-4e5f-8a9b-0c1d2e3f4a5b',
              opType: 'START',
              nodes: [
                { nodeName: 'h1', id: H1, ...counters },
                { nodeName: 'h2', id: H2, ...counters },
              ],
              aggregate: counters,
            },
          ]
        : base.glusterRebalanceStatus(names);
    },
  };
  const volumes = new Proxy(base, {
    get(target, property) {
      if (Object.hasOwn(replaced, property)) return replaced[property as keyof VolumesSource];
      const value = Reflect.get(target, property);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.push({ method: String(property), args });
        return value.apply(target, args);
      };
    },
  });
  return { ...sources, volumes: { ...sources.volumes, volumes } };
}

let open: TestServer;
let secured: TestServer;
let empty: TestServer;
let historical: string;

before(async () => {
  open = await startTestServer({
    demo: false,
    importText: DATACENTER,
    wrapSources: controlled,
    config: { shims: { gluster: { authEnabled: false, listener: { port: 0, host: '127.0.0.1' } } } },
  });
  historical = open.app.shimListeners.find((line) => line.startsWith('gluster: '))!.slice('gluster: '.length);
  secured = await startTestServer({ demo: false, importText: DATACENTER });
  const added = await secured.graphql(
    `mutation { addApiClient(appId: "myapp", secret: "myappsecret") { appId } }`,
  );
  assert.equal(added.errors, undefined);
  empty = await startTestServer({
    demo: false,
    importText: `
nodes: [{ name: h1 }, { name: h2 }]
glusterPeers:
  - { hostname: h1, uuid: ${H1}, self: true }
  - { hostname: h2, uuid: ${H2} }
`,
    config: { shims: { gluster: { authEnabled: false } } },
  });
});

after(async () => {
  await open?.close();
  await secured?.close();
  await empty?.close();
});

function assertJson(
  reply: { status: number; headers: Record<string, unknown>; body: string },
  status: number,
  body: string,
) {
  assert.equal(reply.body, body);
  assert.equal(reply.status, status);
  assert.equal(reply.headers['content-type'], JSON_TYPE);
}

describe('Gluster REST conformance checklist (§9)', () => {
  test('1. GET /v1/volumes with two volumes', async () => {
    // gv3 is the third volume of this store; the list shows every volume, ordered by name.
    const reply = await call(open.url, 'GET', '/v1/volumes');
    assert.equal(reply.status, 200);
    assert.equal(reply.statusMessage, 'OK');
    assert.equal(reply.headers['content-type'], JSON_TYPE);
    assert.ok(
      reply.body.startsWith(`{"output": [${GV1_INFO}, ${GV2_INFO}, {"status": "Created"`),
      reply.body,
    );
    assert.ok(
      reply.body.endsWith(`"name": "gv3", "type": "DISTRIBUTE", "options": []}], "errno": 0, "error": ""}`),
    );
  });

  test('2. GET /v1/volumes with no volumes', async () => {
    assertJson(await call(empty.url, 'GET', '/v1/volumes'), 200, '{"output": [], "errno": 0, "error": ""}');
  });

  test('3. GET /v1/volumes/gv1?status=yes → status bricks; ?status=on → plain info', async () => {
    assertJson(
      await call(open.url, 'GET', '/v1/volumes/gv1?status=yes'),
      200,
      `{"output": [${GV1_STATUS}], "errno": 0, "error": ""}`,
    );
    assertJson(
      await call(open.url, 'GET', '/v1/volumes/gv1?status=on'),
      200,
      `{"output": [${GV1_INFO}], "errno": 0, "error": ""}`,
    );
    for (const truthy of ['1', 'True', 'true', 'Yes']) {
      const reply = await call(open.url, 'GET', `/v1/volumes/gv1?status=${truthy}`);
      assert.equal(reply.body, `{"output": [${GV1_STATUS}], "errno": 0, "error": ""}`);
    }
  });

  test('4. GET /v1/volumes/gv9, graph reports exit status 2 → 500 errno 2, empty error', async () => {
    volumeInfoFails = true;
    const reply = await call(open.url, 'GET', '/v1/volumes/gv9').finally(() => (volumeInfoFails = false));
    assertJson(reply, 500, '{"output": "", "errno": 2, "error": ""}');
    assert.equal(reply.statusMessage, 'INTERNAL SERVER ERROR');
  });

  test('5. trailing slash and unknown paths → 404 envelope', async () => {
    assertJson(await call(open.url, 'GET', '/v1/volumes/'), 404, errorBody('Not Found'));
    assertJson(await call(open.url, 'GET', '/v1/nothing'), 404, errorBody('Not Found'));
    assertJson(await call(open.url, 'POST', '/v1/volumes/gv1/restart'), 404, errorBody('Not Found'));
  });

  test('6. PATCH /v1/volumes/gv1 → 405 with Allow', async () => {
    const reply = await call(open.url, 'PATCH', '/v1/volumes/gv1');
    assertJson(reply, 405, errorBody('Method Not Allowed'));
    assert.equal(reply.headers.allow, 'DELETE, GET, HEAD, OPTIONS, PUT');
    const options = await call(open.url, 'OPTIONS', '/v1/volumes/gv1/start');
    assert.equal(options.status, 200);
    assert.equal(options.body, '');
    assert.equal(options.headers.allow, 'OPTIONS, POST');
    const head = await call(open.url, 'HEAD', '/v1/volumes');
    assert.equal(head.status, 200);
    assert.equal(head.body, '');
  });

  test('7. PUT /v1/volumes/gv1 with bricks and replica → the standard create text', async () => {
    const reply = await call(empty.url, 'PUT', '/v1/volumes/gv1', {
      headers: { 'content-type': 'application/json' },
      body: '{"bricks": ["h1:/b1", "h2:/b2"], "replica": 2}',
    });
    assertJson(
      reply,
      200,
      '{"output": "volume create: gv1: success: please start the volume to access data", "errno": 0, "error": ""}',
    );
    const seen = await empty.graphql(`{ glusterVolume(name: "gv1") { type replicaCount bricks { name } } }`);
    assert.deepEqual(seen.data.glusterVolume, {
      type: 'REPLICATE',
      replicaCount: 2,
      bricks: [{ name: 'h1:/b1' }, { name: 'h2:/b2' }],
    });
  });

  test('8. PUT validation: no body, unknown key, missing bricks', async () => {
    const json = { 'content-type': 'application/json' };
    assertJson(
      await call(empty.url, 'PUT', '/v1/volumes/gv5'),
      400,
      errorBody('Request body must be a JSON object'),
    );
    assertJson(
      await call(empty.url, 'PUT', '/v1/volumes/gv5', {
        headers: json,
        body: '{"bricks": ["h1:/b1"], "size": 3}',
      }),
      400,
      errorBody('Invalid option: size'),
    );
    assertJson(
      await call(empty.url, 'PUT', '/v1/volumes/gv5', { headers: json, body: '{"replica": 2}' }),
      400,
      errorBody('bricks is required'),
    );
    // Bodies that are not JSON objects, or not sent as JSON.
    for (const body of ['[1]', '"x"', '{', 'null']) {
      assertJson(
        await call(empty.url, 'PUT', '/v1/volumes/gv5', { headers: json, body }),
        400,
        errorBody('Request body must be a JSON object'),
      );
    }
    assertJson(
      await call(empty.url, 'PUT', '/v1/volumes/gv5', {
        headers: { 'content-type': 'text/plain' },
        body: '{"bricks": ["h1:/b1"]}',
      }),
      400,
      errorBody('Request body must be a JSON object'),
    );
    for (const [body, key] of [
      ['{"bricks": []}', 'bricks'],
      ['{"bricks": ["nohost"]}', 'bricks'],
      ['{"bricks": ["h1:/b1"], "replica": -1}', 'replica'],
      ['{"bricks": ["h1:/b1"], "replica": 2.0}', 'replica'],
      ['{"bricks": ["h1:/b1"], "disperse_data": "2"}', 'disperse_data'],
      ['{"bricks": ["h1:/b1"], "transport": "udp"}', 'transport'],
      ['{"bricks": ["h1:/b1"], "force": "yes"}', 'force'],
    ]) {
      assertJson(
        await call(empty.url, 'PUT', '/v1/volumes/gv5', { headers: json, body: body! }),
        400,
        errorBody(`Invalid value for ${key}`),
      );
    }
  });

  test('9. POST start with form force=1 → graph called with force true', async () => {
    calls.length = 0;
    const reply = await call(open.url, 'POST', '/v1/volumes/gv1/start', {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'force=1',
    });
    assertJson(reply, 200, '{"output": "volume start: gv1: success", "errno": 0, "error": ""}');
    assert.deepEqual(
      calls.filter((entry) => entry.method === 'setGlusterVolumeStarted').map((entry) => entry.args),
      [['gv1', true, true]],
    );
  });

  test('10. POST start with form force=on → force false', async () => {
    calls.length = 0;
    const reply = await call(open.url, 'POST', '/v1/volumes/gv2/start', {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'force=on',
    });
    assertJson(reply, 200, '{"output": "volume start: gv2: success", "errno": 0, "error": ""}');
    assert.deepEqual(
      calls.filter((entry) => entry.method === 'setGlusterVolumeStarted').map((entry) => entry.args),
      [['gv2', true, false]],
    );
    // multipart/form-data and a JSON boolean are read too.
    calls.length = 0;
    const boundary = 'XyZ';
    const multipart = `--${boundary}\r\nContent-Disposition: form-data; name="force"\r\n\r\nyes\r\n--${boundary}--\r\n`;
    assertJson(
      await call(open.url, 'POST', '/v1/volumes/gv2/stop', {
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
        body: multipart,
      }),
      200,
      '{"output": "volume stop: gv2: success", "errno": 0, "error": ""}',
    );
    assertJson(
      await call(open.url, 'POST', '/v1/volumes/gv2/start', {
        headers: { 'content-type': 'application/json' },
        body: '{"force": true}',
      }),
      200,
      '{"output": "volume start: gv2: success", "errno": 0, "error": ""}',
    );
    assert.deepEqual(
      calls.filter((entry) => entry.method === 'setGlusterVolumeStarted').map((entry) => entry.args),
      [
        ['gv2', false, true],
        ['gv2', true, true],
      ],
    );
  });

  test('11. POST start of a volume that does not exist → 500 with the CLI text', async () => {
    assertJson(
      await call(open.url, 'POST', '/v1/volumes/gv9/start'),
      500,
      '{"output": "", "errno": 1, "error": "volume start: gv9: failed: Volume gv9 does not exist\\n"}',
    );
  });

  test('12. DELETE /v1/volumes/gv3 → the graph deletes (does not stop)', async () => {
    calls.length = 0;
    assertJson(
      await call(open.url, 'DELETE', '/v1/volumes/gv3'),
      200,
      '{"output": "volume delete: gv3: success", "errno": 0, "error": ""}',
    );
    const methods = calls.map((entry) => entry.method);
    assert.ok(methods.includes('deleteGlusterVolume'));
    assert.ok(!methods.includes('setGlusterVolumeStarted'));
    // A started volume without force: the CLI's refusal.
    const started = await call(open.url, 'DELETE', '/v1/volumes/gv2');
    assert.equal(started.status, 500);
    assert.match(
      started.body,
      /^\{"output": "", "errno": 1, "error": "volume delete: gv2: failed: Volume gv2 has been started/,
    );
  });

  test('13. GET options?option=performance.readdir-ahead', async () => {
    assertJson(
      await call(open.url, 'GET', '/v1/volumes/gv1/options?option=performance.readdir-ahead'),
      200,
      '{"output": [{"name": "performance.readdir-ahead", "value": "on"}], "errno": 0, "error": ""}',
    );
    const all = JSON.parse((await call(open.url, 'GET', '/v1/volumes/gv1/options')).body);
    assert.ok(all.output.length > 1);
    assert.deepEqual(Object.keys(all.output[0]), ['name', 'value']);
  });

  test('14. DELETE options with {"option": …} → reset text', async () => {
    assertJson(
      await call(open.url, 'DELETE', '/v1/volumes/gv1/options', {
        headers: { 'content-type': 'application/json' },
        body: '{"option": "performance.readdir-ahead"}',
      }),
      200,
      '{"output": "volume reset: success: reset volume successful", "errno": 0, "error": ""}',
    );
    const seen = await open.graphql(`{ glusterVolume(name: "gv1") { options { name } } }`);
    assert.deepEqual(seen.data.glusterVolume.options, []);
    assertJson(
      await call(open.url, 'DELETE', '/v1/volumes/gv1/options', {
        headers: { 'content-type': 'application/json' },
        body: '{}',
      }),
      400,
      errorBody('option is required'),
    );
    assertJson(
      await call(open.url, 'DELETE', '/v1/volumes/gv1/options', {
        headers: { 'content-type': 'application/json' },
        body: '{"option": "all", "force": 1}',
      }),
      400,
      errorBody('Invalid value for force'),
    );
  });

  test('15. GET rebalance → the §7.4 object', async () => {
    assertJson(
      await call(open.url, 'GET', '/v1/volumes/gv1/rebalance'),
      200,
      `{"output": ${REBALANCE}, "errno": 0, "error": ""}`,
    );
  });

  test('rebalance start (with the task id) and stop, barrier on and off', async () => {
    const json = { 'content-type': 'application/json' };
    assertJson(
      await call(open.url, 'POST', '/v1/volumes/gv2/rebalance/start', {
        headers: json,
        body: '{"fixed-layout": 1}',
      }),
      400,
      errorBody('Invalid value for fixed-layout'),
    );
    const started = await call(open.url, 'POST', '/v1/volumes/gv2/rebalance/start');
    const taskId = (await open.graphql(`{ glusterVolume(name: "gv2") { rebalance { taskId opType } } }`)).data
      .glusterVolume.rebalance;
    assert.equal(taskId.opType, 'START');
    assertJson(
      started,
      200,
      `{"output": "volume rebalance: gv2: success: Rebalance on gv2 has been started successfully. Use rebalance status command to check status of the rebalance process.\\nID: ${taskId.taskId}", "errno": 0, "error": ""}`,
    );
    assertJson(
      await call(open.url, 'POST', '/v1/volumes/gv2/rebalance/stop'),
      200,
      '{"output": "volume rebalance: gv2: success", "errno": 0, "error": ""}',
    );
    const forced = await call(open.url, 'POST', '/v1/volumes/gv2/rebalance/start', {
      headers: json,
      body: '{"fixed-layout": true, "force": true}',
    });
    assert.equal(forced.status, 200, forced.body);
    const seen = await open.graphql(`{ glusterVolume(name: "gv2") { rebalance { opType } } }`);
    assert.equal(seen.data.glusterVolume.rebalance.opType, 'START_LAYOUT_FIX');
    // A volume that is not distributed: the CLI's refusal.
    const single = await call(open.url, 'POST', '/v1/volumes/gv1/rebalance/start');
    assert.equal(single.status, 500);
    assert.match(
      single.body,
      /"error": "volume rebalance: gv1: failed: Volume gv1 is not a distribute volume/,
    );

    assertJson(
      await call(open.url, 'POST', '/v1/volumes/gv1/barrier'),
      200,
      '{"output": "volume barrier: success", "errno": 0, "error": ""}',
    );
    assertJson(
      await call(open.url, 'DELETE', '/v1/volumes/gv1/barrier'),
      200,
      '{"output": "volume barrier: success", "errno": 0, "error": ""}',
    );
    assertJson(
      await call(open.url, 'POST', '/v1/volumes/gv9/barrier'),
      500,
      '{"output": "", "errno": 1, "error": "volume barrier: failed: Volume gv9 does not exist\\n"}',
    );
  });

  test('options set: bodies of the wrong shape', async () => {
    const json = { 'content-type': 'application/json' };
    const post = (body: string) => call(open.url, 'POST', '/v1/volumes/gv1/options', { headers: json, body });
    assertJson(await post('{}'), 400, errorBody('No options given'));
    assertJson(await post('[]'), 400, errorBody('No options given'));
    assertJson(await post('"x"'), 400, errorBody('Request body must be a JSON object'));
    assertJson(await post('{"nfs.disable": true}'), 400, errorBody('Invalid value for nfs.disable'));
    assertJson(await post('[["nfs.disable"]]'), 400, errorBody('Request body must be a JSON object'));
    assertJson(await post('[["nfs.disable", 1]]'), 400, errorBody('Invalid value for nfs.disable'));
    assertJson(
      await post('[["nfs.disable", "on"]]'),
      200,
      '{"output": "volume set: success", "errno": 0, "error": ""}',
    );
    const unknown = await post('{"no.such.option": "on"}');
    assertJson(
      unknown,
      500,
      '{"output": "", "errno": 1, "error": "volume set: failed: option : no.such.option does not exist\\n"}',
    );
    // Unknown option on a read: the XML-mode failure has an empty error.
    assertJson(
      await call(open.url, 'GET', '/v1/volumes/gv1/options?option=no.such'),
      500,
      '{"output": "", "errno": 1, "error": ""}',
    );
  });

  test('16. GET /v1/peers lists localhost; PUT /v1/peers/h3 → 201', async () => {
    assertJson(
      await call(open.url, 'GET', '/v1/peers'),
      200,
      `{"output": [{"hostname": "localhost", "connected": "Connected", "uuid": "${H1}"}, {"hostname": "h2", "connected": "Disconnected", "uuid": "${H2}"}], "errno": 0, "error": ""}`,
    );
    const probe = await call(open.url, 'PUT', '/v1/peers/h3');
    assertJson(probe, 201, '{"output": "peer probe: success.", "errno": 0, "error": ""}');
    assert.equal(probe.statusMessage, 'CREATED');
    assertJson(
      await call(open.url, 'DELETE', '/v1/peers/h3'),
      200,
      '{"output": "peer detach: success", "errno": 0, "error": ""}',
    );
  });

  test('17. GET /v1/georep → 501', async () => {
    assertJson(await call(open.url, 'GET', '/v1/georep'), 501, errorBody('Not Implemented'));
    assertJson(
      await call(open.url, 'POST', '/v1/georep/gv1/root/h9/gv2/start'),
      501,
      errorBody('Not Implemented'),
    );
    assertJson(
      await call(open.url, 'DELETE', '/v1/georep/gv1/root/h9/gv2/checkpoint'),
      501,
      errorBody('Not Implemented'),
    );
  });

  test('18. auth: no Authorization → Invalid Token', async () => {
    const reply = await call(secured.url, 'GET', '/v1/volumes');
    assertJson(reply, 401, errorBody('Invalid Token'));
    assert.equal(reply.statusMessage, 'UNAUTHORIZED');
  });

  test('19. auth: not Bearer, or three parts', async () => {
    const format = errorBody('Authorization header format must be Bearer <TOKEN>');
    assertJson(
      await call(secured.url, 'GET', '/v1/volumes', { headers: { authorization: 'Token abc' } }),
      401,
      format,
    );
    assertJson(
      await call(secured.url, 'GET', '/v1/volumes', { headers: { authorization: 'Bearer a b' } }),
      401,
      format,
    );
  });

  const VALID =
    'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJteWFwcCIsImlhdCI6MTUwMDAwMDAwMCwiZXhwIjo0MTAyNDQ0ODAwLCJxc2giOiI4NzQ2YWYzZDkwMjRkZjY1NGJlMmYyZTM1ODNiN2U0NGQ3ODFmODVhNmMzMDY1ZGM2YmZlNjU0MDcwMjBmNGFjIn0.cZukvc8zqjd_n3TpBgJPGsRLlRJS4AwV0p_SBHkhipY';

  test('20. auth: the valid vector of §3.4 → 200', async () => {
    const reply = await call(secured.url, 'GET', '/v1/volumes', {
      headers: { authorization: `Bearer ${VALID}` },
    });
    assert.equal(reply.status, 200, reply.body);
    assert.match(reply.body, /^\{"output": \[\{"status": "Started"/);
    // The letter case of "Bearer" does not matter.
    assert.equal(
      (await call(secured.url, 'GET', '/v1/volumes', { headers: { authorization: `bEaReR ${VALID}` } }))
        .status,
      200,
    );
  });

  test('21. auth: expired, wrong secret, missing qsh vectors', async () => {
    const vectors: [string, string][] = [
      [
        'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJteWFwcCIsImlhdCI6MTUwMDAwMDAwMCwiZXhwIjoxNTAwMDAwMzAwLCJxc2giOiI4NzQ2YWYzZDkwMjRkZjY1NGJlMmYyZTM1ODNiN2U0NGQ3ODFmODVhNmMzMDY1ZGM2YmZlNjU0MDcwMjBmNGFjIn0.9Z9Mhwk6p9FU3WQ1GhKhXayLVArAG9dLKDbpZr8e6dE',
        'Expired Token',
      ],
      [
        'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJteWFwcCIsImlhdCI6MTUwMDAwMDAwMCwiZXhwIjo0MTAyNDQ0ODAwLCJxc2giOiI4NzQ2YWYzZDkwMjRkZjY1NGJlMmYyZTM1ODNiN2U0NGQ3ODFmODVhNmMzMDY1ZGM2YmZlNjU0MDcwMjBmNGFjIn0.JAzpGzxIhOLP47XQ50mT8HDb_lb0IhLv_ovopZV1GLk',
        'Invalid Token',
      ],
      [
        'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJteWFwcCIsImlhdCI6MTUwMDAwMDAwMCwiZXhwIjo0MTAyNDQ0ODAwfQ.gO8OFdDx-5C94giAZKp9ccmu6PTVhnzUjIjHrwACZNU',
        'Token missing qsh Claim',
      ],
    ];
    for (const [vector, text] of vectors) {
      assertJson(
        await call(secured.url, 'GET', '/v1/volumes', { headers: { authorization: `Bearer ${vector}` } }),
        401,
        errorBody(text),
      );
    }
  });

  test('22. auth: the valid vector on another URL → Invalid qsh claim in token', async () => {
    assertJson(
      await call(secured.url, 'GET', '/v1/volumes?status=1', {
        headers: { authorization: `Bearer ${VALID}` },
      }),
      401,
      errorBody('Invalid qsh claim in token'),
    );
  });

  test('23. auth: a correctly signed token of another app → Invalid App Id', async () => {
    const other = tokenFor('GET', '/v1/volumes', '', 'other', 'othersecret');
    assertJson(
      await call(secured.url, 'GET', '/v1/volumes', { headers: { authorization: `Bearer ${other}` } }),
      401,
      errorBody('Invalid App Id'),
    );
  });

  test('24. auth: alg none → Invalid Token', async () => {
    const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const payload = {
      iss: 'myapp',
      iat: 1500000000,
      exp: 4102444800,
      qsh: '8746af3d9024df654be2f2e3583b7e44d781f85a6c3065dc6bfe65407020f4ac',
    };
    for (const unsigned of [
      `${b64({ alg: 'none', typ: 'JWT' })}.${b64(payload)}.`,
      `${b64({ alg: 'none' })}.${b64(payload)}.c2ln`,
    ]) {
      assertJson(
        await call(secured.url, 'GET', '/v1/volumes', { headers: { authorization: `Bearer ${unsigned}` } }),
        401,
        errorBody('Invalid Token'),
      );
    }
  });

  test('25. auth: POST options with the raw body of example 3 and either qsh → 200', async () => {
    const body = '{"performance.readdir-ahead":"on","cluster.quorum-type":"auto"}';
    for (const qsh of [
      '2f39dda3c502a4f745bbed0a27ce8b26aa51424f366fe96e8ed92517e226a43b',
      '979ae733ac9e1a644dcab92d531db91a3b0ce3a63742e6eaacf3a3adfe189c87',
      // The claim is compared ignoring the letter case of the hex digits.
      '979AE733AC9E1A644DCAB92D531DB91A3B0CE3A63742E6EAACF3A3ADFE189C87',
    ]) {
      const signed = token({ iss: 'myapp', iat: 1500000000, exp: 4102444800, qsh });
      assertJson(
        await call(secured.url, 'POST', '/v1/volumes/gv1/options', {
          headers: { authorization: `Bearer ${signed}`, 'content-type': 'application/json' },
          body,
        }),
        200,
        '{"output": "volume set: success", "errno": 0, "error": ""}',
      );
    }
    const seen = await secured.graphql(`{ glusterVolume(name: "gv1") { options { name value } } }`);
    assert.deepEqual(seen.data.glusterVolume.options, [
      { name: 'performance.readdir-ahead', value: 'on' },
      { name: 'cluster.quorum-type', value: 'auto' },
    ]);
  });

  test('26. auth: GET /v1/nothing without a token → 404 (routing first)', async () => {
    assertJson(await call(secured.url, 'GET', '/v1/nothing'), 404, errorBody('Not Found'));
    assertJson(await call(secured.url, 'PATCH', '/v1/volumes'), 405, errorBody('Method Not Allowed'));
    assert.equal((await call(secured.url, 'OPTIONS', '/v1/volumes')).status, 200);
  });

  test('27. historical listener: / → 302, /doc → 200 empty HTML, /v1/doc → 404', async () => {
    const root = await call(historical, 'GET', '/');
    assert.equal(root.status, 302);
    assert.equal(root.headers.location, `${historical}/v1/doc`);
    const doc = await call(historical, 'GET', '/doc');
    assert.equal(doc.status, 200);
    assert.equal(doc.body, '');
    assert.equal(doc.headers['content-type'], 'text/html; charset=utf-8');
    assertJson(await call(historical, 'GET', '/v1/doc'), 404, errorBody('Not Found'));
    assertJson(await call(historical, 'GET', '/elsewhere'), 404, errorBody('Not Found'));
    assert.equal((await call(historical, 'GET', '/v1/volumes')).status, 200);
  });
});
