/** A small FOSS-Cloud installation for the vm-manager shim tests (embedded store). */
import { stringify } from 'yaml';

export const IDS = {
  alice: 'a9dc21d2-bcb2-4104-9a9e-402b7c70d6d8',
  bob: 'ff53baa9-c025-4d56-a6e3-963db0438830',
  nobody: '0c1d2e3f-4a5b-4c6d-8e7f-901234567890',
  viewer: '1d2e3f4a-5b6c-4d7e-8f90-123456789012',
  dynvm: '5b7e6a3c-0d4e-4f7b-9a61-3c2d1e0f9a88',
  dynPool: '57e3bd10-1934-4b4f-3d4c-6e31473bddab',
  fullPool: '6a1b2c3d-1111-4222-8333-944455566677',
  otherPool: '7b2c3d4e-2222-4333-8444-a55566677788',
  servers: '57501ac5-3a14-41cb-b225-8e787c41505a',
  testMachine: '5750786d-045c-4d3c-85c3-4c169aabcc7b',
  desk1: '7a476dcc-7e27-495b-9dd5-f599b8ecff16',
  desk2: '8b587edd-8f38-4a6c-aee6-0aa0c9fd0027',
  desk3: '9c698fee-9049-4b7d-bff7-1bb1daae1138',
  desk4: 'ad7a90ff-a15a-4c8e-8008-2cc2ebbf2249',
  golden: 'be8ba100-b26b-4d9f-9119-3dd3fcc0335a',
} as const;

const user = (id: string, username: string, realm: string, extra: Record<string, unknown> = {}) => ({
  id,
  username: `${username}@example.com`,
  realm,
  password: 'pw',
  groups: ['default'],
  ...extra,
});

export function fosscloudDatacenter(): string {
  return stringify({
    nodes: [
      { name: 'node-01.example.com', address: 'node-01.example.com', cpuCount: 8 },
      { name: 'node-02', address: '0.0.0.0', cpuCount: 8 },
    ],
    realms: [
      { id: '4000013', name: 'FOSS-Cloud', default: true },
      { id: '4000020', name: 'School AD' },
    ],
    users: [
      user(IDS.alice, 'alice', '4000013', { groups: ['default', 'teachers'] }),
      user(IDS.bob, 'bob', '4000020', { groups: ['default', 'students'] }),
      user(IDS.nobody, 'nobody', '4000013'),
      user(IDS.viewer, 'viewer', '4000013', { rights: { dynamicVmView: 'all', persistentVmView: 'owner' } }),
      user(IDS.dynvm, 'dynvm', '4000013'),
    ],
    networks: [
      {
        vni: 100,
        description: 'net1',
        type: 'managed',
        ip4: { network: '127.0.0.0/8', gateway: '127.0.0.254' },
        // The thin client the tests connect from: a directly connected client with a lease.
        dhcpLeases: [{ mac: '00:11:22:33:44:55', ip: '127.0.0.1', hostname: 'thin1', expires: 4102444800 }],
      },
    ],
    vmSettings: { dynamicVmUser: IDS.dynvm },
    vmPools: [
      {
        id: IDS.dynPool,
        name: 'DynVm-Test',
        type: 'dynamic',
        subtype: 'Desktop',
        os: 'windows',
        members: { groups: ['teachers'], users: [IDS.dynvm] },
      },
      { id: IDS.fullPool, name: 'Full', type: 'dynamic', members: { groups: ['teachers'] } },
      { id: IDS.otherPool, name: 'Other', type: 'dynamic', members: { groups: ['students'] } },
      { id: IDS.servers, name: 'Servers', type: 'persistent' },
    ],
    vms: [
      vm('Test_Machine', IDS.testMachine, 'node-01.example.com', 5901, '12345678', {
        state: 'start',
        type: 'persistent',
        subtype: 'Desktop',
        os: 'windows',
        pool: IDS.servers,
        owner: IDS.alice,
      }),
      vm('desk1', IDS.desk1, 'node-01.example.com', 5943, IDS.desk1, {
        state: 'start',
        type: 'dynamic',
        subtype: 'Desktop',
        os: 'windows',
        pool: IDS.dynPool,
      }),
      vm('desk2', IDS.desk2, 'node-02', 5944, 'pw2', {
        state: 'stop',
        type: 'dynamic',
        subtype: 'Desktop',
        os: 'windows',
        pool: IDS.dynPool,
      }),
      vm('desk3', IDS.desk3, 'node-02', 5945, 'pw3', {
        state: 'start',
        type: 'dynamic',
        subtype: 'Desktop',
        pool: IDS.fullPool,
        users: [IDS.bob],
      }),
      vm('desk4', IDS.desk4, 'node-02', 5946, 'pw4', {
        state: 'start',
        type: 'dynamic',
        subtype: 'Desktop',
        os: 'windows',
        pool: IDS.dynPool,
      }),
      vm('golden', IDS.golden, 'node-02', 5947, 'pw5', {
        state: 'stop',
        type: 'dynamic',
        subtype: 'Golden-Image',
        pool: IDS.otherPool,
      }),
    ],
    vmMacMappings: [{ mac: '00:11:22:33:44:55', vm: 'desk4' }],
  });
}

function vm(
  name: string,
  uuid: string,
  node: string,
  port: number,
  password: string,
  placement: Record<string, unknown>,
) {
  return { name, uuid, memoryMiB: 1024, node, console: { protocol: 'spice', port, password }, ...placement };
}
