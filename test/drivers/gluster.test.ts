/**
 * The Gluster driver against a real glusterd (started here, bricks in a temporary directory),
 * driven through the Gluster REST shim with JWT authentication, each step seen in the graph.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startGlusterd, type Glusterd } from '../support/glusterd.js';
import { startTestServer, type TestServer } from '../support/cloudfed.js';
import { call, errorBody, JSON_TYPE, tokenFor } from '../shims/gluster.support.js';

let glusterd: Glusterd;
let server: TestServer;
const host = hostname();

before(async () => {
  glusterd = await startGlusterd();
  const driver = { driver: 'gluster' as const, program: glusterd.program, timeoutSeconds: 120 };
  server = await startTestServer({
    demo: false,
    config: { drivers: { volumes: driver, nodes: driver } },
  });
  const added = await server.graphql(
    `mutation { addApiClient(appId: "ops", secret: "ops-secret-1") { appId } }`,
  );
  assert.equal(added.errors, undefined);
});

after(async () => {
  await server?.close();
  await glusterd?.stop();
});

/** A signed request, as the design document's Python client sends it. */
function signed(method: string, path: string, body?: string, contentType = 'application/json') {
  return call(server.url, method, path, {
    headers: {
      authorization: `Bearer ${tokenFor(method, path, body ?? '', 'ops', 'ops-secret-1')}`,
      ...(body !== undefined ? { 'content-type': contentType } : {}),
    },
    ...(body !== undefined ? { body } : {}),
  });
}

function ok(
  reply: { status: number; body: string; headers: Record<string, unknown> },
  output: string,
  status = 200,
) {
  assert.equal(reply.body, `{"output": "${output}", "errno": 0, "error": ""}`);
  assert.equal(reply.status, status);
  assert.equal(reply.headers['content-type'], JSON_TYPE);
}

async function graphVolume(name: string) {
  return server.graphql(
    `query ($name: String!) { glusterVolume(name: $name) { name status type brickCount options { name value } bricks { name peerUuid } } }`,
    { name },
  );
}

const commands = () => readFileSync(glusterd.commandLog, 'utf8');

describe('Gluster driver on a real glusterd, through the shim', () => {
  test('create, start, set and reset an option, read back with and without status, stop, delete', async () => {
    const bricks = [
      `${host}:${join(glusterd.dir, 'bricks', 'b1')}`,
      `${host}:${join(glusterd.dir, 'bricks', 'b2')}`,
    ];
    ok(
      await signed('PUT', '/v1/volumes/gvt', JSON.stringify({ bricks, force: true })),
      'volume create: gvt: success: please start the volume to access data',
    );
    let seen = await graphVolume('gvt');
    assert.equal(seen.errors, undefined);
    assert.equal(seen.data.glusterVolume.status, 'CREATED');
    assert.equal(seen.data.glusterVolume.type, 'DISTRIBUTE');
    assert.deepEqual(
      seen.data.glusterVolume.bricks.map((brick: { name: string }) => brick.name),
      bricks,
    );
    const selfUuid = seen.data.glusterVolume.bricks[0].peerUuid;
    assert.match(selfUuid, /^[0-9a-f-]{36}$/);

    ok(await signed('POST', '/v1/volumes/gvt/start'), 'volume start: gvt: success');
    seen = await graphVolume('gvt');
    assert.equal(seen.data.glusterVolume.status, 'STARTED');

    ok(
      await signed('POST', '/v1/volumes/gvt/options', '{"performance.readdir-ahead": "off"}'),
      'volume set: success',
    );
    seen = await graphVolume('gvt');
    assert.ok(
      seen.data.glusterVolume.options.some(
        (option: { name: string; value: string }) =>
          option.name === 'performance.readdir-ahead' && option.value === 'off',
      ),
      JSON.stringify(seen.data.glusterVolume.options),
    );

    // Option values come from `volume get` on the pool: the one set, and glusterd's own defaults.
    assert.equal(
      (await signed('GET', '/v1/volumes/gvt/options?option=performance.readdir-ahead')).body,
      '{"output": [{"name": "performance.readdir-ahead", "value": "off"}], "errno": 0, "error": ""}',
    );
    const all = JSON.parse((await signed('GET', '/v1/volumes/gvt/options')).body).output;
    assert.ok(all.length > 100, `volume get all listed ${all.length} options`);
    assert.ok(
      all.some(
        (option: { name: string; value: string }) =>
          option.name === 'cluster.lookup-optimize' && option.value === 'on',
      ),
      JSON.stringify(all.slice(0, 5)),
    );
    assert.ok(all.every((option: { value: string }) => !option.value.endsWith('(DEFAULT)')));

    const info = await signed('GET', '/v1/volumes/gvt');
    assert.equal(info.status, 200, info.body);
    const [volume] = JSON.parse(info.body).output;
    assert.deepEqual(Object.keys(volume), [
      'status',
      'bricks',
      'distribute',
      'replica',
      'stripe',
      'num_bricks',
      'transport',
      'uuid',
      'name',
      'type',
      'options',
    ]);
    assert.equal(volume.status, 'Started');
    assert.equal(volume.num_bricks, 2);
    assert.equal(volume.transport, 'TCP');
    assert.deepEqual(
      volume.bricks,
      bricks.map((name) => ({ name, uuid: selfUuid })),
    );
    assert.ok(
      volume.options.some(
        (option: { name: string; value: string }) =>
          option.name === 'performance.readdir-ahead' && option.value === 'off',
      ),
    );
    assert.ok(info.body.startsWith('{"output": [{"status": "Started", "bricks": [{"name": '));

    const status = await signed('GET', '/v1/volumes/gvt?status=1');
    assert.equal(status.status, 200, status.body);
    const [detail] = JSON.parse(status.body).output;
    assert.equal(detail.bricks.length, 2);
    for (const brick of detail.bricks) {
      assert.deepEqual(Object.keys(brick), [
        'fs_name',
        'uuid',
        'size_total',
        'pid',
        'mnt_options',
        'online',
        'device',
        'size_free',
        'block_size',
        'ports',
        'name',
      ]);
      assert.equal(brick.online, true);
      assert.match(brick.pid, /^\d+$/);
      assert.match(brick.ports.tcp, /^\d+$/);
      assert.match(brick.size_total, /^\d+$/);
    }

    ok(
      await signed('DELETE', '/v1/volumes/gvt/options', '{"option": "performance.readdir-ahead"}'),
      'volume reset: success: reset volume successful',
    );
    seen = await graphVolume('gvt');
    assert.ok(
      !seen.data.glusterVolume.options.some(
        (option: { name: string }) => option.name === 'performance.readdir-ahead',
      ),
    );

    // Rebalance: none yet (an XML-mode failure), then one started and reported.
    assert.equal(
      (await signed('GET', '/v1/volumes/gvt/rebalance')).body,
      '{"output": "", "errno": 1, "error": ""}',
    );
    const rebalance = await signed('POST', '/v1/volumes/gvt/rebalance/start');
    assert.equal(rebalance.status, 200, rebalance.body);
    assert.match(
      JSON.parse(rebalance.body).output,
      /^volume rebalance: gvt: success: Rebalance on gvt has been started successfully\. .*\nID: [0-9a-f-]{36}$/s,
    );
    let report: any;
    for (let attempt = 0; attempt < 60; attempt++) {
      const reply = await signed('GET', '/v1/volumes/gvt/rebalance');
      assert.equal(reply.status, 200, reply.body);
      report = JSON.parse(reply.body).output;
      if (report.aggregate.status === 'completed') break;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    assert.deepEqual(Object.keys(report), ['task_id', 'op_type', 'node_count', 'nodes', 'aggregate']);
    assert.equal(report.aggregate.status, 'completed');
    assert.equal(report.nodes[0].id, selfUuid);
    assert.ok(JSON.parse(rebalance.body).output.endsWith(report.task_id));

    // The barrier's text is the CLI's own.
    ok(await signed('POST', '/v1/volumes/gvt/barrier'), 'volume barrier: command successful');
    ok(await signed('DELETE', '/v1/volumes/gvt/barrier'), 'volume barrier: command successful');

    // Deleting a started volume without force: the CLI's own refusal, with its exit status.
    const refused = await signed('DELETE', '/v1/volumes/gvt');
    assert.equal(refused.status, 500);
    assert.match(refused.body, /^\{"output": "", "errno": 1, "error": "volume delete: gvt: failed: /);

    ok(
      await signed('POST', '/v1/volumes/gvt/stop', 'force=1', 'application/x-www-form-urlencoded'),
      'volume stop: gvt: success',
    );
    seen = await graphVolume('gvt');
    assert.equal(seen.data.glusterVolume.status, 'STOPPED');
    // Status detail of a volume that is not started fails as the CLI does.
    const stopped = await signed('GET', '/v1/volumes/gvt?status=1');
    assert.equal(stopped.status, 500);
    assert.equal(stopped.body, '{"output": "", "errno": 1, "error": ""}');

    ok(await signed('DELETE', '/v1/volumes/gvt'), 'volume delete: gvt: success');
    seen = await graphVolume('gvt');
    assert.equal(seen.errors?.[0]?.extensions?.condition, 'VOLUME_NOT_FOUND');
    const list = await signed('GET', '/v1/volumes');
    assert.equal(list.body, '{"output": [], "errno": 0, "error": ""}');
    assert.match(commands(), /^--mode=script volume create gvt .* force$/m);
  });

  test('peers: the pool lists localhost; probing an address that does not exist gives the CLI error', async () => {
    const peers = await signed('GET', '/v1/peers');
    assert.equal(peers.status, 200);
    const [self] = JSON.parse(peers.body).output;
    assert.deepEqual(Object.keys(self), ['hostname', 'connected', 'uuid']);
    assert.equal(self.hostname, 'localhost');
    assert.equal(self.connected, 'Connected');
    const graph = await server.graphql(`{ glusterPeers { hostname isSelf connected } }`);
    assert.deepEqual(graph.data.glusterPeers, [{ hostname: 'localhost', isSelf: true, connected: true }]);

    const probe = await signed('PUT', '/v1/peers/no-such-host.invalid');
    assert.equal(probe.status, 500);
    assert.equal(
      probe.body,
      '{"output": "", "errno": 1, "error": "peer probe: failed: Probe returned with Transport endpoint is not connected\\n"}',
    );
    const detach = await signed('DELETE', '/v1/peers/no-such-host.invalid');
    assert.equal(detach.status, 500);
    assert.equal(
      detach.body,
      '{"output": "", "errno": 1, "error": "peer detach: failed: no-such-host.invalid is not part of cluster\\n"}',
    );
  });

  test('hostile names are refused before any command runs', async () => {
    const before = commands();
    const hostile = ['-rf', 'a;b', '../x', 'x'.repeat(300), 'gv\u0031\u200b', 'g\u0475t', '$(id)', '--help'];
    for (const name of hostile) {
      const path = encodeURIComponent(name);
      for (const [method, suffix, body] of [
        ['PUT', '', JSON.stringify({ bricks: [`${host}:/tmp/x`], force: true })],
        ['POST', '/start', undefined],
        ['POST', '/stop', undefined],
        ['DELETE', '', undefined],
        ['POST', '/options', '{"nfs.disable": "on"}'],
        ['DELETE', '/options', '{"option": "nfs.disable"}'],
        ['POST', '/barrier', undefined],
        ['POST', '/rebalance/start', undefined],
      ] as const) {
        const reply = await signed(method, `/v1/volumes/${path}${suffix}`, body);
        assert.ok(
          reply.status === 500 || reply.status === 400,
          `${method} ${name}${suffix}: ${reply.status} ${reply.body}`,
        );
      }
      const peer = await signed('PUT', `/v1/peers/${path}`);
      assert.ok(peer.status === 400 || peer.status === 500, `${name}: ${peer.body}`);
    }
    assert.equal((await signed('PUT', '/v1/peers/-rf')).body, errorBody('Invalid value for fqdn'));
    // Option names and values are refused too.
    const options = await signed('POST', '/v1/volumes/gvz/options', '{"-rf": "on"}');
    assert.equal(options.status, 500);
    const added = commands().slice(before.length);
    for (const name of hostile)
      assert.ok(!added.includes(name), `a command ran with ${JSON.stringify(name)}:\n${added}`);
    assert.ok(!/ -rf/.test(added), added);
  });
});
