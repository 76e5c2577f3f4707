/**
 * The rest of the PVC route table (compat/pvc.md §6) beyond the checklist: every endpoint's
 * success and its listed failures, each checked on /graphql, and the storage-node outcomes
 * ("Failed …", "Command ignored by node") from backend failures and timeouts.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { stringify } from 'yaml';
import { BackendError } from '../../src/errors/index.js';
import { startTestServer, type TestServer } from '../support/cloudfed.js';
import { call, domainXml, form, messageBody } from './pvc-support.js';

const VM1 = '22222222-0000-4000-8000-000000000001';
const VM2 = '22222222-0000-4000-8000-000000000002';

function datacenter(): string {
  const node = (name: string, extra: Record<string, unknown>) => ({
    name,
    cpuCount: 16,
    memory: { totalMiB: 64000, usedMiB: 1000, freeMiB: 63000 },
    ...extra,
  });
  return stringify({
    nodes: [
      node('hv1', { roles: ['hypervisor', 'coordinator'], coordinatorState: 'primary', load: 0.9 }),
      node('hv2', { roles: ['hypervisor', 'coordinator'], coordinatorState: 'secondary', load: 0.1 }),
      node('hv3', { roles: ['hypervisor'], coordinatorState: 'client', load: 0.5 }),
      node('hv4', {
        roles: ['hypervisor', 'coordinator'],
        coordinatorState: 'secondary',
        daemonState: 'dead',
      }),
    ],
    vms: [
      { xml: domainXml('alpha', VM1), node: 'hv1', state: 'start' },
      { xml: domainXml('beta', VM2), node: 'hv2', state: 'stop' },
    ],
    networks: [
      {
        vni: 100,
        description: 'net1',
        type: 'managed',
        dhcpReservations: [
          { mac: '52:54:00:00:00:01', ip: '10.100.0.11', hostname: 'alpha' },
          { mac: '52:54:00:00:00:02', ip: '10.100.0.12' },
        ],
        dhcpLeases: [
          { mac: '52:54:00:00:00:03', ip: '10.100.0.103', hostname: 'web1', expires: 1562600000 },
          { mac: '52:54:01:00:00:04', ip: '10.100.0.104', expires: 1562600001 },
        ],
        acls: {
          in: [{ description: 'allow-ssh', rule: 'tcp dport 22 accept' }],
          out: [
            { description: 'allow-ssh', rule: 'tcp sport 22 accept' },
            { description: 'allow-all', rule: 'accept' },
          ],
        },
      },
    ],
    ceph: {
      osds: [{ id: 0, node: 'hv1', device: '/dev/sdb', sizeKiB: 976762584 }],
      pools: [
        {
          name: 'vms',
          volumes: [{ name: 'disk1', size: '1G', createdAt: '2019-07-08T10:00:00Z', snapshots: ['snap1'] }],
        },
      ],
    },
  });
}

const STORAGE_MUTATIONS = new Set([
  'setCephOsdFlag',
  'addCephOsd',
  'removeCephOsd',
  'setCephOsdIn',
  'addCephPool',
  'removeCephPool',
  'addRbdVolume',
  'removeRbdVolume',
  'addRbdSnapshot',
  'removeRbdSnapshot',
  'cephStatus',
]);

describe('PVC endpoints (authentication off)', () => {
  let server: TestServer;
  let fault: 'BACKEND_FAILED' | 'BACKEND_TIMEOUT' | 'BACKEND_UNAVAILABLE' | null = null;
  const post = (path: string, values?: Record<string, string>) =>
    call(server.url, 'POST', path, values ? form(values) : {});
  const get = (path: string) => call(server.url, 'GET', path);
  const expectMessage = async (
    reply: Promise<{ status: number; body: string }>,
    status: number,
    text: string,
  ) => {
    const answered = await reply;
    assert.equal(answered.status, status, answered.body);
    assert.equal(answered.body, messageBody(text));
  };
  const names = (body: string) => (JSON.parse(body) as { name: string }[]).map((item) => item.name);

  before(async () => {
    server = await startTestServer({
      demo: false,
      importText: datacenter(),
      config: { shims: { pvc: { auth: { enabled: false } } } },
      // The storage node's answers: a reported failure or no answer, switched per test.
      wrapSources: (sources) => ({
        ...sources,
        volumes: {
          volumes: new Proxy(sources.volumes.volumes, {
            get(target, property, receiver) {
              const value = Reflect.get(target, property, receiver);
              if (fault === null || typeof property !== 'string' || !STORAGE_MUTATIONS.has(property)) {
                return typeof value === 'function' ? value.bind(target) : value;
              }
              const code = fault;
              return async () => {
                throw new BackendError(code, 'storage node said no', {}, 'stderr text');
              };
            },
          }),
        },
      }),
    });
  });
  after(() => server.close());

  test('nodes: fuzzy path limit; router mode checks in order', async () => {
    assert.deepEqual(names((await get('/api/v1/node/hv')).body), ['hv1', 'hv2', 'hv3', 'hv4']);
    assert.equal((await get('/api/v1/node/nothing')).body, '[]\n');
    await expectMessage(
      post('/api/v1/node/hv9/primary'),
      510,
      "ERROR: No node named 'hv9' is present in the cluster.",
    );
    await expectMessage(
      post('/api/v1/node/hv3/primary'),
      510,
      "ERROR: Cannot change router mode on non-coordinator node 'hv3'",
    );
    await expectMessage(post('/api/v1/node/hv4/primary'), 510, "ERROR: Node 'hv4' is not active");
    await expectMessage(post('/api/v1/node/hv1/primary'), 510, 'Node hv1 is already in primary router mode.');
    await expectMessage(
      post('/api/v1/node/hv1/secondary'),
      200,
      'Setting node hv1 in secondary router mode.',
    );
    const state = await server.graphql('{ clusterNode(id: "hv1") { coordinatorState } }');
    assert.equal(state.data.clusterNode.coordinatorState, 'SECONDARY');
    await expectMessage(
      post('/api/v1/node/hv1/secondary'),
      510,
      'Node hv1 is already in secondary router mode.',
    );
    await expectMessage(post('/api/v1/node/hv1/primary'), 200, 'Setting node hv1 in primary router mode.');
    await expectMessage(
      post('/api/v1/node/hv9/flush'),
      510,
      "ERROR: No node named 'hv9' is present in the cluster.",
    );
    await expectMessage(
      post('/api/v1/node/hv9/unflush'),
      510,
      "ERROR: No node named 'hv9' is present in the cluster.",
    );
    await expectMessage(post('/api/v1/node/hv3/unflush'), 200, 'Restoring hypervisor hv3 to active service.');
  });

  test('VMs: restart, move, define by the default selector, undefine', async () => {
    await expectMessage(post('/api/v1/vm/alpha/restart'), 200, "Restarting VM 'alpha'.");
    await expectMessage(post('/api/v1/vm/beta/restart'), 510, "ERROR: VM 'beta' is not in 'start' state!");
    await expectMessage(
      post('/api/v1/vm/nosuch/restart'),
      510,
      "ERROR: Could not find VM 'nosuch' in the cluster!",
    );
    await expectMessage(
      post('/api/v1/vm/beta/move', { node: 'hv2' }),
      510,
      "ERROR: VM 'beta' is already running on node 'hv2'.",
    );
    await expectMessage(post('/api/v1/vm/beta/move', { node: 'hv9' }), 510, 'Specified node hv9 is invalid.');
    await expectMessage(
      post('/api/v1/vm/beta/move', { node: 'hv3' }),
      200,
      "Permanently migrating VM 'beta' to node 'hv3'.",
    );
    const moved = await server.graphql(`{ virtualMachine(ref: "${VM2}") { node { name } migrated } }`);
    assert.deepEqual(moved.data.virtualMachine, { node: { name: 'hv3' }, migrated: false });
    await expectMessage(
      post('/api/v1/vm/beta/migrate', { node: 'hv3' }),
      510,
      "ERROR: VM 'beta' is already running on node 'hv3'.",
    );
    await expectMessage(
      post('/api/v1/vm/nosuch/unmigrate'),
      510,
      "ERROR: Could not find VM 'nosuch' in the cluster!",
    );

    const uuid = '22222222-0000-4000-8000-000000000003';
    await expectMessage(
      post('/api/v1/vm/ignored/define', { xml: domainXml('gamma', uuid), selector: 'bogus' }),
      200,
      `Added new VM with Name 'gamma' and UUID '${uuid}' to database.`,
    );
    const defined = await server.graphql(`{ virtualMachine(ref: "${uuid}") { stateName node { name } } }`);
    assert.equal(defined.data.virtualMachine.stateName, 'stop');
    assert.ok(['hv1', 'hv2', 'hv3'].includes(defined.data.virtualMachine.node.name));
    await expectMessage(
      post('/api/v1/vm/x/define', {
        xml: domainXml('delta', '22222222-0000-4000-8000-000000000004'),
        node: 'hv9',
      }),
      510,
      'Specified node hv9 is invalid.',
    );
    await expectMessage(
      post('/api/v1/vm/x/modify', { xml: domainXml('x', uuid) }),
      510,
      "ERROR: Could not find VM 'x' in the cluster!",
    );
    await expectMessage(
      post('/api/v1/vm/gamma/modify'),
      520,
      'ERROR: A Libvirt XML document must be specified.',
    );
    await expectMessage(post('/api/v1/vm/gamma/undefine'), 200, "Undefined VM 'gamma' from the cluster.");
    assert.equal(
      (await server.graphql(`{ virtualMachine(ref: "${uuid}") { name } }`)).data.virtualMachine,
      null,
    );
    await expectMessage(
      post('/api/v1/vm/gamma/undefine'),
      510,
      "ERROR: Could not find VM 'gamma' in the cluster!",
    );
    await expectMessage(
      post('/api/v1/vm/gamma/remove'),
      510,
      "ERROR: Could not find VM 'gamma' in the cluster!",
    );
  });

  test('networks: duplicates per match, add and modify conflicts, remove by VNI', async () => {
    const listed = JSON.parse((await get('/api/v1/network?limit=1')).body) as { vni: string }[];
    assert.deepEqual(
      listed.map((network) => network.vni),
      ['100', '100'],
    );
    assert.equal(JSON.parse((await get('/api/v1/network/net')).body).length, 1);
    await expectMessage(
      post('/api/v1/network/x/add', { nettype: 'managed' }),
      520,
      'ERROR: A VNI must be specified for the virtual network.',
    );
    await expectMessage(
      post('/api/v1/network/x/add', { vni: '', nettype: 'managed' }),
      510,
      'ERROR: A valid VNI must be specified for the virtual network.',
    );
    await expectMessage(
      post('/api/v1/network/x/add', { vni: '7', nettype: '' }),
      520,
      "ERROR: A valid nettype must be specified: 'managed' or 'bridged'.",
    );
    await expectMessage(
      post('/api/v1/network/x/add', { vni: '100', nettype: 'bridged' }),
      510,
      'ERROR: A network with VNI 100 already exists!',
    );
    await expectMessage(
      post('/api/v1/network/net1/add', { vni: '101', nettype: 'bridged' }),
      510,
      'ERROR: A network with description net1 already exists!',
    );
    await expectMessage(
      post('/api/v1/network/v6/add', { vni: '600', nettype: 'managed', ip6_network: 'fd00:600::/64' }),
      200,
      "Network 'v6' added successfully!",
    );
    const v6 = JSON.parse((await get('/api/v1/network/v6')).body) as {
      ip6: Record<string, string>;
      domain: string;
    }[];
    assert.deepEqual(v6[0]!.ip6, { dhcp_flag: 'True', gateway: 'fd00:600::1', network: 'fd00:600::/64' });
    assert.equal(v6[0]!.domain, 'v6.local');
    await expectMessage(
      post('/api/v1/network/nosuch/modify', { domain: 'a.b' }),
      510,
      "ERROR: Could not find network 'nosuch' in the cluster!",
    );
    await expectMessage(
      post('/api/v1/network/v6/modify', { vni: '100' }),
      510,
      'ERROR: A network with VNI 100 already exists!',
    );
    await expectMessage(
      post('/api/v1/network/v6/modify', { nettype: 'vlan' }),
      520,
      "ERROR: A valid nettype must be specified: 'managed' or 'bridged'.",
    );
    await expectMessage(
      post('/api/v1/network/v6/modify', { vni: '601' }),
      200,
      "Network '601' modified successfully!",
    );
    await expectMessage(post('/api/v1/network/601/remove'), 200, "Network 'v6' removed successfully!");
    await expectMessage(
      post('/api/v1/network/601/remove'),
      510,
      "ERROR: Could not find network '601' in the cluster!",
    );
  });

  test('DHCP: leases by MAC limit, reservations added and removed by host name or address', async () => {
    const leases = JSON.parse((await get('/api/v1/network/net1/dhcp/52:54:00')).body) as {
      mac_address: string;
    }[];
    assert.deepEqual(
      leases.map((lease) => lease.mac_address),
      ['52:54:00:00:00:03'],
    );
    const all = await get('/api/v1/network/100/dhcp');
    assert.ok(all.body.includes('"hostname": "None", \n'));
    assert.ok(all.body.includes('"timestamp": "1562600001"\n'));
    await expectMessage(
      post('/api/v1/network/net1/dhcp/52:54:00:00:00:99/add'),
      520,
      'ERROR: An IP address must be specified for the lease.',
    );
    await expectMessage(
      post('/api/v1/network/nosuch/dhcp/52:54:00:00:00:99/add', { ipaddress: '10.0.0.1' }),
      510,
      "ERROR: Could not find network 'nosuch' in the cluster!",
    );
    await expectMessage(
      post('/api/v1/network/net1/dhcp/52:54:00:00:00:01/add', { ipaddress: '10.100.0.21' }),
      510,
      "ERROR: A reservation with MAC '52:54:00:00:00:01' already exists!",
    );
    await expectMessage(
      post('/api/v1/network/net1/dhcp/alpha/remove'),
      200,
      "DHCP reservation '52:54:00:00:00:01' removed successfully!",
    );
    await expectMessage(
      post('/api/v1/network/net1/dhcp/10.100.0.12/remove'),
      200,
      "DHCP reservation '52:54:00:00:00:02' removed successfully!",
    );
    await expectMessage(
      post('/api/v1/network/net1/dhcp/alpha/remove'),
      510,
      "ERROR: No DHCP reservation exists matching 'alpha'!",
    );
    const left = await server.graphql('{ network(vni: "100") { dhcpReservations { totalCount } } }');
    assert.equal(left.data.network.dhcpReservations.totalCount, 0);
  });

  test('ACLs: one description in both chains; add conflicts; remove from both', async () => {
    const one = JSON.parse((await get('/api/v1/network/net1/acl/ssh')).body);
    assert.deepEqual(one, [
      { description: 'allow-ssh', direction: 'in' },
      { description: 'allow-ssh', direction: 'out' },
    ]);
    const out = JSON.parse((await get('/api/v1/network/net1/acl?direction=out&limit=-all')).body);
    assert.deepEqual(out, [{ description: 'allow-all', direction: 'out' }]);
    await expectMessage(
      post('/api/v1/network/net1/acl/allow-ssh/add', { direction: 'in', rule: 'accept' }),
      510,
      "ERROR: A rule with description 'allow-ssh' already exists!",
    );
    await expectMessage(
      post('/api/v1/network/net1/acl/new/add', { direction: 'in' }),
      510,
      'ERROR: A valid NFT rule line must be specified for the ACL.',
    );
    await expectMessage(
      post('/api/v1/network/net1/acl/new/add', { direction: 'out', rule: 'drop', order: '99' }),
      200,
      "Firewall rule 'new' added successfully!",
    );
    await expectMessage(
      post('/api/v1/network/net1/acl/allow-ssh/remove', { direction: 'up' }),
      510,
      "ERROR: Direction must be either 'in' or 'out'.",
    );
    await expectMessage(
      post('/api/v1/network/net1/acl/allow-ssh/remove'),
      200,
      "Firewall rule 'allow-ssh' removed successfully!",
    );
    const chains = await server.graphql('{ network(vni: "100") { acls { description direction order } } }');
    assert.deepEqual(chains.data.network.acls, [
      { description: 'allow-all', direction: 'OUT', order: 0 },
      { description: 'new', direction: 'OUT', order: 1 },
    ]);
    await expectMessage(
      post('/api/v1/network/net1/acl/allow-ssh/remove'),
      510,
      "ERROR: No firewall rule exists matching description 'allow-ssh'!",
    );
    await expectMessage(
      post('/api/v1/network/nosuch/acl/x/remove'),
      510,
      "ERROR: Could not find network 'nosuch' in the cluster!",
    );
  });

  test('Ceph: status, OSD lifecycle, pools, volumes and snapshots', async () => {
    const status = JSON.parse((await get('/api/v1/ceph')).body) as {
      ceph_status: string;
      primary_node: string;
    };
    assert.equal(status.primary_node, 'hv1');
    assert.match(status.ceph_status, /cluster:/);
    await expectMessage(
      post('/api/v1/ceph/osd/hv2/add', { weight: '1' }),
      510,
      'ERROR: A block device must be specified.',
    );
    await expectMessage(
      post('/api/v1/ceph/osd/hv2/add', { device: '/dev/sdc' }),
      510,
      'ERROR: An OSD weight must be specified.',
    );
    await expectMessage(
      post('/api/v1/ceph/osd/hv9/add', { device: '/dev/sdc', weight: '1' }),
      510,
      "ERROR: No node named 'hv9' is present in the cluster.",
    );
    await expectMessage(
      post('/api/v1/ceph/osd/hv1/add', { device: '/dev/sdb', weight: '1' }),
      510,
      'ERROR: Block device /dev/sdb on node hv1 is used by OSD 0',
    );
    await expectMessage(
      post('/api/v1/ceph/osd/hv2/add', { device: '/dev/sdc', weight: '0.5' }),
      200,
      'Created new OSD with block device /dev/sdc on node hv2.',
    );
    const osds = await server.graphql('{ cephOsds { nodes { id nodeName device weight } } }');
    assert.deepEqual(osds.data.cephOsds.nodes[1], {
      id: '1',
      nodeName: 'hv2',
      device: '/dev/sdc',
      weight: 0.5,
    });
    // A new OSD without statistics is listed with empty stats (the original crashed).
    assert.equal(
      (await get('/api/v1/ceph/osd/1')).body,
      '[\n  {\n    "id": "1", \n    "stats": {}\n  }\n]\n',
    );
    await expectMessage(post('/api/v1/ceph/osd/1/out'), 200, 'Set OSD 1 offline in the cluster.');
    assert.equal((await server.graphql('{ cephOsd(id: "1") { in } }')).data.cephOsd.in, false);
    await expectMessage(post('/api/v1/ceph/osd/1/in'), 200, 'Set OSD 1 online in the cluster.');
    await expectMessage(
      post('/api/v1/ceph/osd/7/in'),
      510,
      "ERROR: No OSD with ID '7' is present in the cluster.",
    );
    await expectMessage(
      post('/api/v1/ceph/osd/7/out'),
      510,
      "ERROR: No OSD with ID '7' is present in the cluster.",
    );
    await expectMessage(
      post('/api/v1/ceph/osd/1/remove', { flag_yes_i_really_mean_it: '' }),
      200,
      'Removed OSD 1 from the cluster.',
    );
    await expectMessage(
      post('/api/v1/ceph/osd/set', { option: 'noscrub' }),
      200,
      'Set OSD property noscrub on the cluster.',
    );
    await expectMessage(
      post('/api/v1/ceph/osd/unset', { option: 'noscrub' }),
      200,
      'Unset OSD property noscrub on the cluster.',
    );
    await expectMessage(post('/api/v1/ceph/osd/unset'), 510, 'ERROR: An OSD option must be specified.');

    await expectMessage(post('/api/v1/ceph/pool/data/add'), 200, 'Created new RBD pool data with 128 PGs.');
    assert.equal((await server.graphql('{ cephPool(name: "data") { pgs } }')).data.cephPool.pgs, 128);
    assert.deepEqual(names((await get('/api/v1/ceph/pool/dat')).body), ['data']);
    await expectMessage(
      post('/api/v1/ceph/pool/data/add'),
      510,
      'ERROR: Failed to create new pool; check node logs for details.',
    );
    await expectMessage(
      post('/api/v1/ceph/pool/nosuch/remove', { flag_yes_i_really_mean_it: '1' }),
      510,
      "ERROR: No pool with name 'nosuch' is present in the cluster.",
    );

    const info = await get('/api/v1/ceph/volume/vms/disk1');
    const volume = JSON.parse(info.body) as { name: string; pool: string; stats: Record<string, unknown> }[];
    assert.equal(volume.length, 1);
    assert.equal(volume[0]!.pool, 'vms');
    assert.equal(volume[0]!.stats.size, '1024M');
    assert.equal((await get('/api/v1/ceph/volume/vms/nosuch')).body, '[]\n');
    assert.equal(
      (await get('/api/v1/ceph/volume/nopool/disk1')).body,
      '"ERROR: No pool with name \\"nopool\\" is present in the cluster."\n',
    );
    assert.deepEqual(
      (JSON.parse((await get('/api/v1/ceph/volume?limit=vms/disk')).body) as { name: string }[]).map(
        (v) => v.name,
      ),
      ['disk1'],
    );
    await expectMessage(
      post('/api/v1/ceph/volume/vms/nosuch/remove'),
      510,
      "ERROR: No volume with name 'nosuch' is present in pool vms.",
    );

    assert.equal(
      (await get('/api/v1/ceph/volume/snapshot/vms/disk1/snap1')).body,
      '[\n  "vms/disk1@snap1"\n]\n',
    );
    assert.equal((await get('/api/v1/ceph/volume/snapshot/vms/disk1/nosnap')).body, '[]\n');
    assert.equal(
      (await get('/api/v1/ceph/volume/snapshot/vms/nosuch/snap1')).body,
      '"ERROR: No volume with name \\"nosuch\\" is present in the cluster."\n',
    );
    assert.equal(
      (await get('/api/v1/ceph/volume/snapshot?pool=nopool')).body,
      '"ERROR: No pool with name \\"nopool\\" is present in the cluster."\n',
    );
    assert.equal(
      (await get('/api/v1/ceph/volume/snapshot?volume=nosuch')).body,
      '"ERROR: No volume with name \\"nosuch\\" is present in the cluster."\n',
    );
    assert.equal((await get('/api/v1/ceph/volume/snapshot?limit=@snap')).body, '[\n  "vms/disk1@snap1"\n]\n');
    await expectMessage(
      post('/api/v1/ceph/volume/snapshot/vms/disk1/nosnap/remove'),
      510,
      "ERROR: No snapshot with name 'nosnap' is present of volume disk1 on pool vms.",
    );
    await expectMessage(
      post('/api/v1/ceph/volume/snapshot/vms/disk1/snap1/add'),
      510,
      'ERROR: Failed to create new snapshot; check node logs for details.',
    );
  });

  test('storage-node failures and timeouts get the legacy messages', async () => {
    try {
      fault = 'BACKEND_FAILED';
      await expectMessage(
        post('/api/v1/ceph/pool/p2/add'),
        510,
        'ERROR: Failed to create new pool; check node logs for details.',
      );
      await expectMessage(
        post('/api/v1/ceph/osd/set', { option: 'noout' }),
        510,
        'ERROR: Failed to set OSD property; check node logs for details.',
      );
      await expectMessage(
        post('/api/v1/ceph/osd/0/out'),
        510,
        'ERROR: Failed to set OSD offline; check node logs for details.',
      );
      await expectMessage(
        post('/api/v1/ceph/volume/vms/disk1/remove'),
        510,
        'ERROR: Failed to remove volume; check node logs for details.',
      );
      await expectMessage(
        post('/api/v1/ceph/volume/snapshot/vms/disk1/snap1/remove'),
        510,
        'ERROR: Failed to remove snapshot; check node logs for details.',
      );
      fault = 'BACKEND_TIMEOUT';
      await expectMessage(
        post('/api/v1/ceph/osd/unset', { option: 'noout' }),
        510,
        'ERROR Command ignored by node.',
      );
      await expectMessage(
        post('/api/v1/ceph/osd/0/remove?flag_yes_i_really_mean_it'),
        510,
        'ERROR Command ignored by node.',
      );
      await expectMessage(
        post('/api/v1/ceph/volume/vms/d2/add', { size: '1M' }),
        510,
        'ERROR: Command ignored by node.',
      );
      await expectMessage(
        post('/api/v1/ceph/osd/hv2/add', { device: '/dev/sdd', weight: '1' }),
        510,
        'ERROR: Command ignored by node.',
      );
      await expectMessage(
        post('/api/v1/ceph/pool/vms/remove', { flag_yes_i_really_mean_it: '' }),
        510,
        'ERROR: Command ignored by node: no answer from the storage node',
      );
      fault = 'BACKEND_UNAVAILABLE';
      const status = await get('/api/v1/ceph');
      assert.equal(status.status, 510);
      assert.equal(status.body, '"ERROR: The cluster backend is unavailable."\n');
      assert.ok(!status.body.includes('stderr text'));
    } finally {
      fault = null;
    }
    const state = await server.graphql(
      '{ cephPools { nodes { name volumes { name snapshots { name } } } } cephOsdFlags }',
    );
    assert.deepEqual(state.data, {
      cephPools: {
        nodes: [
          { name: 'data', volumes: [] },
          { name: 'vms', volumes: [{ name: 'disk1', snapshots: [{ name: 'snap1' }] }] },
        ],
      },
      cephOsdFlags: [],
    });
  });
});
