/**
 * The operator scenario of issue #3, with plain HTTP calls as a user of the original PVC API made
 * them: log in with a token, then define, start, migrate, unmigrate a VM, flush and ready its
 * node, add a managed network with DHCP, a reservation and an ACL, add a Ceph pool, volume and
 * snapshot, and remove it all. After every step the same state is visible on /graphql.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../support/cloudfed.js';
import { call, domainXml, form, messageBody, type Reply } from './pvc-support.js';

const TOKEN = 'scenario-token-0123456789';
const UUID = '0badc0de-1234-4abc-8def-0123456789ab';

describe('PVC operator scenario (plain HTTP, authentication on)', () => {
  let server: TestServer;
  let session: string;

  const pvc = (
    method: string,
    path: string,
    options: { body?: string; headers?: Record<string, string> } = {},
  ) => call(server.url, method, path, { ...options, headers: { cookie: session, ...options.headers } });
  const ok = (reply: Reply, text: string) => {
    assert.equal(reply.status, 200, reply.body);
    assert.equal(reply.body, messageBody(text));
  };
  const vm = async () =>
    (
      await server.graphql(
        `query($ref: String!) { virtualMachine(ref: $ref) { name stateName migrated node { name } lastNode { name } } }`,
        { ref: UUID },
      )
    ).data.virtualMachine;
  const node = async (name: string) =>
    (
      await server.graphql('query($id: ID!) { clusterNode(id: $id) { domainState vms { uuid } } }', {
        id: name,
      })
    ).data.clusterNode;

  before(async () => {
    server = await startTestServer({
      config: { shims: { pvc: { auth: { tokens: [{ description: 'operator-1', token: TOKEN }] } } } },
    });
  });
  after(() => server.close());

  test('log in with the token; the session cookie then authenticates', async () => {
    const login = await call(server.url, 'POST', '/api/v1/auth/login', form({ token: TOKEN }));
    assert.equal(login.status, 302);
    session = (login.headers['set-cookie'] as string[])[0]!.split(';')[0]!;
    assert.equal((await pvc('GET', '/api/v1/node')).status, 200);
  });

  test('define a VM from XML on hv1 and start it', async () => {
    const xml = domainXml('scenario1', UUID);
    ok(
      await pvc('POST', '/api/v1/vm/scenario1/define', form({ xml, node: 'hv1' })),
      `Added new VM with Name 'scenario1' and UUID '${UUID}' to database.`,
    );
    assert.deepEqual(await vm(), {
      name: 'scenario1',
      stateName: 'stop',
      migrated: false,
      node: { name: 'hv1' },
      lastNode: null,
    });
    ok(await pvc('POST', '/api/v1/vm/scenario1/start'), "Starting VM 'scenario1'.");
    assert.equal((await vm()).stateName, 'start');
    const listed = await pvc('GET', '/api/v1/vm/scenario1');
    assert.equal(listed.status, 200);
    assert.equal((JSON.parse(listed.body) as { state: string }[])[0]!.state, 'start');
  });

  test('migrate it with a selector, then unmigrate it', async () => {
    const reply = await pvc('POST', '/api/v1/vm/scenario1/migrate', form({ selector: 'vms' }));
    assert.equal(reply.status, 200, reply.body);
    const after = await vm();
    assert.notEqual(after.node.name, 'hv1');
    assert.equal(reply.body, messageBody(`Migrating VM 'scenario1' to node '${after.node.name}'.`));
    assert.deepEqual(after.lastNode, { name: 'hv1' });
    assert.equal(after.migrated, true);
    const listed = JSON.parse((await pvc('GET', `/api/v1/vm/${UUID}`)).body) as { migrated: string }[];
    assert.equal(listed[0]!.migrated, 'from hv1');

    ok(await pvc('POST', '/api/v1/vm/scenario1/unmigrate'), "Unmigrating VM 'scenario1' back to node 'hv1'.");
    assert.deepEqual(await vm(), {
      name: 'scenario1',
      stateName: 'start',
      migrated: false,
      node: { name: 'hv1' },
      lastNode: null,
    });
  });

  test('flush its node, then bring the node back', async () => {
    ok(await pvc('POST', '/api/v1/node/hv1/flush'), 'Flushing hypervisor hv1 of running VMs.');
    const flushed = await node('hv1');
    assert.ok(['FLUSH', 'FLUSHED'].includes(flushed.domainState), flushed.domainState);
    const away = await vm();
    assert.notEqual(away.node.name, 'hv1');
    assert.deepEqual(away.lastNode, { name: 'hv1' });
    const listed = JSON.parse((await pvc('GET', '/api/v1/node/hv1')).body) as { domain_state: string }[];
    assert.equal(listed[0]!.domain_state, flushed.domainState.toLowerCase());

    ok(await pvc('POST', '/api/v1/node/hv1/ready'), 'Restoring hypervisor hv1 to active service.');
    assert.equal((await node('hv1')).domainState, 'READY');
    assert.deepEqual((await vm()).node, { name: 'hv1' });
  });

  test('add a managed network with DHCP, a static reservation and an ACL', async () => {
    ok(
      await pvc(
        'POST',
        '/api/v1/network/lab/add',
        form({
          vni: '300',
          nettype: 'managed',
          ip4_network: '10.30.0.0/24',
          ip4_gateway: '10.30.0.1',
          flag_dhcp4: '',
          dhcp4_start: '10.30.0.100',
          dhcp4_end: '10.30.0.199',
        }),
      ),
      "Network 'lab' added successfully!",
    );
    const network = await server.graphql(
      '{ network(vni: "300") { description type domain ipv4 { network dhcpEnabled dhcpStart dhcpEnd } } }',
    );
    assert.deepEqual(network.data.network, {
      description: 'lab',
      type: 'MANAGED',
      domain: 'lab.local',
      ipv4: { network: '10.30.0.0/24', dhcpEnabled: true, dhcpStart: '10.30.0.100', dhcpEnd: '10.30.0.199' },
    });
    ok(
      await pvc(
        'POST',
        '/api/v1/network/300/dhcp/52:54:00:AB:CD:EF/add',
        form({ ipaddress: '10.30.0.50', hostname: 'scenario1' }),
      ),
      "DHCP reservation '52:54:00:ab:cd:ef' added successfully!",
    );
    ok(
      await pvc(
        'POST',
        '/api/v1/network/lab/acl/allow-ssh/add',
        form({ direction: 'in', rule: 'tcp dport 22 accept' }),
      ),
      "Firewall rule 'allow-ssh' added successfully!",
    );
    const state = await server.graphql(
      '{ network(vni: "300") { dhcpReservations { nodes { macAddress ipAddress hostname } } acls { description direction rule } } }',
    );
    assert.deepEqual(state.data.network.dhcpReservations.nodes, [
      { macAddress: '52:54:00:ab:cd:ef', ipAddress: '10.30.0.50', hostname: 'scenario1' },
    ]);
    assert.deepEqual(state.data.network.acls, [
      { description: 'allow-ssh', direction: 'IN', rule: 'tcp dport 22 accept' },
    ]);
    const leases = await pvc('GET', '/api/v1/network/lab/dhcp?flag_static');
    assert.equal(
      leases.body,
      '[\n  {\n    "hostname": "scenario1", \n    "ip4_address": "10.30.0.50", \n    "mac_address": "52:54:00:ab:cd:ef", \n    "timestamp": "static"\n  }\n]\n',
    );
  });

  test('add a Ceph pool, a volume and a snapshot', async () => {
    ok(
      await pvc('POST', '/api/v1/ceph/pool/scratch/add', form({ pgs: '64' })),
      'Created new RBD pool scratch with 64 PGs.',
    );
    ok(
      await pvc('POST', '/api/v1/ceph/volume/scratch/data1/add', form({ size: '10G' })),
      'Created new RBD volume data1 of size 10G on pool scratch.',
    );
    ok(
      await pvc('POST', '/api/v1/ceph/volume/snapshot/scratch/data1/before-upgrade/add'),
      'Created new RBD snapshot before-upgrade of volume data1 on pool scratch.',
    );
    const state = await server.graphql(
      '{ cephPool(name: "scratch") { pgs volumes { name sizeBytes snapshots { name } } } }',
    );
    assert.deepEqual(state.data.cephPool, {
      pgs: 64,
      volumes: [{ name: 'data1', sizeBytes: 10 * 1024 ** 3, snapshots: [{ name: 'before-upgrade' }] }],
    });
    const volumes = JSON.parse((await pvc('GET', '/api/v1/ceph/volume?pool=scratch')).body) as {
      name: string;
      stats: { size: string };
    }[];
    assert.deepEqual(
      volumes.map((volume) => [volume.name, volume.stats.size]),
      [['data1', '10G']],
    );
  });

  test('remove it all, destructive removals only with flag_yes_i_really_mean_it', async () => {
    ok(
      await pvc('POST', '/api/v1/ceph/volume/snapshot/scratch/data1/before-upgrade/remove'),
      'Removed RBD snapshot before-upgrade and all volumes.',
    );
    ok(
      await pvc('POST', '/api/v1/ceph/volume/scratch/data1/remove'),
      'Removed RBD volume data1 in pool scratch.',
    );
    assert.deepEqual(
      (await server.graphql('{ cephPool(name: "scratch") { volumes { name } } }')).data.cephPool.volumes,
      [],
    );

    const refused = await pvc('POST', '/api/v1/ceph/pool/scratch/remove');
    assert.equal(refused.status, 599);
    assert.notEqual((await server.graphql('{ cephPool(name: "scratch") { name } }')).data.cephPool, null);
    ok(
      await pvc('POST', '/api/v1/ceph/pool/scratch/remove', form({ flag_yes_i_really_mean_it: 'no' })),
      'Removed RBD pool scratch and all volumes.',
    );
    assert.equal((await server.graphql('{ cephPool(name: "scratch") { name } }')).data.cephPool, null);

    ok(
      await pvc('POST', '/api/v1/network/lab/acl/allow-ssh/remove'),
      "Firewall rule 'allow-ssh' removed successfully!",
    );
    ok(
      await pvc('POST', '/api/v1/network/lab/dhcp/10.30.0.50/remove'),
      "DHCP reservation '52:54:00:ab:cd:ef' removed successfully!",
    );
    const emptied = await server.graphql(
      '{ network(vni: "300") { dhcpReservations { nodes { macAddress } } acls { description } } }',
    );
    assert.deepEqual(emptied.data.network, { dhcpReservations: { nodes: [] }, acls: [] });
    ok(await pvc('POST', '/api/v1/network/300/remove'), "Network 'lab' removed successfully!");
    assert.equal((await server.graphql('{ network(vni: "300") { vni } }')).data.network, null);

    ok(
      await pvc('POST', '/api/v1/vm/scenario1/remove'),
      "Removed VM 'scenario1' and disks from the cluster.",
    );
    assert.equal(await vm(), null);
    assert.equal((await pvc('GET', '/api/v1/vm/scenario1')).status, 404);
  });

  test('log out: the cookie is cleared', async () => {
    const logout = await pvc('POST', '/api/v1/auth/logout');
    assert.equal(logout.status, 302);
    assert.equal(logout.headers.location, `${server.url}/api/v1`);
    assert.match(
      (logout.headers['set-cookie'] as string[])[0]!,
      /^session=; Expires=Thu, 01-Jan-1970 00:00:00 GMT; Max-Age=0; Path=\/$/,
    );
    assert.equal((await call(server.url, 'GET', '/api/v1/node')).status, 401);
  });
});
