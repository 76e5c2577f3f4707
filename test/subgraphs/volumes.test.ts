import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { graphql } from 'graphql';
import { parse as parseYaml } from 'yaml';
import { BackendError } from '../../src/errors/index.js';
import { importNodes } from '../../src/drivers/embedded/nodes.import.js';
import { Store } from '../../src/drivers/embedded/store.js';
import { EmbeddedVolumes } from '../../src/drivers/embedded/volumes.js';
import { importVolumes } from '../../src/drivers/embedded/volumes.import.js';
import { SYSTEM, type Principal } from '../../src/identity/index.js';
import { createRequestContext } from '../../src/subgraphs/kit/index.js';
import {
  buildVolumesSubgraph,
  humanSize,
  parseSize,
  type PassphraseProvider,
  type VaultSecretLocation,
  type VolumesSource,
} from '../../src/subgraphs/volumes/index.js';

const alice: Principal = { kind: 'user', id: 'alice', name: 'alice@example.com', admin: false, groups: [] };
const ANONYMOUS: Principal = { kind: 'anonymous' };
const demo = parseYaml(readFileSync(new URL('../../demo/datacenter.yaml', import.meta.url), 'utf8'));

const VMS = ['test1', 'test2', 'web1', 'web2', 'db1', 'mail1', 'desk1', 'desk2', 'desk3', 'desk4'];
const vmUuid = (index: number) => `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`;

function setup(options: { vaultPassphrase?: string | Error } = {}) {
  const store = new Store(':memory:');
  importNodes(store, {
    nodes: [
      { name: 'hv1', coordinatorState: 'primary', address: '10.0.0.11' },
      { name: 'hv2', coordinatorState: 'secondary', address: '10.0.0.12' },
      { name: 'hv3', address: '10.0.0.13' },
    ],
    glusterPeers: [
      { hostname: 'hv1', uuid: '5d1a9ad3-3b5a-4a7e-9a4c-0f3f1f6f8d11', self: true },
      { hostname: 'hv2', uuid: '7c2b0c1e-6b8e-4d2a-8f5e-2a1b3c4d5e6f' },
      { hostname: 'hv3', uuid: '9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b' },
      { hostname: 'hv4', uuid: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d', connected: false },
    ],
  });
  // VMs and their disks as the vms domain stores them (table vm_disks, migration 003).
  VMS.forEach((name, index) => {
    store.db
      .prepare(
        `INSERT INTO vms (uuid, name, state, vcpus, memory_mib, xml, definition) VALUES (?, ?, 'start', 1, 1024, '<domain/>', '{}')`,
      )
      .run(vmUuid(index), name);
    store.db
      .prepare(
        `INSERT INTO vm_disks (vm_uuid, position, type, name, dev, bus) VALUES (?, 0, 'rbd', ?, 'sda', 'scsi')`,
      )
      .run(vmUuid(index), `vms/${name}_disk0`);
  });
  store.db
    .prepare(
      `INSERT INTO vm_disks (vm_uuid, position, type, name, dev, bus) VALUES (?, 1, 'file', '/var/lib/x.img', 'sdb', 'scsi')`,
    )
    .run(vmUuid(0));
  importVolumes(store, demo);
  importVolumes(store, {
    encryptedVolumes: [
      {
        name: 'cluster1',
        addresses: ['10.100.0.60', 'Cluster1.Example.org'],
        node: 'hv2',
        passphrase: 'cluster-secret',
        workers: [{ address: '10.100.0.61' }, { address: '10.100.0.62', nfsMounted: true }],
      },
      {
        name: 'broken1',
        addresses: ['10.100.0.70'],
        state: 'unavailable',
        stderr: 'Device /dev/vdb is not a valid LUKS device.\n',
        passphrase: 'x',
      },
      { name: 'open1', addresses: ['10.100.0.80'], state: 'mounted', passphrase: 'x' },
    ],
  });
  const vaultCalls: VaultSecretLocation[] = [];
  const passphrases: PassphraseProvider = {
    async fetchPassphrase(vault) {
      vaultCalls.push(vault);
      const answer = options.vaultPassphrase ?? 'demo-passphrase';
      if (answer instanceof Error) throw answer;
      return answer;
    },
  };
  let clock = Date.parse('2024-01-01T00:00:00Z');
  const inner = new EmbeddedVolumes(store, { passphrases, rebalanceMillis: 60_000, now: () => clock });
  const calls: string[] = [];
  const counted = new Proxy(inner, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function'
        ? (...args: unknown[]) => (calls.push(String(property)), value.apply(target, args))
        : value;
    },
  }) as VolumesSource;
  const subgraph = buildVolumesSubgraph({ volumes: counted });
  const run = async (
    source: string,
    variableValues?: Record<string, unknown>,
    principal: Principal = SYSTEM,
  ) =>
    graphql({
      schema: subgraph.schema,
      source,
      variableValues,
      contextValue: createRequestContext(principal),
    });
  const advance = (ms: number) => (clock += ms);
  return { store, calls, run, vaultCalls, inner, advance };
}

const data = (result: { data?: unknown; errors?: readonly unknown[] }) => {
  assert.equal(result.errors, undefined, JSON.stringify(result.errors));
  // graphql-js answers with null-prototype objects; compare plain JSON.
  return JSON.parse(JSON.stringify(result.data)) as any;
};
const ext = (result: { errors?: readonly { extensions?: Record<string, unknown> }[] }) => {
  assert.ok(result.errors?.length, 'expected an error');
  return JSON.parse(JSON.stringify(result.errors![0]!.extensions!));
};

describe('volumes rules', () => {
  test('sizes: bytes or one suffix B/K/M/G/T/P; PVC human-readable form', () => {
    assert.equal(parseSize('1073741824'), 1073741824);
    assert.equal(parseSize('2G'), 2 * 1024 ** 3);
    assert.equal(parseSize('512B'), 512);
    assert.equal(parseSize('1P'), 1024 ** 5);
    for (const bad of ['2g', '2GB', '', ' 1G', '1.5G', '0', '2P', '-1', '99999999999999999999']) {
      assert.throws(
        () => parseSize(bad),
        (error: any) => error.extensions.reason === 'INVALID_SIZE',
        bad,
      );
    }
    assert.deepEqual([0, 9999, 10000, 1073741824, 10737418240, 1000204886016].map(humanSize), [
      '0B',
      '9999B',
      '10K',
      '1024M',
      '10G',
      '932G',
    ]);
  });
});

describe('volumes subgraph: Ceph', () => {
  test('cluster status: text, health, primary node; flags make it HEALTH_WARN', async () => {
    const { run } = setup();
    const status = data(
      await run('{ cephStatus { fsid health text primaryNodeName primaryNode { id } osdFlags } }'),
    ).cephStatus;
    assert.equal(status.health, 'HEALTH_OK');
    assert.equal(status.primaryNodeName, 'hv1');
    assert.deepEqual(status.primaryNode, { id: 'hv1' });
    assert.match(
      status.text,
      /^ {2}cluster:\n {4}id: {5}5b2ab1f0-0000-4000-8000-000000000000\n {4}health: HEALTH_OK\n/,
    );
    assert.match(status.text, /mon: 2 daemons, quorum hv1,hv2/);
    assert.match(status.text, /osd: 3 osds: 3 up, 3 in/);
    assert.match(status.text, /pools: {3}1 pools, 128 pgs/);
    assert.match(status.text, /objects: 25\.60k objects, 100 GiB/);
    assert.doesNotMatch(status.text, /\s$/);
    data(await run('mutation { setCephOsdFlag(flag: "noout") }'));
    const warned = data(await run('{ cephStatus { health text osdFlags } }')).cephStatus;
    assert.equal(warned.health, 'HEALTH_WARN');
    assert.deepEqual(warned.osdFlags, ['noout']);
    assert.match(warned.text, /noout flag\(s\) set/);
  });

  test('OSD flags: set, list, unset; unknown flags are BAD_USER_INPUT INVALID_OSD_FLAG', async () => {
    const { run, calls } = setup();
    assert.deepEqual(data(await run('mutation { setCephOsdFlag(flag: "noout") }')).setCephOsdFlag, ['noout']);
    assert.deepEqual(data(await run('mutation { setCephOsdFlag(flag: "nodeep-scrub") }')).setCephOsdFlag, [
      'noout',
      'nodeep-scrub',
    ]);
    assert.deepEqual(data(await run('{ cephOsdFlags }')).cephOsdFlags, ['noout', 'nodeep-scrub']);
    assert.deepEqual(data(await run('mutation { unsetCephOsdFlag(flag: "noout") }')).unsetCephOsdFlag, [
      'nodeep-scrub',
    ]);
    calls.length = 0;
    for (const bad of ['nooutt', '-rf', 'noout;x', '']) {
      const result = await run('mutation($f: String!) { setCephOsdFlag(flag: $f) }', { f: bad });
      assert.equal(ext(result).code, 'BAD_USER_INPUT');
      assert.equal(ext(result).reason, 'INVALID_OSD_FLAG');
    }
    assert.deepEqual(calls, [], 'refused before the backend');
  });

  test('OSDs with statistics; regex filter; one OSD', async () => {
    const { run } = setup();
    const list = data(
      await run(
        '{ cephOsds { totalCount nodes { id nodeName node { id } device weight up in stats { size kb reweight weight up in node state pgs uuid utilization } } } }',
      ),
    ).cephOsds;
    assert.equal(list.totalCount, 3);
    const [osd0] = list.nodes;
    assert.equal(osd0.id, '0');
    assert.equal(osd0.node.id, 'hv1');
    assert.equal(osd0.device, '/dev/sdb');
    assert.equal(osd0.weight, 0.9099);
    assert.equal(osd0.stats.size, '932G');
    assert.equal(osd0.stats.reweight, 1);
    assert.equal(osd0.stats.up, 1);
    assert.equal(osd0.stats.in, 1);
    assert.equal(osd0.stats.state, 'exists,up');
    assert.equal(osd0.stats.pgs, 128);
    assert.equal(osd0.stats.uuid, '3f1c2b9e-7d4a-4e0f-8b6a-1c2d3e4f5a6b');
    const filtered = data(await run('{ cephOsds(filter: { matches: "^1" }) { nodes { id } } }')).cephOsds;
    assert.deepEqual(filtered.nodes, [{ id: '1' }]);
    assert.equal(
      ext(await run('{ cephOsds(filter: { matches: "(" }) { totalCount } }')).reason,
      'INVALID_REGEX',
    );
    assert.deepEqual(data(await run('{ cephOsd(id: "2") { node { id } } }')).cephOsd, {
      node: { id: 'hv3' },
    });
    assert.equal(data(await run('{ cephOsd(id: "x; rm") { id } }')).cephOsd, null);
  });

  test('add OSD: checks in order, then creates it without statistics', async () => {
    const { run } = setup();
    const add = (node: string, device: string, weight = 1) =>
      run(
        'mutation($n: ID!, $d: String!, $w: Float!) { addCephOsd(node: $n, device: $d, weight: $w) { id node { id } device stats { kb } } }',
        {
          n: node,
          d: device,
          w: weight,
        },
      );
    assert.equal(ext(await add('hv1', 'sdc')).reason, 'INVALID_DEVICE');
    assert.equal(ext(await add('hv1', '/dev/../etc/passwd')).reason, 'INVALID_DEVICE');
    assert.equal(ext(await add('hv1', '/dev/sdc', -1)).reason, 'INVALID_WEIGHT');
    const missing = ext(await add('hv9', '/dev/sdc'));
    assert.deepEqual([missing.code, missing.reason, missing.node], ['NOT_FOUND', 'NODE_NOT_FOUND', 'hv9']);
    const used = ext(await add('hv2', '/dev/sdb'));
    assert.deepEqual([used.code, used.reason, used.osd], ['CONFLICT', 'DEVICE_IN_USE', '1']);
    const created = data(await add('hv1', '/dev/sdc', 0.5)).addCephOsd;
    assert.deepEqual(created, { id: '3', node: { id: 'hv1' }, device: '/dev/sdc', stats: null });
  });

  test('remove OSD needs confirmation first; in/out; OSD_NOT_FOUND', async () => {
    const { run } = setup();
    const unconfirmed = ext(await run('mutation { removeCephOsd(id: "9") }'));
    assert.deepEqual([unconfirmed.code, unconfirmed.reason], ['BAD_USER_INPUT', 'CONFIRMATION_REQUIRED']);
    const missing = ext(await run('mutation { removeCephOsd(id: "9", confirm: true) }'));
    assert.deepEqual([missing.code, missing.reason, missing.osd], ['NOT_FOUND', 'OSD_NOT_FOUND', '9']);
    assert.equal(
      ext(await run('mutation { removeCephOsd(id: "abc", confirm: true) }')).reason,
      'OSD_NOT_FOUND',
    );
    assert.equal(data(await run('mutation { removeCephOsd(id: "2", confirm: true) }')).removeCephOsd, '2');
    assert.equal(data(await run('{ cephOsds { totalCount } }')).cephOsds.totalCount, 2);
    assert.deepEqual(
      data(await run('mutation { setCephOsdOut(id: "1") { in stats { in reweight } } }')).setCephOsdOut,
      {
        in: false,
        stats: { in: 0, reweight: 0 },
      },
    );
    assert.equal(data(await run('mutation { setCephOsdIn(id: "1") { in } }')).setCephOsdIn.in, true);
    assert.equal(ext(await run('mutation { setCephOsdIn(id: "7") { in } }')).reason, 'OSD_NOT_FOUND');
  });

  test('pools: stats, add with PGs, remove with confirmation removes volumes and snapshots', async () => {
    const { run, store } = setup();
    const pool = data(
      await run(
        '{ cephPools { nodes { id pgs stats { id sizeBytes sizeFormatted numObjects numObjectCopies readFormatted writeFormatted } volumes { id } } } }',
      ),
    ).cephPools.nodes[0];
    assert.equal(pool.id, 'vms');
    assert.equal(pool.pgs, 128);
    assert.deepEqual(pool.stats, {
      id: 1,
      sizeBytes: 10 * 10 * 1024 ** 3,
      sizeFormatted: '100G',
      numObjects: 25600,
      numObjectCopies: 76800,
      readFormatted: '0B',
      writeFormatted: '0B',
    });
    assert.equal(pool.volumes.length, 10);
    assert.equal(ext(await run('mutation { addCephPool(name: "-bad") { id } }')).reason, 'INVALID_NAME');
    assert.equal(
      ext(await run('mutation { addCephPool(name: "p2", pgs: 0) { id } }')).reason,
      'INVALID_PG_COUNT',
    );
    const exists = ext(await run('mutation { addCephPool(name: "vms") { id } }'));
    assert.deepEqual([exists.code, exists.reason], ['CONFLICT', 'ALREADY_EXISTS']);
    assert.deepEqual(
      data(await run('mutation { addCephPool(name: "p2", pgs: 64) { id pgs stats { id } } }')).addCephPool,
      {
        id: 'p2',
        pgs: 64,
        stats: { id: 2 },
      },
    );
    assert.equal(data(await run('mutation { addCephPool(name: "p3") { pgs } }')).addCephPool.pgs, 128);
    assert.deepEqual(
      data(await run('{ cephPools(filter: { matches: "^p" }) { nodes { id } } }')).cephPools.nodes,
      [{ id: 'p2' }, { id: 'p3' }],
    );
    assert.equal(ext(await run('mutation { removeCephPool(name: "vms") }')).reason, 'CONFIRMATION_REQUIRED');
    assert.equal(
      ext(await run('mutation { removeCephPool(name: "nope", confirm: true) }')).reason,
      'POOL_NOT_FOUND',
    );
    assert.equal(
      data(await run('mutation { removeCephPool(name: "vms", confirm: true) }')).removeCephPool,
      'vms',
    );
    assert.equal((store.db.prepare('SELECT COUNT(*) AS n FROM rbd_volumes').get() as any).n, 0);
    assert.equal((store.db.prepare('SELECT COUNT(*) AS n FROM rbd_snapshots').get() as any).n, 0);
  });

  test('RBD volumes: list by pool and regex, one volume, add with sizes, remove', async () => {
    const { run } = setup();
    const all = data(
      await run(
        '{ rbdVolumes(filter: { pool: "vms", matches: "^vms/desk" }) { totalCount nodes { id name poolName sizeBytes sizeFormatted stats pool { id } } } }',
      ),
    ).rbdVolumes;
    assert.equal(all.totalCount, 4);
    const [desk1] = all.nodes;
    assert.equal(desk1.id, 'vms/desk1_disk0');
    assert.equal(desk1.sizeBytes, 10737418240);
    assert.equal(desk1.sizeFormatted, '10G');
    assert.equal(desk1.stats.size, 10737418240);
    assert.equal(desk1.stats.object_size, 4194304);
    assert.equal(desk1.stats.create_timestamp, 'Mon Jul  8 11:00:00 2019');
    assert.deepEqual(desk1.pool, { id: 'vms' });
    const noPool = ext(await run('{ rbdVolumes(filter: { pool: "nopool" }) { totalCount } }'));
    assert.deepEqual([noPool.code, noPool.reason, noPool.pool], ['NOT_FOUND', 'POOL_NOT_FOUND', 'nopool']);
    assert.deepEqual(data(await run('{ rbdVolume(pool: "vms", name: "test1_disk0") { id } }')).rbdVolume, {
      id: 'vms/test1_disk0',
    });
    assert.equal(data(await run('{ rbdVolume(pool: "vms", name: "nothere") { id } }')).rbdVolume, null);
    assert.equal(ext(await run('{ rbdVolume(pool: "nopool", name: "x") { id } }')).reason, 'POOL_NOT_FOUND');

    const add = (name: string, size: string, pool = 'vms') =>
      run(
        'mutation($p: String!, $n: String!, $s: String!) { addRbdVolume(pool: $p, name: $n, size: $s) { id sizeBytes } }',
        { p: pool, n: name, s: size },
      );
    assert.deepEqual(data(await add('v1', '1073741824')).addRbdVolume, {
      id: 'vms/v1',
      sizeBytes: 1073741824,
    });
    assert.deepEqual(data(await add('v2', '2G')).addRbdVolume, { id: 'vms/v2', sizeBytes: 2147483648 });
    assert.equal(ext(await add('v3', '2g')).reason, 'INVALID_SIZE');
    assert.equal(ext(await add('v3', '9999999P')).reason, 'INVALID_SIZE');
    assert.equal(ext(await add('v3', '1G', 'nopool')).reason, 'POOL_NOT_FOUND');
    assert.equal(ext(await add('a/b', '1G')).reason, 'INVALID_NAME');
    assert.equal(ext(await add('-x', '1G')).reason, 'INVALID_NAME');
    assert.equal(ext(await add('v1', '1G')).reason, 'ALREADY_EXISTS');

    const removeTest1 = ext(await run('mutation { removeRbdVolume(pool: "vms", name: "test1_disk0") }'));
    assert.deepEqual([removeTest1.code, removeTest1.reason], ['CONFLICT', 'VOLUME_HAS_SNAPSHOTS']);
    assert.equal(
      data(await run('mutation { removeRbdVolume(pool: "vms", name: "v1") }')).removeRbdVolume,
      'vms/v1',
    );
    const gone = ext(await run('mutation { removeRbdVolume(pool: "vms", name: "v1") }'));
    assert.deepEqual([gone.reason, gone.volume, gone.pool], ['VOLUME_NOT_FOUND', 'v1', 'vms']);
  });

  test('snapshots: list by volume name across pools, filters, one snapshot, add and remove', async () => {
    const { run } = setup();
    data(await run('mutation { addCephPool(name: "backup") { id } }'));
    data(await run('mutation { addRbdVolume(pool: "backup", name: "test1_disk0", size: "1G") { id } }'));
    const added = data(
      await run(
        'mutation { addRbdSnapshot(pool: "backup", volume: "test1_disk0", name: "s1") { id name poolName volumeName volume { id } } }',
      ),
    ).addRbdSnapshot;
    assert.deepEqual(added, {
      id: 'backup/test1_disk0@s1',
      name: 's1',
      poolName: 'backup',
      volumeName: 'test1_disk0',
      volume: { id: 'backup/test1_disk0' },
    });
    const ids = async (filter: string) =>
      data(await run(`{ rbdSnapshots(filter: ${filter}) { nodes { id } } }`)).rbdSnapshots.nodes.map(
        (n: any) => n.id,
      );
    assert.deepEqual(await ids('{ volume: "test1_disk0" }'), [
      'backup/test1_disk0@s1',
      'vms/test1_disk0@snap1',
    ]);
    assert.deepEqual(await ids('{ pool: "vms", volume: "test1_disk0" }'), ['vms/test1_disk0@snap1']);
    assert.deepEqual(await ids('{ pool: "vms" }'), ['vms/test1_disk0@snap1']);
    assert.deepEqual(await ids('{ matches: "@s1$" }'), ['backup/test1_disk0@s1']);
    assert.equal(
      ext(await run('{ rbdSnapshots(filter: { pool: "nopool" }) { totalCount } }')).reason,
      'POOL_NOT_FOUND',
    );
    const noVolume = ext(await run('{ rbdSnapshots(filter: { volume: "v9" }) { totalCount } }'));
    assert.deepEqual(
      [noVolume.code, noVolume.reason, noVolume.volume],
      ['NOT_FOUND', 'VOLUME_NOT_FOUND', 'v9'],
    );
    assert.equal(
      ext(await run('{ rbdSnapshots(filter: { pool: "backup", volume: "web1_disk0" }) { totalCount } }'))
        .reason,
      'VOLUME_NOT_FOUND',
    );
    assert.deepEqual(
      data(await run('{ rbdSnapshot(pool: "vms", volume: "test1_disk0", name: "snap1") { id createdAt } }'))
        .rbdSnapshot,
      {
        id: 'vms/test1_disk0@snap1',
        createdAt: '2019-07-09T08:00:00.000Z',
      },
    );
    assert.equal(
      data(await run('{ rbdSnapshot(pool: "vms", volume: "test1_disk0", name: "nope") { id } }')).rbdSnapshot,
      null,
    );
    assert.equal(
      ext(await run('{ rbdSnapshot(pool: "vms", volume: "nope", name: "x") { id } }')).reason,
      'VOLUME_NOT_FOUND',
    );
    assert.equal(
      ext(await run('mutation { addRbdSnapshot(pool: "vms", volume: "test1_disk0", name: "snap1") { id } }'))
        .reason,
      'ALREADY_EXISTS',
    );
    assert.equal(
      ext(await run('mutation { addRbdSnapshot(pool: "vms", volume: "test1_disk0", name: "a@b") { id } }'))
        .reason,
      'INVALID_NAME',
    );
    assert.equal(
      ext(await run('mutation { addRbdSnapshot(pool: "vms", volume: "nope", name: "s") { id } }')).reason,
      'VOLUME_NOT_FOUND',
    );
    const missing = ext(
      await run('mutation { removeRbdSnapshot(pool: "vms", volume: "test1_disk0", name: "s9") }'),
    );
    assert.deepEqual([missing.reason, missing.snapshot], ['SNAPSHOT_NOT_FOUND', 's9']);
    assert.equal(
      data(await run('mutation { removeRbdSnapshot(pool: "vms", volume: "test1_disk0", name: "snap1") }'))
        .removeRbdSnapshot,
      'vms/test1_disk0@snap1',
    );
    assert.deepEqual(
      data(await run('{ rbdVolume(pool: "vms", name: "test1_disk0") { snapshots { id } } }')).rbdVolume
        .snapshots,
      [],
    );
  });

  test('VirtualMachine.volumes and ClusterNode fields resolve in one source call per level', async () => {
    const { run, calls } = setup();
    const representations = VMS.map((_, index) => ({ __typename: 'VirtualMachine', id: vmUuid(index) }));
    const result = data(
      await run(
        'query($r: [_Any!]!) { _entities(representations: $r) { ... on VirtualMachine { volumes { id pool { id } snapshots { id } } } } }',
        {
          r: representations,
        },
      ),
    );
    assert.equal(result._entities.length, 10);
    assert.deepEqual(
      result._entities[0].volumes.map((v: any) => v.id),
      ['vms/test1_disk0'],
    );
    assert.deepEqual(result._entities[0].volumes[0].snapshots, [{ id: 'vms/test1_disk0@snap1' }]);
    assert.deepEqual(
      result._entities[9].volumes.map((v: any) => v.id),
      ['vms/desk4_disk0'],
    );
    assert.deepEqual(calls.sort(), ['getCephPools', 'listRbdSnapshots', 'rbdVolumesOfVms']);

    calls.length = 0;
    const nodes = data(
      await run(
        '{ _entities(representations: [{ __typename: "ClusterNode", id: "hv1" }, { __typename: "ClusterNode", id: "hv2" }, { __typename: "ClusterNode", id: "hv3" }]) { ... on ClusterNode { osds { id } bricks { name volume { id } } encryptedVolumes { id } } } }',
      ),
    );
    assert.deepEqual(
      nodes._entities.map((n: any) => n.osds.map((o: any) => o.id)),
      [['0'], ['1'], ['2']],
    );
    assert.deepEqual(nodes._entities[1].bricks, [{ name: 'hv2:/bricks/gv1', volume: { id: 'gv1' } }]);
    assert.deepEqual(
      nodes._entities.map((n: any) => n.encryptedVolumes.map((e: any) => e.id)),
      [[], ['cluster1'], []],
    );
    assert.deepEqual(calls.sort(), [
      'cephOsdsOnNodes',
      'encryptedVolumesOnNodes',
      'getGlusterVolumes',
      'glusterBricksOnNodes',
    ]);
  });

  test('entity references resolve in batches and return null for unknown keys', async () => {
    const { run, calls } = setup();
    const result = data(
      await run(`{ _entities(representations: [
        { __typename: "CephOsd", id: "0" }, { __typename: "CephOsd", id: "1" }, { __typename: "CephPool", id: "vms" },
        { __typename: "RbdVolume", id: "vms/web1_disk0" }, { __typename: "RbdVolume", id: "vms/web2_disk0" }, { __typename: "RbdVolume", id: "nope" },
        { __typename: "RbdSnapshot", id: "vms/test1_disk0@snap1" }, { __typename: "GlusterVolume", id: "gv1" },
        { __typename: "EncryptedVolume", id: "secure1" }, { __typename: "EncryptedVolume", id: "nope" }]) {
        ... on CephOsd { device } ... on CephPool { pgs } ... on RbdVolume { sizeBytes } ... on RbdSnapshot { name }
        ... on GlusterVolume { replicaCount } ... on EncryptedVolume { addresses } } }`),
    );
    assert.deepEqual(result._entities, [
      { device: '/dev/sdb' },
      { device: '/dev/sdb' },
      { pgs: 128 },
      { sizeBytes: 10737418240 },
      { sizeBytes: 10737418240 },
      null,
      { name: 'snap1' },
      { replicaCount: 3 },
      { addresses: ['10.100.0.50', 'secure1.example.org'] },
      null,
    ]);
    assert.deepEqual(calls.sort(), [
      'getCephOsds',
      'getCephPools',
      'getEncryptedVolumes',
      'getGlusterVolumes',
      'getRbdVolumes',
      'listRbdSnapshots',
    ]);
  });
});

describe('volumes subgraph: Gluster', () => {
  const GV = `name uuid status type brickCount distributeCount stripeCount replicaCount arbiterCount disperseCount redundancyCount transport
    bricks { name host path peerUuid node { id } } options { name value }`;

  test('volume info: counts, bricks in order with peer UUIDs, reconfigured options in order', async () => {
    const { run } = setup();
    const list = data(await run(`{ glusterVolumes { totalCount nodes { ${GV} } } }`)).glusterVolumes;
    assert.equal(list.totalCount, 1);
    const gv1 = list.nodes[0];
    assert.equal(gv1.uuid, '0b9e6f6c-3c2d-4d4a-9a1e-5f6e7d8c9b0a');
    assert.deepEqual(
      [
        gv1.status,
        gv1.type,
        gv1.brickCount,
        gv1.distributeCount,
        gv1.replicaCount,
        gv1.stripeCount,
        gv1.transport,
      ],
      ['STARTED', 'REPLICATE', 3, 1, 3, 1, 'TCP'],
    );
    assert.deepEqual(gv1.bricks[0], {
      name: 'hv1:/bricks/gv1',
      host: 'hv1',
      path: '/bricks/gv1',
      peerUuid: '5d1a9ad3-3b5a-4a7e-9a4c-0f3f1f6f8d11',
      node: { id: 'hv1' },
    });
    assert.deepEqual(
      gv1.bricks.map((b: any) => b.host),
      ['hv1', 'hv2', 'hv3'],
    );
    assert.deepEqual(gv1.options[0], { name: 'cluster.granular-entry-heal', value: 'on' });
    assert.equal(gv1.options.length, 5);
  });

  test('an unknown volume fails as the CLI does: COMMAND_FAILED, exit status and error text', async () => {
    const { run } = setup();
    const failure = ext(await run('{ glusterVolume(name: "gv9") { name } }'));
    assert.equal(failure.code, 'BACKEND_FAILED');
    assert.equal(failure.reason, 'COMMAND_FAILED');
    assert.equal(failure.condition, 'VOLUME_NOT_FOUND');
    assert.equal(failure.exitCode, 1);
    assert.equal(failure.commandError, 'Volume gv9 does not exist');
    const start = ext(await run('mutation { startGlusterVolume(name: "gv9") { output } }'));
    assert.equal(start.commandError, 'volume start: gv9: failed: Volume gv9 does not exist');
    assert.equal(
      ext(await run('mutation { startGlusterVolume(name: "-x y") { output } }')).condition,
      'VOLUME_NOT_FOUND',
    );
  });

  test('brick status of a started volume; a stopped volume has none', async () => {
    const { run } = setup();
    const bricks = data(
      await run(
        '{ glusterVolume(name: "gv1") { bricks { name status { online pid ports { tcp rdma } fsName sizeTotal } } } }',
      ),
    ).glusterVolume.bricks;
    assert.equal(bricks.length, 3);
    assert.equal(bricks[0].status.online, true);
    assert.match(bricks[0].status.pid, /^\d+$/);
    assert.deepEqual(bricks[0].status.ports, { tcp: '49152', rdma: 'N/A' });
    data(await run('mutation { stopGlusterVolume(name: "gv1") { output } }'));
    const stopped = await run('{ glusterVolume(name: "gv1") { bricks { status { online } } } }');
    assert.equal(ext(stopped).condition, 'NOT_STARTED');
    assert.equal(ext(stopped).commandError, 'Volume gv1 is not started');
  });

  test('option values: defaults, one option, unknown option', async () => {
    const { run } = setup();
    const all = data(await run('{ glusterVolume(name: "gv1") { optionValues { name value } } }'))
      .glusterVolume.optionValues;
    const get = (name: string) => all.find((o: any) => o.name === name)?.value;
    assert.equal(get('performance.readdir-ahead'), 'on');
    assert.equal(get('performance.client-io-threads'), 'off', 'reconfigured value wins');
    assert.equal(get('network.ping-timeout'), '42');
    assert.ok(all.length >= 40);
    assert.deepEqual(
      data(await run('{ glusterVolume(name: "gv1") { optionValues(name: "nfs.disable") { name value } } }'))
        .glusterVolume.optionValues,
      [{ name: 'nfs.disable', value: 'on' }],
    );
    const unknown = ext(
      await run('{ glusterVolume(name: "gv1") { optionValues(name: "no.such") { name } } }'),
    );
    assert.deepEqual(
      [unknown.code, unknown.reason, unknown.option],
      ['BAD_USER_INPUT', 'UNKNOWN_OPTION', 'no.such'],
    );
  });

  test('create: validation, glusterd checks and texts, derived type and counts', async () => {
    const { run, calls } = setup();
    const create = (name: string, input: Record<string, unknown>) =>
      run(
        'mutation($n: String!, $i: GlusterVolumeCreateInput!) { createGlusterVolume(name: $n, input: $i) { output } }',
        { n: name, i: input },
      );
    calls.length = 0;
    assert.equal(ext(await create('-gv', { bricks: ['hv1:/b/x'] })).reason, 'INVALID_NAME');
    assert.equal(ext(await create('g'.repeat(65), { bricks: ['hv1:/b/x'] })).reason, 'INVALID_NAME');
    assert.equal(ext(await create('gv2', { bricks: ['hv1/b'] })).reason, 'INVALID_BRICK');
    assert.equal(ext(await create('gv2', { bricks: ['hv1:b'] })).reason, 'INVALID_BRICK');
    assert.equal(ext(await create('gv2', { bricks: ['hv1:/b/../etc'] })).reason, 'INVALID_BRICK');
    assert.equal(ext(await create('gv2', { bricks: ['-hv1:/b'] })).reason, 'INVALID_BRICK');
    assert.equal(ext(await create('gv2', { bricks: [] })).reason, 'INVALID_BRICK');
    const notMultiple = ext(await create('gv2', { bricks: ['hv1:/b/1', 'hv2:/b/1'], replica: 3 }));
    assert.equal(
      notMultiple.commandError,
      'volume create: gv2: failed: number of bricks is not a multiple of replica count',
    );
    assert.equal(notMultiple.condition, 'INVALID_VOLUME_LAYOUT');
    assert.equal(
      ext(await create('gv2', { bricks: ['hv1:/b/1', 'hv2:/b/1', 'hv3:/b/1'], replica: 2, arbiter: 1 }))
        .condition,
      'INVALID_VOLUME_LAYOUT',
    );
    assert.equal(ext(await create('gv2', { bricks: ['hv1:/b/1', 'hv1:/b/1'] })).condition, 'DUPLICATE_BRICK');
    assert.equal(
      ext(await create('gv2', { bricks: ['hv1:/b/1', 'hv1:/b/2'], replica: 2 })).condition,
      'BRICKS_ON_SAME_SERVER',
    );
    assert.deepEqual(calls, [], 'syntax and layout checked before the backend');
    assert.equal(
      ext(await create('gv2', { bricks: ['hv1:/b/1', 'hv4:/b/1'] })).condition,
      'HOST_NOT_IN_POOL',
    );
    assert.equal(
      ext(await create('gv2', { bricks: ['hv9:/b/1'] })).commandError,
      "volume create: gv2: failed: Host hv9 is not in 'Peer in Cluster' state",
    );
    const inUse = ext(await create('gv2', { bricks: ['hv1:/bricks/gv1/sub'] }));
    assert.equal(inUse.condition, 'BRICK_IN_USE');
    const exists = ext(await create('gv1', { bricks: ['hv1:/b/1'] }));
    assert.deepEqual(
      [exists.code, exists.reason, exists.commandError],
      ['CONFLICT', 'ALREADY_EXISTS', 'volume create: gv1: failed: Volume gv1 already exists'],
    );

    assert.deepEqual(
      data(await create('gv2', { bricks: ['hv1:/b/1', 'hv1:/b/2'], replica: 2, force: true }))
        .createGlusterVolume,
      { output: null },
    );
    assert.deepEqual(
      data(
        await create('dist', {
          bricks: ['hv1:/d/1', 'hv2:/d/1', 'hv3:/d/1', 'hv1:/d/2', 'hv2:/d/2', 'hv3:/d/2'],
          replica: 3,
        }),
      ).createGlusterVolume,
      { output: null },
    );
    assert.deepEqual(
      data(
        await create('ec', {
          bricks: ['hv1:/e/1', 'hv2:/e/1', 'hv3:/e/1'],
          disperse: 3,
          transport: 'TCP_RDMA',
        }),
      ).createGlusterVolume,
      { output: null },
    );
    assert.deepEqual(
      data(await create('arb', { bricks: ['hv1:/a/1', 'hv2:/a/1', 'hv3:/a/1'], replica: 3, arbiter: 1 }))
        .createGlusterVolume,
      { output: null },
    );
    const volumes = data(
      await run(
        `{ glusterVolumes { nodes { name status type distributeCount replicaCount arbiterCount disperseCount redundancyCount transport options { name } } } }`,
      ),
    ).glusterVolumes.nodes;
    const byName = Object.fromEntries(volumes.map((v: any) => [v.name, v]));
    assert.deepEqual(
      [byName.dist.type, byName.dist.distributeCount, byName.dist.status],
      ['DISTRIBUTED_REPLICATE', 2, 'CREATED'],
    );
    assert.deepEqual(
      [byName.ec.type, byName.ec.disperseCount, byName.ec.redundancyCount, byName.ec.transport],
      ['DISPERSE', 3, 1, 'TCP_RDMA'],
    );
    assert.deepEqual([byName.arb.type, byName.arb.arbiterCount], ['REPLICATE', 1]);
    assert.ok(byName.dist.options.some((o: any) => o.name === 'transport.address-family'));
  });

  test('start, stop, delete with glusterd failures and force', async () => {
    const { run } = setup();
    const started = ext(await run('mutation { startGlusterVolume(name: "gv1") { output } }'));
    assert.deepEqual(
      [started.condition, started.commandError],
      ['ALREADY_STARTED', 'volume start: gv1: failed: Volume gv1 already started'],
    );
    assert.deepEqual(
      data(await run('mutation { startGlusterVolume(name: "gv1", force: true) { output } }'))
        .startGlusterVolume,
      { output: null },
    );
    const deleteStarted = ext(await run('mutation { deleteGlusterVolume(name: "gv1") { output } }'));
    assert.equal(deleteStarted.code, 'BACKEND_FAILED');
    assert.equal(deleteStarted.exitCode, 1);
    assert.equal(
      deleteStarted.commandError,
      'volume delete: gv1: failed: Volume gv1 has been started.Volume needs to be stopped before deletion.',
    );
    data(await run('mutation { stopGlusterVolume(name: "gv1") { output } }'));
    assert.equal(
      data(await run('{ glusterVolume(name: "gv1") { status } }')).glusterVolume.status,
      'STOPPED',
    );
    const stopAgain = ext(await run('mutation { stopGlusterVolume(name: "gv1") { output } }'));
    assert.equal(stopAgain.commandError, 'volume stop: gv1: failed: Volume gv1 is not in the started state');
    data(await run('mutation { startGlusterVolume(name: "gv1") { output } }'));
    assert.deepEqual(
      data(await run('mutation { deleteGlusterVolume(name: "gv1", force: true) { output } }'))
        .deleteGlusterVolume,
      { output: null },
    );
    assert.equal(data(await run('{ glusterVolumes { totalCount } }')).glusterVolumes.totalCount, 0);
    assert.equal(
      ext(await run('mutation { deleteGlusterVolume(name: "gv1") { output } }')).commandError,
      'volume delete: gv1: failed: Volume gv1 does not exist',
    );
  });

  test('options set (in order, validated) and reset', async () => {
    const { run } = setup();
    const set = (options: unknown) =>
      run(
        'mutation($o: [GlusterOptionInput!]!) { setGlusterVolumeOptions(name: "gv1", options: $o) { output } }',
        { o: options },
      );
    assert.equal(ext(await set([])).reason, 'NO_OPTIONS');
    const unknown = ext(await set([{ name: 'foo.bar', value: 'on' }]));
    assert.deepEqual(
      [unknown.reason, unknown.commandError],
      ['UNKNOWN_OPTION', 'volume set: failed: option : foo.bar does not exist'],
    );
    assert.equal(
      ext(await set([{ name: 'performance.readdir-ahead', value: 'maybe' }])).reason,
      'INVALID_OPTION_VALUE',
    );
    assert.equal(
      ext(await set([{ name: 'network.ping-timeout', value: '1; reboot' }])).reason,
      'INVALID_OPTION_VALUE',
    );
    assert.equal(
      ext(await set([{ name: 'cluster.quorum-type', value: 'sometimes' }])).reason,
      'INVALID_OPTION_VALUE',
    );
    data(
      await set([
        { name: 'performance.readdir-ahead', value: 'off' },
        { name: 'cluster.quorum-type', value: 'auto' },
        { name: 'nfs.disable', value: 'off' },
      ]),
    );
    const options = data(await run('{ glusterVolume(name: "gv1") { options { name value } } }')).glusterVolume
      .options;
    assert.deepEqual(options.slice(-2), [
      { name: 'performance.readdir-ahead', value: 'off' },
      { name: 'cluster.quorum-type', value: 'auto' },
    ]);
    assert.deepEqual(options[3], { name: 'nfs.disable', value: 'off' }, 'an existing option keeps its place');
    const missing = ext(
      await run(
        'mutation { setGlusterVolumeOptions(name: "gv9", options: [{ name: "nfs.disable", value: "on" }]) { output } }',
      ),
    );
    assert.equal(missing.commandError, 'volume set: failed: Volume gv9 does not exist');
    data(
      await run(
        'mutation { resetGlusterVolumeOption(name: "gv1", option: "cluster.quorum-type") { output } }',
      ),
    );
    assert.equal(
      data(
        await run('{ glusterVolume(name: "gv1") { optionValues(name: "cluster.quorum-type") { value } } }'),
      ).glusterVolume.optionValues[0].value,
      'none',
    );
    assert.equal(
      ext(await run('mutation { resetGlusterVolumeOption(name: "gv1", option: "bogus") { output } }')).reason,
      'UNKNOWN_OPTION',
    );
    data(
      await run('mutation { resetGlusterVolumeOption(name: "gv1", option: "all", force: true) { output } }'),
    );
    assert.deepEqual(
      data(await run('{ glusterVolume(name: "gv1") { options { name } } }')).glusterVolume.options,
      [],
    );
  });

  test('rebalance: refused for gv1, then start/status/stop on a distributed volume', async () => {
    const { run, advance } = setup();
    const none = ext(await run('{ glusterVolume(name: "gv1") { rebalance { taskId } } }'));
    assert.deepEqual(
      [none.condition, none.commandError],
      ['REBALANCE_NOT_STARTED', 'volume rebalance: gv1: failed: Rebalance not started for volume gv1.'],
    );
    const notDistributed = ext(await run('mutation { startGlusterRebalance(name: "gv1") { output } }'));
    assert.equal(notDistributed.condition, 'NOT_DISTRIBUTED');
    data(
      await run(
        'mutation { createGlusterVolume(name: "dist", input: { bricks: ["hv1:/d/1", "hv2:/d/1"] }) { output } }',
      ),
    );
    assert.equal(
      ext(await run('mutation { startGlusterRebalance(name: "dist") { output } }')).commandError,
      'volume rebalance: dist: failed: Volume dist needs to be started to perform rebalance',
    );
    data(await run('mutation { startGlusterVolume(name: "dist") { output } }'));
    assert.equal(
      ext(await run('mutation { stopGlusterRebalance(name: "dist") { output } }')).condition,
      'REBALANCE_NOT_STARTED',
    );
    data(
      await run('mutation { startGlusterRebalance(name: "dist", fixLayout: true, force: true) { output } }'),
    );
    const status = data(
      await run(
        '{ glusterVolume(name: "dist") { rebalance { taskId opType nodeCount nodes { nodeName id status } aggregate { status runtime } } } }',
      ),
    ).glusterVolume.rebalance;
    assert.equal(status.opType, 'START_LAYOUT_FIX');
    assert.equal(status.nodeCount, 2);
    assert.deepEqual(
      status.nodes.map((n: any) => n.nodeName),
      ['localhost', 'hv2'],
    );
    assert.equal(status.aggregate.status, 'in progress');
    assert.equal(
      ext(await run('mutation { startGlusterRebalance(name: "dist") { output } }')).condition,
      'REBALANCE_IN_PROGRESS',
    );
    data(await run('mutation { stopGlusterRebalance(name: "dist") { output } }'));
    assert.equal(
      data(await run('{ glusterVolume(name: "dist") { rebalance { aggregate { status } } } }')).glusterVolume
        .rebalance.aggregate.status,
      'stopped',
    );
    data(await run('mutation { startGlusterRebalance(name: "dist", force: true) { output } }'));
    advance(61_000);
    const done = data(
      await run('{ glusterVolume(name: "dist") { rebalance { opType aggregate { status runtime } } } }'),
    ).glusterVolume.rebalance;
    assert.deepEqual(done, { opType: 'START_FORCE', aggregate: { status: 'completed', runtime: '60.00' } });
  });

  test('barrier enable/disable is stored as features.barrier; needs a started volume', async () => {
    const { run } = setup();
    data(await run('mutation { setGlusterVolumeBarrier(name: "gv1", enabled: true) { output } }'));
    assert.equal(
      data(await run('{ glusterVolume(name: "gv1") { optionValues(name: "features.barrier") { value } } }'))
        .glusterVolume.optionValues[0].value,
      'enable',
    );
    data(await run('mutation { setGlusterVolumeBarrier(name: "gv1", enabled: false) { output } }'));
    data(await run('mutation { stopGlusterVolume(name: "gv1") { output } }'));
    assert.equal(
      ext(await run('mutation { setGlusterVolumeBarrier(name: "gv1", enabled: true) { output } }')).condition,
      'NOT_STARTED',
    );
    assert.equal(
      ext(await run('mutation { setGlusterVolumeBarrier(name: "gv9", enabled: true) { output } }'))
        .commandError,
      'volume barrier: failed: Volume gv9 does not exist',
    );
  });
});

describe('volumes subgraph: encrypted volumes', () => {
  const VAULT =
    '{ url: "https://vault.example.org:8200/", token: "s.wrap", secretRoot: "secrets", secretPath: "a/b", secretKey: "luks" }';

  test('target resolution by address (any case, brackets) and state', async () => {
    const { run } = setup();
    const byAddress = async (address: string) =>
      data(
        await run(
          'query($a: String!) { encryptedVolumeByAddress(address: $a) { id status { state output stderr } } }',
          { a: address },
        ),
      ).encryptedVolumeByAddress;
    assert.deepEqual(await byAddress('10.100.0.50'), {
      id: 'secure1',
      status: { state: 'UNMOUNTED', output: '', stderr: '' },
    });
    assert.equal((await byAddress('SECURE1.example.ORG')).id, 'secure1');
    assert.equal((await byAddress('cluster1.example.org')).id, 'cluster1');
    assert.equal(await byAddress('10.9.9.9'), null);
    assert.equal(await byAddress('bad host; x'), null);
    assert.deepEqual((await byAddress('10.100.0.70')).status, {
      state: 'UNAVAILABLE',
      output: '',
      stderr: 'Device /dev/vdb is not a valid LUKS device.\n',
    });
    const list = data(
      await run('{ encryptedVolumes { nodes { id node { id } workers { address nfsState } } } }'),
    ).encryptedVolumes.nodes;
    assert.deepEqual(
      list.map((v: any) => v.id),
      ['broken1', 'cluster1', 'open1', 'secure1'],
    );
    assert.deepEqual(list[1].workers, [
      { address: '10.100.0.61', nfsState: 'UNMOUNTED' },
      { address: '10.100.0.62', nfsState: 'MOUNTED' },
    ]);
  });

  test('open: already mounted returns at once without Vault', async () => {
    const { run, vaultCalls } = setup();
    const result = data(
      await run(`mutation { openEncryptedVolume(id: "open1", vault: ${VAULT}) { state reason } }`),
    ).openEncryptedVolume;
    assert.deepEqual(result, { state: 'MOUNTED', reason: null });
    assert.equal(vaultCalls.length, 0);
  });

  test('open with the Vault passphrase mounts the volume; a wrong one leaves it unmounted', async () => {
    const { run, vaultCalls } = setup();
    const opened = data(
      await run(
        `mutation { openEncryptedVolume(id: "secure1", vault: ${VAULT}) { state output stderr reason } }`,
      ),
    ).openEncryptedVolume;
    assert.deepEqual(opened, { state: 'MOUNTED', output: '', stderr: '', reason: null });
    assert.deepEqual(vaultCalls, [
      {
        url: 'https://vault.example.org:8200',
        token: 's.wrap',
        secretRoot: 'secrets',
        secretPath: 'a/b',
        secretKey: 'luks',
      },
    ]);
    assert.equal(
      data(await run('{ encryptedVolume(id: "secure1") { status { state } } }')).encryptedVolume.status.state,
      'MOUNTED',
    );

    const wrong = setup({ vaultPassphrase: 'not-it' });
    const result = data(
      await wrong.run(`mutation { openEncryptedVolume(id: "secure1", vault: ${VAULT}) { state reason } }`),
    ).openEncryptedVolume;
    assert.deepEqual(result, { state: 'UNMOUNTED', reason: 'WRONG_PASSPHRASE' });
    assert.equal(
      data(await wrong.run('{ encryptedVolume(id: "secure1") { status { state } } }')).encryptedVolume.status
        .state,
      'UNMOUNTED',
    );
  });

  test('open of a cluster mounts its workers afterwards; worker API', async () => {
    const { run } = setup();
    const before = data(
      await run(
        '{ encryptedVolumeWorkerByAddress(address: "10.100.0.61") { address nfsState nfsMounted volume { id } } }',
      ),
    );
    assert.deepEqual(before.encryptedVolumeWorkerByAddress, {
      address: '10.100.0.61',
      nfsState: 'UNMOUNTED',
      nfsMounted: false,
      volume: { id: 'cluster1' },
    });
    // The master is locked: its exports are not there, so the mount fails (state stays unmounted).
    const failed = data(
      await run('mutation { mountEncryptedVolumeWorkerNfs(address: "10.100.0.61") { nfsState } }'),
    );
    assert.equal(failed.mountEncryptedVolumeWorkerNfs.nfsState, 'UNMOUNTED');
    const opened = data(
      await run(
        'mutation { openEncryptedVolumeWithPassphrase(id: "cluster1", passphrase: "cluster-secret") { state } }',
      ),
    );
    assert.equal(opened.openEncryptedVolumeWithPassphrase.state, 'MOUNTED');
    assert.equal(
      data(await run('{ encryptedVolumeWorkerByAddress(address: "10.100.0.61") { nfsState } }'))
        .encryptedVolumeWorkerByAddress.nfsState,
      'MOUNTED',
    );
    assert.equal(
      data(await run('{ encryptedVolumeWorkerByAddress(address: "10.1.1.1") { nfsState } }'))
        .encryptedVolumeWorkerByAddress,
      null,
    );
    assert.equal(
      ext(await run('mutation { mountEncryptedVolumeWorkerNfs(address: "10.1.1.1") { nfsState } }')).reason,
      'WORKER_NOT_FOUND',
    );
  });

  test('open failures: Vault errors pass through, unavailable devices, bad input, unknown volume', async () => {
    const vaultDown = setup({
      vaultPassphrase: new BackendError('BACKEND_FAILED', 'Unable to unwrap vault token.', {
        reason: 'VAULT_UNWRAP_FAILED',
      }),
    });
    const unwrap = ext(
      await vaultDown.run(`mutation { openEncryptedVolume(id: "secure1", vault: ${VAULT}) { state } }`),
    );
    assert.deepEqual([unwrap.code, unwrap.reason], ['BACKEND_FAILED', 'VAULT_UNWRAP_FAILED']);
    const { run, vaultCalls } = setup();
    const broken = data(
      await run(
        'mutation { openEncryptedVolumeWithPassphrase(id: "broken1", passphrase: "x") { state stderr } }',
      ),
    );
    assert.deepEqual(broken.openEncryptedVolumeWithPassphrase, {
      state: 'UNAVAILABLE',
      stderr: 'Device /dev/vdb is not a valid LUKS device.\n',
    });
    assert.equal(
      ext(await run(`mutation { openEncryptedVolume(id: "nope", vault: ${VAULT}) { state } }`)).reason,
      'ENCRYPTED_VOLUME_NOT_FOUND',
    );
    const badUrl = ext(
      await run(
        'mutation { openEncryptedVolume(id: "secure1", vault: { url: "file:///etc/passwd", token: "t", secretRoot: "s", secretPath: "p", secretKey: "k" }) { state } }',
      ),
    );
    assert.deepEqual([badUrl.reason, badUrl.argument], ['INVALID_VAULT_INPUT', 'vault.url']);
    const badPath = ext(
      await run(
        'mutation { openEncryptedVolume(id: "secure1", vault: { url: "https://v", token: "t", secretRoot: "s", secretPath: "../x", secretKey: "k" }) { state } }',
      ),
    );
    assert.deepEqual([badPath.reason, badPath.argument], ['INVALID_VAULT_INPUT', 'vault.secretPath']);
    assert.equal(
      ext(
        await run(
          'mutation { openEncryptedVolumeWithPassphrase(id: "secure1", passphrase: "a\\nb") { state } }',
        ),
      ).reason,
      'INVALID_PASSPHRASE',
    );
    assert.equal(vaultCalls.length, 0);
  });

  test('without a Vault client the embedded driver reports VAULT_UNREACHABLE', async () => {
    const store = new Store(':memory:');
    importVolumes(store, { encryptedVolumes: [{ name: 'v', addresses: ['10.0.0.9'], passphrase: 'p' }] });
    const subgraph = buildVolumesSubgraph({ volumes: new EmbeddedVolumes(store) });
    const result = await graphql({
      schema: subgraph.schema,
      source: `mutation { openEncryptedVolume(id: "v", vault: ${VAULT}) { state } }`,
      contextValue: createRequestContext(SYSTEM),
    });
    assert.deepEqual([ext(result).code, ext(result).reason], ['BACKEND_UNAVAILABLE', 'VAULT_UNREACHABLE']);
  });
});

describe('volumes subgraph: the scoped encrypted-volume principal (LUKSctl)', () => {
  const VAULT =
    '{ url: "https://vault.example.org:8200/", token: "s.wrap", secretRoot: "secrets", secretPath: "a/b", secretKey: "luks" }';
  const scoped = (target: { address?: string; volumeId?: string }): Principal => ({
    kind: 'encryptedVolumeTarget',
    via: 'luksctl',
    address: target.address ?? null,
    volumeId: target.volumeId ?? null,
  });

  test('reads and opens its own volume only', async () => {
    const { run, vaultCalls } = setup();
    const own = scoped({ address: 'SECURE1.example.org' });
    const read = data(
      await run(
        '{ encryptedVolumeByAddress(address: "[secure1.EXAMPLE.org]") { id status { state } } }',
        undefined,
        own,
      ),
    );
    assert.deepEqual(read.encryptedVolumeByAddress, { id: 'secure1', status: { state: 'UNMOUNTED' } });
    // Another instance's volume, by address or id, and any other field of the graph.
    for (const query of [
      '{ encryptedVolumeByAddress(address: "10.100.0.60") { id } }',
      // The same volume under another of its addresses: the scope is the address connected to.
      '{ encryptedVolumeByAddress(address: "10.100.0.50") { id } }',
      '{ encryptedVolume(id: "cluster1") { id } }',
      '{ encryptedVolumeWorkerByAddress(address: "10.100.0.61") { nfsState } }',
    ]) {
      assert.equal(ext(await run(query, undefined, own)).code, 'FORBIDDEN', query);
    }
    for (const query of [
      '{ encryptedVolumes { totalCount } }',
      '{ cephStatus { health } }',
      '{ encryptedVolumeByAddress(address: "secure1.example.org") { workers { address } } }',
      'mutation { openEncryptedVolumeWithPassphrase(id: "secure1", passphrase: "demo-passphrase") { state } }',
    ]) {
      assert.equal(ext(await run(query, undefined, own)).code, 'UNAUTHENTICATED', query);
    }
    assert.equal(
      ext(
        await run(
          `mutation { openEncryptedVolume(id: "cluster1", vault: ${VAULT}) { state } }`,
          undefined,
          own,
        ),
      ).code,
      'FORBIDDEN',
    );
    assert.equal(vaultCalls.length, 0);
    const opened = data(
      await run(`mutation { openEncryptedVolume(id: "secure1", vault: ${VAULT}) { state } }`, undefined, own),
    );
    assert.equal(opened.openEncryptedVolume.state, 'MOUNTED');
    assert.equal(vaultCalls.length, 1);
  });

  test('a principal scoped to a volume id (the default target) or a worker address', async () => {
    const { run } = setup();
    const byId = scoped({ volumeId: 'open1' });
    assert.deepEqual(
      data(await run('{ encryptedVolume(id: "open1") { id status { state } } }', undefined, byId))
        .encryptedVolume,
      { id: 'open1', status: { state: 'MOUNTED' } },
    );
    assert.equal(
      ext(await run('{ encryptedVolume(id: "secure1") { id } }', undefined, byId)).code,
      'FORBIDDEN',
    );
    const worker = scoped({ address: '10.100.0.61' });
    assert.equal(
      data(
        await run(
          '{ encryptedVolumeWorkerByAddress(address: "10.100.0.61") { nfsState } }',
          undefined,
          worker,
        ),
      ).encryptedVolumeWorkerByAddress.nfsState,
      'UNMOUNTED',
    );
    assert.equal(
      data(
        await run(
          'mutation { mountEncryptedVolumeWorkerNfs(address: "10.100.0.61") { nfsState } }',
          undefined,
          worker,
        ),
      ).mountEncryptedVolumeWorkerNfs.nfsState,
      'UNMOUNTED',
    );
    assert.equal(
      ext(
        await run(
          'mutation { mountEncryptedVolumeWorkerNfs(address: "10.100.0.62") { nfsState } }',
          undefined,
          worker,
        ),
      ).code,
      'FORBIDDEN',
    );
    // The worker's volume (another instance's) stays out of reach.
    assert.equal(
      ext(
        await run(
          '{ encryptedVolumeWorkerByAddress(address: "10.100.0.61") { volume { id } } }',
          undefined,
          worker,
        ),
      ).code,
      'UNAUTHENTICATED',
    );
  });
});

describe('volumes subgraph: access, transactions, import', () => {
  test('reads need a principal, mutations an administrator, references authorize', async () => {
    const { run } = setup();
    for (const query of [
      '{ cephStatus { health } }',
      '{ glusterVolumes { totalCount } }',
      '{ encryptedVolumeByAddress(address: "10.100.0.50") { id } }',
    ]) {
      assert.equal(ext(await run(query, undefined, ANONYMOUS)).code, 'UNAUTHENTICATED', query);
    }
    assert.equal(data(await run('{ cephPools { totalCount } }', undefined, alice)).cephPools.totalCount, 1);
    for (const mutation of [
      'mutation { setCephOsdFlag(flag: "noout") }',
      'mutation { addCephPool(name: "x") { id } }',
      'mutation { startGlusterVolume(name: "gv1", force: true) { output } }',
      'mutation { openEncryptedVolumeWithPassphrase(id: "secure1", passphrase: "demo-passphrase") { state } }',
    ]) {
      assert.equal(ext(await run(mutation, undefined, alice)).code, 'FORBIDDEN', mutation);
    }
    const entities = await run(
      '{ _entities(representations: [{ __typename: "RbdVolume", id: "vms/web1_disk0" }]) { ... on RbdVolume { id } } }',
      undefined,
      ANONYMOUS,
    );
    assert.equal(ext(entities).code, 'UNAUTHENTICATED');
  });

  test('a change that fails halfway leaves the store unchanged', async () => {
    const { inner, store, run } = setup();
    // Second brick collides with gv1's brick inside the transaction (bypassing the subgraph's check).
    await assert.rejects(
      inner.createGlusterVolume({
        name: 'gv2',
        type: 'Distribute',
        distributeCount: 2,
        stripeCount: 1,
        replicaCount: 1,
        arbiterCount: 0,
        disperseCount: 0,
        redundancyCount: 0,
        transport: 'tcp',
        force: false,
        bricks: [
          { host: 'hv1', path: '/new', peerUuid: null },
          { host: 'hv2', path: '/bricks/gv1', peerUuid: null },
        ],
      }),
    );
    assert.equal((store.db.prepare(`SELECT COUNT(*) AS n FROM gluster_volumes`).get() as any).n, 1);
    assert.equal(
      (store.db.prepare(`SELECT COUNT(*) AS n FROM gluster_bricks WHERE path = '/new'`).get() as any).n,
      0,
    );
    // An import that fails on its last item loads nothing.
    assert.throws(
      () =>
        importVolumes(store, {
          ceph: {
            pools: [{ name: 'p9', volumes: [{ name: 'ok', size: '1G' }] }],
            osds: [{ id: 7, node: 'hv9', device: '/dev/sdz' }],
          },
        }),
      /ceph\.osds\[0\]\.node: unknown node "hv9"/,
    );
    assert.equal(data(await run('{ cephPool(name: "p9") { id } }')).cephPool, null);
  });

  test('import errors name the path', () => {
    const store = new Store(':memory:');
    importNodes(store, { nodes: [{ name: 'hv1' }] });
    assert.throws(
      () => importVolumes(store, { ceph: { pools: [{ name: 'p', volumes: [{ name: 'v', size: '2g' }] }] } }),
      /ceph\.pools\[0\]\.volumes\[0\]\.size: '2g' is not a valid volume size/,
    );
    assert.throws(
      () =>
        importVolumes(store, {
          glusterVolumes: [{ name: 'g', bricks: ['hv1:/a', 'hv1:/b', 'hv1:/c'], replica: 2 }],
        }),
      /glusterVolumes\[0\]: volume create: g: failed: number of bricks is not a multiple of replica count/,
    );
    assert.throws(
      () =>
        importVolumes(store, {
          glusterVolumes: [{ name: 'g', bricks: ['hv1:/a'], options: { 'x.y': 'on' } }],
        }),
      /glusterVolumes\[0\]\.options\.x\.y: unknown Gluster option/,
    );
    assert.throws(
      () => importVolumes(store, { encryptedVolumes: [{ name: 'e', addresses: ['a'] }] }),
      /exactly one of passphrase and passphraseHash/,
    );
    assert.throws(
      () => importVolumes(store, { ceph: { osds: [{ id: 0, node: 'hv1', device: 'sdb' }] } }),
      /ceph\.osds\[0\]\.device/,
    );
    assert.throws(() => importVolumes(store, { ceph: { bogus: 1 } }), /unknown key/);
  });
});
