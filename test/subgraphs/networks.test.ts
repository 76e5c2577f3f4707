import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { graphql } from 'graphql';
import { parse as parseYaml } from 'yaml';
import { EmbeddedNetworks } from '../../src/drivers/embedded/networks.js';
import { importNetworks } from '../../src/drivers/embedded/networks.import.js';
import { Store } from '../../src/drivers/embedded/store.js';
import { SYSTEM, type Principal } from '../../src/identity/index.js';
import { createRequestContext } from '../../src/subgraphs/kit/index.js';
import { buildNetworksSubgraph, type NetworksSource } from '../../src/subgraphs/networks/index.js';

const DEMO = parseYaml(readFileSync(new URL('../../demo/datacenter.yaml', import.meta.url), 'utf8'));
const alice: Principal = {
  kind: 'user',
  id: 'a9dc21d2-bcb2-4104-9a9e-402b7c70d6d8',
  name: 'alice@example.com',
  admin: false,
  groups: ['teachers'],
};
const anonymous: Principal = { kind: 'anonymous' };

function addVm(store: Store, uuid: string, name: string, bridges: string[]) {
  store.db
    .prepare(
      `INSERT INTO vms (uuid, name, state, vcpus, memory_mib, xml, definition) VALUES (?, ?, 'start', 1, 512, '<domain/>', '{}')`,
    )
    .run(uuid, name);
  bridges.forEach((bridge, position) =>
    store.db
      .prepare(
        `INSERT INTO vm_nics (vm_uuid, position, type, mac, source, model) VALUES (?, ?, 'bridge', ?, ?, 'virtio')`,
      )
      .run(uuid, position, `52:54:00:00:0${position}:${name.length}0`, bridge),
  );
}

function setup(data: unknown = DEMO) {
  const store = new Store(':memory:');
  importNetworks(store, data);
  const calls: string[] = [];
  const inner = new EmbeddedNetworks(store);
  const counted = new Proxy(inner, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function'
        ? (...args: unknown[]) => (calls.push(String(property)), value.apply(target, args))
        : value;
    },
  }) as NetworksSource;
  const subgraph = buildNetworksSubgraph({ networks: counted });
  const run = async (
    source: string,
    variableValues?: Record<string, unknown>,
    principal: Principal = SYSTEM,
  ) =>
    // Plain objects (graphql-js builds null-prototype ones) for deepEqual.
    JSON.parse(
      JSON.stringify(
        await graphql({
          schema: subgraph.schema,
          source,
          variableValues,
          contextValue: createRequestContext(principal),
        }),
      ),
    ) as {
      data?: any;
      errors?: readonly { message: string; extensions: Record<string, unknown> }[];
    };
  const reason = async (source: string, variableValues?: Record<string, unknown>, principal?: Principal) => {
    const result = await run(source, variableValues, principal);
    assert.ok(result.errors, `expected an error from ${source} ${JSON.stringify(variableValues)}`);
    return result.errors[0]!.extensions.reason ?? result.errors[0]!.extensions.code;
  };
  const dump = () =>
    JSON.stringify(
      ['networks', 'network_dhcp_leases', 'network_acls'].map((table) =>
        store.db.prepare(`SELECT * FROM ${table} ORDER BY 1, 2, 3`).all(),
      ),
    );
  return { store, calls, run, reason, dump, source: inner };
}

const ADD = `mutation($input: NetworkAddInput!) { addNetwork(input: $input) {
  id vni description type domain bridge ipv4 { network gateway dhcpEnabled dhcpStart dhcpEnd } ipv6 { network gateway dhcpEnabled } } }`;
const MODIFY = `mutation($network: NetworkLookup!, $changes: NetworkChangesInput!) { modifyNetwork(network: $network, changes: $changes) {
  vni description type domain ipv4 { network gateway dhcpEnabled dhcpStart dhcpEnd } ipv6 { network gateway dhcpEnabled } } }`;
const ADD_RES = `mutation($network: NetworkLookup!, $reservation: DhcpReservationInput!) {
  addDhcpReservation(network: $network, reservation: $reservation) { id macAddress ipAddress hostname isStatic expiresAt } }`;
const REMOVE_RES = `mutation($network: NetworkLookup!, $match: String!) { removeDhcpReservation(network: $network, match: $match) { macAddress hostname } }`;
const ADD_ACL = `mutation($network: NetworkLookup!, $acl: AclAddInput!) { addNetworkAcl(network: $network, acl: $acl) { id direction description rule order } }`;
const REMOVE_ACL = `mutation($network: NetworkLookup!, $description: String!, $direction: String) {
  removeNetworkAcl(network: $network, description: $description, direction: $direction) { direction description } }`;
const ACLS = `query($vni: ID, $direction: String, $matches: String) { network(vni: $vni) { acls(direction: $direction, descriptionMatches: $matches) { direction description order rule } } }`;

const net1 = { description: 'net1' };

describe('networks subgraph', () => {
  test('lists networks by VNI with the demo values, bridge and defaults', async () => {
    const { run } = setup();
    const result = await run(
      '{ networks { totalCount nodes { id vni description type domain bridge matchedOn ipv4 { network gateway dhcpEnabled dhcpStart dhcpEnd } ipv6 { network gateway dhcpEnabled } } } }',
    );
    assert.equal(result.errors, undefined);
    assert.equal(result.data.networks.totalCount, 2);
    assert.deepEqual(result.data.networks.nodes, [
      {
        id: '100',
        vni: 100,
        description: 'net1',
        type: 'MANAGED',
        domain: 'net1.local',
        bridge: 'vmbr100',
        matchedOn: [],
        ipv4: {
          network: '10.100.0.0/24',
          gateway: '10.100.0.1',
          dhcpEnabled: true,
          dhcpStart: '10.100.0.100',
          dhcpEnd: '10.100.0.199',
        },
        ipv6: { network: null, gateway: null, dhcpEnabled: false },
      },
      {
        id: '200',
        vni: 200,
        description: 'storage',
        type: 'BRIDGED',
        domain: 'storage.local',
        bridge: 'vmbr200',
        matchedOn: [],
        ipv4: { network: null, gateway: null, dhcpEnabled: false, dhcpStart: null, dhcpEnd: null },
        ipv6: { network: null, gateway: null, dhcpEnabled: false },
      },
    ]);
  });

  test('filters by VNI or description regex and says which matched; pages; bad regex', async () => {
    const { run, reason } = setup();
    await run(ADD, { input: { description: 'n100x', vni: '300', type: 'bridged' } });
    const both = await run(
      '{ networks(filter: { vniMatches: "^.*1", descriptionMatches: "^.*1" }) { nodes { vni matchedOn } } }',
    );
    assert.deepEqual(both.data.networks.nodes, [
      { vni: 100, matchedOn: ['VNI', 'DESCRIPTION'] },
      { vni: 300, matchedOn: ['DESCRIPTION'] },
    ]);
    const byDescription = await run(
      '{ networks(filter: { descriptionMatches: "^stor" }) { nodes { vni matchedOn } } }',
    );
    assert.deepEqual(byDescription.data.networks.nodes, [{ vni: 200, matchedOn: ['DESCRIPTION'] }]);
    const page = await run('{ networks(first: 2) { nodes { vni } pageInfo { hasNextPage endCursor } } }');
    assert.deepEqual(page.data.networks.nodes, [{ vni: 100 }, { vni: 200 }]);
    const next = await run(
      'query($after: String) { networks(first: 2, after: $after) { nodes { vni } pageInfo { hasNextPage } } }',
      {
        after: page.data.networks.pageInfo.endCursor,
      },
    );
    assert.deepEqual(next.data.networks, { nodes: [{ vni: 300 }], pageInfo: { hasNextPage: false } });
    assert.equal(await reason('{ networks(filter: { vniMatches: "(" }) { totalCount } }'), 'INVALID_REGEX');
  });

  test('looks a network up by VNI or description, exactly', async () => {
    const { run, reason } = setup();
    const byVni = await run('{ network(vni: 100) { description } }');
    assert.deepEqual(byVni.data, { network: { description: 'net1' } });
    const byText = await run('{ network(vni: "200") { description } }');
    assert.deepEqual(byText.data, { network: { description: 'storage' } });
    const byDescription = await run('{ network(description: "storage") { vni } }');
    assert.deepEqual(byDescription.data, { network: { vni: 200 } });
    for (const query of [
      '{ network(vni: "0100") { vni } }',
      '{ network(vni: "abc") { vni } }',
      '{ network(description: "net") { vni } }',
    ]) {
      assert.deepEqual((await run(query)).data, { network: null }, query);
    }
    assert.equal(await reason('{ network { vni } }'), 'NETWORK_IDENTIFIER_REQUIRED');
    assert.equal(
      await reason('{ network(vni: 100, description: "net1") { vni } }'),
      'NETWORK_IDENTIFIER_REQUIRED',
    );
  });

  test('add: every check in the spec order, then defaults', async () => {
    const { run, reason, dump } = setup();
    const before = dump();
    const attempt = (input: Record<string, unknown>) =>
      reason(ADD, { input: { description: 'net2', ...input } });
    // Several faults at once: the first check in order wins.
    assert.equal(await attempt({ dhcp4: true, ip4Network: 'x' }), 'VNI_REQUIRED');
    assert.equal(await attempt({ vni: 'abc', dhcp4: true }), 'INVALID_VNI');
    assert.equal(await attempt({ vni: '0', type: 'managed' }), 'INVALID_VNI');
    assert.equal(await attempt({ vni: '16777216', type: 'managed' }), 'INVALID_VNI');
    assert.equal(await attempt({ vni: '', type: 'managed' }), 'INVALID_VNI');
    assert.equal(await attempt({ vni: 200, dhcp4: true }), 'NETWORK_TYPE_REQUIRED');
    assert.equal(await attempt({ vni: 200, type: 'unmanaged', dhcp4: true }), 'INVALID_NETWORK_TYPE');
    assert.equal(await attempt({ vni: 200, type: 'MANAGED' }), 'INVALID_NETWORK_TYPE');
    assert.equal(
      await attempt({ vni: 200, type: 'managed', dhcp4: true, dhcp4Start: '10.0.0.1' }),
      'DHCP4_RANGE_REQUIRED',
    );
    assert.equal(
      await attempt({ vni: 100, type: 'managed', dhcp4: true, dhcp4End: '10.0.0.9' }),
      'DHCP4_RANGE_REQUIRED',
    );
    assert.equal(
      await attempt({ vni: 100, type: 'managed', dhcp4: true, dhcp4Start: '', dhcp4End: '10.0.0.9' }),
      'DHCP4_RANGE_REQUIRED',
    );
    for (const bad of ['-rf', 'a b', 'a;b', '../x', '', 'x'.repeat(64)]) {
      assert.equal(
        await reason(ADD, { input: { description: bad, vni: 300, type: 'managed' } }),
        'INVALID_DESCRIPTION',
        bad,
      );
    }
    const formats: [string, string, string][] = [
      ['domain', 'bad domain', 'INVALID_DOMAIN'],
      ['ip4Network', '10.0.0.256/24', 'INVALID_IP4_NETWORK'],
      ['ip4Network', '10.0.0.0/33', 'INVALID_IP4_NETWORK'],
      ['ip4Network', '10.0.0.0', 'INVALID_IP4_NETWORK'],
      ['ip4Gateway', '10.0.0', 'INVALID_IP4_GATEWAY'],
      ['ip6Network', 'fd00:100::/129', 'INVALID_IP6_NETWORK'],
      ['ip6Network', 'fd00:zz::/64', 'INVALID_IP6_NETWORK'],
      ['ip6Gateway', 'fe80::1%eth0', 'INVALID_IP6_GATEWAY'],
      ['dhcp4Start', '10.0.0.300', 'INVALID_DHCP4_START'],
      ['dhcp4End', '1.2.3.4.5', 'INVALID_DHCP4_END'],
    ];
    for (const [key, value, expected] of formats) {
      assert.equal(await attempt({ vni: 100, type: 'managed', [key]: value }), expected, `${key}=${value}`);
    }
    assert.equal(await attempt({ vni: 100, type: 'managed' }), 'VNI_EXISTS');
    const duplicate = await run(ADD, { input: { description: 'net1', vni: 101, type: 'managed' } });
    assert.equal(duplicate.errors?.[0]?.extensions.code, 'CONFLICT');
    assert.equal(duplicate.errors?.[0]?.extensions.reason, 'DESCRIPTION_EXISTS');
    assert.equal(duplicate.errors?.[0]?.message, 'A network with description net1 already exists!');
    assert.equal(dump(), before, 'refused adds change nothing');

    const added = await run(ADD, {
      input: {
        description: 'net2',
        vni: '101',
        type: 'managed',
        ip4Network: '10.101.0.0/24',
        ip6Network: 'fd00:101::/64',
      },
    });
    assert.equal(added.errors, undefined);
    assert.deepEqual(added.data.addNetwork, {
      id: '101',
      vni: 101,
      description: 'net2',
      type: 'MANAGED',
      domain: 'net2.local',
      bridge: 'vmbr101',
      ipv4: { network: '10.101.0.0/24', gateway: null, dhcpEnabled: false, dhcpStart: null, dhcpEnd: null },
      ipv6: { network: 'fd00:101::/64', gateway: 'fd00:101::1', dhcpEnabled: true },
    });
    const explicit = await run(ADD, {
      input: {
        description: 'net3',
        vni: 102,
        type: 'bridged',
        domain: 'lab.example',
        ip6Network: 'fd00:102::/64',
        ip6Gateway: 'fd00:102::fe',
        dhcp4: true,
        dhcp4Start: '10.0.0.10',
        dhcp4End: '10.0.0.20',
      },
    });
    assert.equal(explicit.data.addNetwork.domain, 'lab.example');
    assert.deepEqual(explicit.data.addNetwork.ipv6, {
      network: 'fd00:102::/64',
      gateway: 'fd00:102::fe',
      dhcpEnabled: true,
    });
    assert.equal(explicit.data.addNetwork.ipv4.dhcpEnabled, true);
    const stored = await run('{ network(vni: 101) { domain ipv6 { gateway dhcpEnabled } } }');
    assert.deepEqual(stored.data.network, {
      domain: 'net2.local',
      ipv6: { gateway: 'fd00:101::1', dhcpEnabled: true },
    });
  });

  test('modify: only given values change; checks in order; DHCPv4 check on the result; VNI change moves everything', async () => {
    const { run, reason, dump } = setup();
    const before = dump();
    assert.equal(
      await reason(MODIFY, { network: { description: 'nope' }, changes: { type: 'unmanaged' } }),
      'INVALID_NETWORK_TYPE',
    );
    assert.equal(
      await reason(MODIFY, { network: { description: 'nope' }, changes: { vni: 'x' } }),
      'INVALID_VNI',
    );
    assert.equal(
      await reason(MODIFY, { network: { description: 'nope' }, changes: { ip4Gateway: '1.2.3.256' } }),
      'INVALID_IP4_GATEWAY',
    );
    const missing = await run(MODIFY, { network: { vni: '999' }, changes: { domain: 'x.local' } });
    assert.equal(missing.errors?.[0]?.extensions.code, 'NOT_FOUND');
    assert.equal(missing.errors?.[0]?.extensions.reason, 'NETWORK_NOT_FOUND');
    assert.equal(missing.errors?.[0]?.extensions.network, '999');
    assert.equal(await reason(MODIFY, { network: net1, changes: { vni: 200, dhcp4: false } }), 'VNI_EXISTS');
    assert.equal(
      await reason(MODIFY, { network: { vni: 200 }, changes: { dhcp4: true } }),
      'DHCP4_RANGE_REQUIRED',
    );
    assert.equal(
      await reason(MODIFY, { network: { vni: 200 }, changes: { dhcp4: true, dhcp4Start: '10.2.0.1' } }),
      'DHCP4_RANGE_REQUIRED',
    );
    assert.equal(dump(), before, 'refused modifications change nothing');

    const domain = await run(MODIFY, { network: net1, changes: { domain: 'lab.local' } });
    assert.equal(domain.errors, undefined);
    assert.equal(domain.data.modifyNetwork.domain, 'lab.local');
    assert.deepEqual(domain.data.modifyNetwork.ipv4, {
      network: '10.100.0.0/24',
      gateway: '10.100.0.1',
      dhcpEnabled: true,
      dhcpStart: '10.100.0.100',
      dhcpEnd: '10.100.0.199',
    });
    // DHCPv4 already has a range on net1, so enabling it again passes; on storage it needs both ends.
    assert.equal((await run(MODIFY, { network: net1, changes: { dhcp4: true } })).errors, undefined);
    const storage = await run(MODIFY, {
      network: { vni: '200' },
      changes: {
        dhcp4: true,
        dhcp4Start: '10.2.0.10',
        dhcp4End: '10.2.0.20',
        ip6Network: 'fd00:200::/64',
        type: 'managed',
      },
    });
    assert.equal(storage.errors, undefined);
    assert.equal(storage.data.modifyNetwork.type, 'MANAGED');
    assert.deepEqual(storage.data.modifyNetwork.ipv6, {
      network: 'fd00:200::/64',
      gateway: 'fd00:200::1',
      dhcpEnabled: true,
    });
    const regenerated = await run(MODIFY, {
      network: { vni: 200 },
      changes: { ip6Network: 'fd00:201::/64' },
    });
    assert.equal(regenerated.data.modifyNetwork.ipv6.gateway, 'fd00:201::1');
    const disabled = await run(MODIFY, { network: { vni: 200 }, changes: { dhcp4: false } });
    assert.equal(disabled.data.modifyNetwork.ipv4.dhcpEnabled, false);

    const moved = await run(MODIFY, { network: net1, changes: { vni: '150' } });
    assert.equal(moved.errors, undefined);
    assert.equal(moved.data.modifyNetwork.vni, 150);
    const after = await run(
      '{ network(vni: 150) { bridge dhcpReservations { totalCount } dhcpLeases { totalCount } acls { description } } }',
    );
    assert.deepEqual(after.data.network, {
      bridge: 'vmbr150',
      dhcpReservations: { totalCount: 3 },
      dhcpLeases: { totalCount: 3 },
      acls: [{ description: 'allow-ssh' }, { description: 'allow-http' }, { description: 'allow-all' }],
    });
    assert.deepEqual((await run('{ network(vni: 100) { vni } }')).data, { network: null });
  });

  test('remove: by VNI or description, with its leases and rules; not found quotes the identifier', async () => {
    const { run, store } = setup();
    const removed = await run('mutation { removeNetwork(network: { vni: 100 }) { description } }');
    assert.deepEqual(removed.data, { removeNetwork: { description: 'net1' } });
    assert.deepEqual(store.db.prepare('SELECT COUNT(*) AS n FROM network_dhcp_leases').get(), { n: 0 });
    assert.deepEqual(store.db.prepare('SELECT COUNT(*) AS n FROM network_acls').get(), { n: 0 });
    const byDescription = await run(
      'mutation { removeNetwork(network: { description: "storage" }) { vni } }',
    );
    assert.deepEqual(byDescription.data, { removeNetwork: { vni: 200 } });
    const missing = await run('mutation { removeNetwork(network: { description: "net9" }) { vni } }');
    assert.equal(missing.errors?.[0]?.extensions.reason, 'NETWORK_NOT_FOUND');
    assert.equal(missing.errors?.[0]?.extensions.network, 'net9');
    assert.equal(missing.errors?.[0]?.message, "Could not find network 'net9' in the cluster!");
  });

  test('leases and reservations are listed separately, by MAC, with a MAC regex', async () => {
    const { run, reason } = setup();
    const result = await run(`{ network(vni: 100) {
      dhcpLeases { nodes { id macAddress ipAddress hostname isStatic expiresAt } }
      dhcpReservations { nodes { macAddress ipAddress hostname isStatic expiresAt } }
      filtered: dhcpReservations(macMatches: "0[25]$") { nodes { macAddress } }
      page: dhcpLeases(first: 1) { totalCount nodes { hostname } pageInfo { hasNextPage } } } }`);
    assert.equal(result.errors, undefined);
    const network = result.data.network;
    assert.deepEqual(network.dhcpLeases.nodes[0], {
      id: '100/active/52:54:00:00:00:03',
      macAddress: '52:54:00:00:00:03',
      ipAddress: '10.100.0.103',
      hostname: 'web1',
      isStatic: false,
      expiresAt: new Date(1893456000 * 1000).toISOString(),
    });
    assert.deepEqual(
      network.dhcpLeases.nodes.map((lease: any) => lease.hostname),
      ['web1', 'web2', 'desk1'],
    );
    assert.deepEqual(
      network.dhcpReservations.nodes.map((lease: any) => [lease.hostname, lease.isStatic, lease.expiresAt]),
      [
        ['test1', true, null],
        ['test2', true, null],
        ['db1', true, null],
      ],
    );
    assert.deepEqual(network.filtered.nodes, [
      { macAddress: '52:54:00:00:00:02' },
      { macAddress: '52:54:00:00:00:05' },
    ]);
    assert.deepEqual(network.page, {
      totalCount: 3,
      nodes: [{ hostname: 'web1' }],
      pageInfo: { hasNextPage: true },
    });
    assert.equal(
      await reason('{ network(vni: 100) { dhcpLeases(macMatches: "[") { totalCount } } }'),
      'INVALID_REGEX',
    );
  });

  test('add reservation: checks in order, MAC lower-cased, hostname optional', async () => {
    const { run, reason, dump } = setup();
    const before = dump();
    const add = (network: unknown, reservation: unknown) => reason(ADD_RES, { network, reservation });
    assert.equal(await add({ description: 'net9' }, { mac: 'junk' }), 'IP_ADDRESS_REQUIRED');
    const missing = await run(ADD_RES, {
      network: { description: 'net9' },
      reservation: { mac: 'junk', ipAddress: 'junk' },
    });
    assert.equal(missing.errors?.[0]?.extensions.reason, 'NETWORK_NOT_FOUND');
    assert.equal(missing.errors?.[0]?.extensions.network, 'net9');
    for (const mac of ['52-54-00-aa-bb-cc', '52:54:00:aa:bb', '52:54:00:aa:bb:cg', '5:54:00:aa:bb:cc', '']) {
      assert.equal(await add(net1, { mac, ipAddress: 'junk' }), 'INVALID_MAC', mac);
    }
    const badIp = await run(ADD_RES, {
      network: net1,
      reservation: { mac: '52:54:00:AA:BB:CC', ipAddress: '10.100.0.300' },
    });
    assert.equal(badIp.errors?.[0]?.extensions.reason, 'INVALID_IP');
    assert.equal(badIp.errors?.[0]?.extensions.mac, '52:54:00:aa:bb:cc');
    assert.equal(badIp.errors?.[0]?.extensions.ipAddress, '10.100.0.300');
    for (const ip of ['10.100.0', '10.100.0.1.2', '10.100.0.x', '', '10.100.0.-1']) {
      assert.equal(await add(net1, { mac: '52:54:00:aa:bb:cc', ipAddress: ip }), 'INVALID_IP', ip);
    }
    assert.equal(
      await add(net1, { mac: '52:54:00:aa:bb:cc', ipAddress: '10.100.0.9', hostname: 'a b' }),
      'INVALID_HOSTNAME',
    );
    assert.equal(
      await add(net1, { mac: '52:54:00:00:00:01', ipAddress: '10.100.0.9' }),
      'RESERVATION_EXISTS',
    );
    assert.equal(dump(), before, 'refused reservations change nothing');

    const added = await run(ADD_RES, {
      network: { vni: 100 },
      reservation: { mac: '52:54:00:AA:BB:CC', ipAddress: '10.100.0.050' },
    });
    assert.equal(added.errors, undefined);
    assert.deepEqual(added.data.addDhcpReservation, {
      id: '100/static/52:54:00:aa:bb:cc',
      macAddress: '52:54:00:aa:bb:cc',
      ipAddress: '10.100.0.050',
      hostname: null,
      isStatic: true,
      expiresAt: null,
    });
    // An active lease with the same MAC is no reservation.
    const sameAsLease = await run(ADD_RES, {
      network: net1,
      reservation: { mac: '52:54:00:00:00:03', ipAddress: '10.100.0.103', hostname: 'web1' },
    });
    assert.equal(sameAsLease.errors, undefined);
    assert.equal(
      await add(net1, { mac: '52:54:00:aa:bb:cc', ipAddress: '10.100.0.51' }),
      'RESERVATION_EXISTS',
    );
  });

  test('remove reservation: by MAC, host name or IP exactly; the last in MAC order when several match', async () => {
    const { run, reason } = setup();
    await run(ADD_RES, {
      network: net1,
      reservation: { mac: '52:54:00:00:00:09', ipAddress: '10.100.0.19', hostname: 'test1' },
    });
    const byHostname = await run(REMOVE_RES, { network: net1, match: 'test1' });
    assert.deepEqual(byHostname.data.removeDhcpReservation, {
      macAddress: '52:54:00:00:00:09',
      hostname: 'test1',
    });
    const byIp = await run(REMOVE_RES, { network: { vni: 100 }, match: '10.100.0.12' });
    assert.deepEqual(byIp.data.removeDhcpReservation, { macAddress: '52:54:00:00:00:02', hostname: 'test2' });
    const byMac = await run(REMOVE_RES, { network: net1, match: '52:54:00:00:00:05' });
    assert.deepEqual(byMac.data.removeDhcpReservation, { macAddress: '52:54:00:00:00:05', hostname: 'db1' });
    assert.equal(
      await reason(REMOVE_RES, { network: net1, match: '52:54:00:00:00:05' }),
      'RESERVATION_NOT_FOUND',
    );
    await run(ADD_RES, {
      network: net1,
      reservation: { mac: '52:54:00:aa:00:01', ipAddress: '10.100.0.21' },
    });
    assert.equal(
      await reason(REMOVE_RES, { network: net1, match: '52:54:00:AA:00:01' }),
      'RESERVATION_NOT_FOUND',
      'MACs compare exactly',
    );
    await run(REMOVE_RES, { network: net1, match: '52:54:00:aa:00:01' });
    assert.equal(
      await reason(REMOVE_RES, { network: net1, match: 'web1' }),
      'RESERVATION_NOT_FOUND',
      'active leases are not reservations',
    );
    assert.equal(await reason(REMOVE_RES, { network: { vni: '7' }, match: 'test1' }), 'NETWORK_NOT_FOUND');
    const left = await run('{ network(vni: 100) { dhcpReservations { nodes { hostname } } } }');
    assert.deepEqual(left.data.network.dhcpReservations.nodes, [{ hostname: 'test1' }]);
  });

  test('ACL list: by direction (both: in first), regex on description, direction checked', async () => {
    const { run, reason } = setup();
    const all = await run(ACLS, { vni: 100 });
    assert.deepEqual(all.data.network.acls, [
      { direction: 'IN', description: 'allow-ssh', order: 0, rule: 'tcp dport 22 accept' },
      { direction: 'IN', description: 'allow-http', order: 1, rule: 'tcp dport { 80, 443 } accept' },
      { direction: 'OUT', description: 'allow-all', order: 0, rule: 'accept' },
    ]);
    assert.deepEqual(
      (await run(ACLS, { vni: 100, direction: 'out' })).data.network.acls.map((a: any) => a.description),
      ['allow-all'],
    );
    assert.deepEqual(
      (await run(ACLS, { vni: 100, matches: '^allow-[sa]' })).data.network.acls.map(
        (a: any) => a.description,
      ),
      ['allow-ssh', 'allow-all'],
    );
    for (const direction of ['up', 'IN', 'inbound', '']) {
      assert.equal(await reason(ACLS, { vni: 100, direction }), 'INVALID_DIRECTION', direction);
    }
    assert.equal(await reason(ACLS, { vni: 100, matches: '(?<' }), 'INVALID_REGEX');
    assert.deepEqual((await run(ACLS, { vni: 999 })).data, { network: null });
  });

  test('ACL add: checks in order, inserts at a 0-based position or appends', async () => {
    const { run, reason, dump } = setup();
    const before = dump();
    const add = (acl: Record<string, unknown>, network: unknown = net1) =>
      reason(ADD_ACL, { network, acl: { description: 'new-rule', ...acl } });
    assert.equal(await add({ rule: '', order: '-1' }, { description: 'net9' }), 'DIRECTION_REQUIRED');
    assert.equal(await add({ direction: 'inbound' }, { description: 'net9' }), 'INVALID_DIRECTION');
    assert.equal(await add({ direction: 'in' }, { description: 'net9' }), 'RULE_REQUIRED');
    assert.equal(await add({ direction: 'in', rule: '  ' }), 'RULE_REQUIRED');
    assert.equal(await add({ direction: 'in', rule: 'accept\ndrop' }), 'INVALID_RULE');
    assert.equal(await add({ direction: 'in', rule: 'accept\u0000' }), 'INVALID_RULE');
    assert.equal(await add({ direction: 'in', rule: 'x'.repeat(1025) }), 'INVALID_RULE');
    for (const order of ['-1', '1.5', 'abc', ' 1', '1e2']) {
      assert.equal(
        await add({ direction: 'in', rule: 'accept', order }, { description: 'net9' }),
        'INVALID_ORDER',
        order,
      );
    }
    for (const description of ['-x', 'a b', 'a;b', '']) {
      assert.equal(
        await add({ direction: 'in', rule: 'accept', description }),
        'INVALID_ACL_DESCRIPTION',
        description,
      );
    }
    const missing = await run(ADD_ACL, {
      network: { description: 'net9' },
      acl: { description: 'x', direction: 'in', rule: 'accept' },
    });
    assert.equal(missing.errors?.[0]?.extensions.reason, 'NETWORK_NOT_FOUND');
    assert.equal(missing.errors?.[0]?.extensions.network, 'net9');
    assert.equal(await add({ description: 'allow-ssh', direction: 'in', rule: 'accept' }), 'RULE_EXISTS');
    assert.equal(dump(), before, 'refused rules change nothing');

    const first = await run(ADD_ACL, {
      network: net1,
      acl: { description: 'drop-bad', direction: 'in', rule: 'ip saddr 10.9.9.9 drop', order: '0' },
    });
    assert.deepEqual(first.data.addNetworkAcl, {
      id: '100/in/drop-bad',
      direction: 'IN',
      description: 'drop-bad',
      rule: 'ip saddr 10.9.9.9 drop',
      order: 0,
    });
    await run(ADD_ACL, {
      network: net1,
      acl: { description: 'middle', direction: 'in', rule: 'accept', order: '2' },
    });
    await run(ADD_ACL, {
      network: net1,
      acl: { description: 'far', direction: 'in', rule: 'accept', order: '99' },
    });
    await run(ADD_ACL, {
      network: net1,
      acl: { description: 'empty', direction: 'in', rule: 'accept', order: '' },
    });
    await run(ADD_ACL, { network: net1, acl: { description: 'absent', direction: 'in', rule: 'accept' } });
    // The same description in the other chain is another rule.
    const other = await run(ADD_ACL, {
      network: { vni: '100' },
      acl: { description: 'allow-ssh', direction: 'out', rule: 'accept', order: '0' },
    });
    assert.equal(other.errors, undefined);
    const chains = await run(ACLS, { vni: 100 });
    assert.deepEqual(
      chains.data.network.acls.map((acl: any) => `${acl.direction}:${acl.order}:${acl.description}`),
      [
        'IN:0:drop-bad',
        'IN:1:allow-ssh',
        'IN:2:middle',
        'IN:3:allow-http',
        'IN:4:far',
        'IN:5:empty',
        'IN:6:absent',
        'OUT:0:allow-ssh',
        'OUT:1:allow-all',
      ],
    );
  });

  test('ACL remove: by description in one chain or both; gaps close; not found', async () => {
    const { run, reason } = setup();
    await run(ADD_ACL, {
      network: net1,
      acl: { description: 'allow-ssh', direction: 'out', rule: 'accept' },
    });
    assert.equal(
      await reason(REMOVE_ACL, { network: { description: 'net9' }, description: 'x', direction: 'up' }),
      'INVALID_DIRECTION',
    );
    assert.equal(
      await reason(REMOVE_ACL, { network: { description: 'net9' }, description: 'x' }),
      'NETWORK_NOT_FOUND',
    );
    assert.equal(
      await reason(REMOVE_ACL, { network: net1, description: 'allow-all', direction: 'in' }),
      'RULE_NOT_FOUND',
    );
    assert.equal(await reason(REMOVE_ACL, { network: net1, description: 'nope' }), 'RULE_NOT_FOUND');
    const one = await run(REMOVE_ACL, { network: net1, description: 'allow-ssh', direction: 'out' });
    assert.deepEqual(one.data.removeNetworkAcl, [{ direction: 'OUT', description: 'allow-ssh' }]);
    await run(ADD_ACL, {
      network: net1,
      acl: { description: 'allow-ssh', direction: 'out', rule: 'accept' },
    });
    const both = await run(REMOVE_ACL, { network: { vni: 100 }, description: 'allow-ssh' });
    assert.deepEqual(both.data.removeNetworkAcl, [
      { direction: 'IN', description: 'allow-ssh' },
      { direction: 'OUT', description: 'allow-ssh' },
    ]);
    const left = await run(ACLS, { vni: 100 });
    assert.deepEqual(
      left.data.network.acls.map((acl: any) => `${acl.direction}:${acl.order}:${acl.description}`),
      ['IN:0:allow-http', 'OUT:0:allow-all'],
    );
  });

  test('reads need a principal, mutations an administrator', async () => {
    const { run, calls } = setup();
    for (const query of [
      '{ networks { totalCount } }',
      '{ network(vni: 100) { vni } }',
      '{ _entities(representations: [{ __typename: "Network", id: "100" }]) { ... on Network { vni } } }',
      '{ _entities(representations: [{ __typename: "DhcpLease", id: "100/static/52:54:00:00:00:01" }]) { ... on DhcpLease { ipAddress } } }',
      '{ _entities(representations: [{ __typename: "Acl", id: "100/in/allow-ssh" }]) { ... on Acl { rule } } }',
      '{ _entities(representations: [{ __typename: "VirtualMachine", id: "x" }]) { ... on VirtualMachine { networks { vni } } } }',
    ]) {
      const result = await run(query, undefined, anonymous);
      assert.equal(result.errors?.[0]?.extensions.code, 'UNAUTHENTICATED', query);
    }
    const read = await run(
      '{ network(vni: 100) { dhcpLeases { totalCount } acls { description } } }',
      undefined,
      alice,
    );
    assert.equal(read.errors, undefined);
    calls.length = 0;
    const mutations: [string, Record<string, unknown>][] = [
      [ADD, { input: { description: 'net2', vni: 101, type: 'managed' } }],
      [MODIFY, { network: net1, changes: { domain: 'x.local' } }],
      ['mutation { removeNetwork(network: { vni: 100 }) { vni } }', {}],
      [ADD_RES, { network: net1, reservation: { mac: '52:54:00:aa:bb:cc', ipAddress: '10.100.0.9' } }],
      [REMOVE_RES, { network: net1, match: 'test1' }],
      [ADD_ACL, { network: net1, acl: { description: 'x', direction: 'in', rule: 'accept' } }],
      [REMOVE_ACL, { network: net1, description: 'allow-ssh' }],
    ];
    for (const [source, variables] of mutations) {
      assert.equal((await run(source, variables, alice)).errors?.[0]?.extensions.code, 'FORBIDDEN', source);
      assert.equal(
        (await run(source, variables, anonymous)).errors?.[0]?.extensions.code,
        'UNAUTHENTICATED',
        source,
      );
    }
    assert.deepEqual(calls, [], 'refused principals reach no backend');
  });

  test('references resolve in one batched source call per type', async () => {
    const { run, calls } = setup();
    const networks = await run(
      '{ _entities(representations: [{ __typename: "Network", id: "100" }, { __typename: "Network", id: "200" }, { __typename: "Network", id: "7" }, { __typename: "Network", id: "0100" }]) { ... on Network { description } } }',
    );
    assert.equal(networks.errors, undefined);
    assert.deepEqual(networks.data._entities, [
      { description: 'net1' },
      { description: 'storage' },
      null,
      null,
    ]);
    assert.deepEqual(calls, ['getNetworksByVni']);
    calls.length = 0;
    const leases = await run(`{ _entities(representations: [
      { __typename: "DhcpLease", id: "100/static/52:54:00:00:00:01" }, { __typename: "DhcpLease", id: "100/active/52:54:00:00:00:03" },
      { __typename: "DhcpLease", id: "100/active/52:54:00:00:00:01" }, { __typename: "DhcpLease", id: "200/static/x" },
      { __typename: "Acl", id: "100/in/allow-http" }, { __typename: "Acl", id: "100/out/allow-all" }, { __typename: "Acl", id: "100/out/allow-ssh" }
    ]) { ... on DhcpLease { hostname network { description } } ... on Acl { order rule network { vni } } } }`);
    assert.equal(leases.errors, undefined);
    assert.deepEqual(leases.data._entities, [
      { hostname: 'test1', network: { description: 'net1' } },
      { hostname: 'web1', network: { description: 'net1' } },
      null,
      null,
      { order: 1, rule: 'tcp dport { 80, 443 } accept', network: { vni: 100 } },
      { order: 0, rule: 'accept', network: { vni: 100 } },
      null,
    ]);
    assert.deepEqual([...calls].sort(), ['aclsOf', 'dhcpLeasesOf', 'getNetworksByVni']);
  });

  test('VirtualMachine.networks: the networks of its NIC bridges, one source call for many VMs', async () => {
    const { run, calls, store } = setup();
    const ids = Array.from(
      { length: 1000 },
      (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    );
    store.transaction(() => {
      ids.forEach((id, i) =>
        addVm(
          store,
          id,
          `vm${i}`,
          i % 3 === 0 ? ['vmbr100', 'vmbr200', 'vmbr100'] : i % 3 === 1 ? ['vmbr100'] : ['virbr0'],
        ),
      );
    });
    const representations = ids.map((id) => ({ __typename: 'VirtualMachine', id }));
    const result = await run(
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on VirtualMachine { id networks { vni bridge } } } }',
      { r: representations },
    );
    assert.equal(result.errors, undefined);
    assert.deepEqual(result.data._entities[0].networks, [
      { vni: 100, bridge: 'vmbr100' },
      { vni: 200, bridge: 'vmbr200' },
    ]);
    assert.deepEqual(result.data._entities[1].networks, [{ vni: 100, bridge: 'vmbr100' }]);
    assert.deepEqual(result.data._entities[2].networks, []);
    assert.deepEqual(calls, ['networksOfVms']);
  });

  test('nested lists over many networks cost one source call per field', async () => {
    const networks = Array.from({ length: 300 }, (_, i) => ({
      vni: 1000 + i,
      description: `n${i}`,
      type: 'managed',
      dhcpReservations: [{ mac: `52:54:00:00:${String(i % 100).padStart(2, '0')}:01`, ip: '10.0.0.1' }],
      acls: { in: [{ description: 'a', rule: 'accept' }] },
    }));
    const { run, calls } = setup({ networks });
    const result = await run(
      '{ networks(first: 1000) { nodes { vni dhcpReservations { totalCount } dhcpLeases { totalCount } acls { description } } } }',
    );
    assert.equal(result.errors, undefined);
    assert.equal(result.data.networks.nodes.length, 300);
    assert.deepEqual(result.data.networks.nodes[299], {
      vni: 1299,
      dhcpReservations: { totalCount: 1 },
      dhcpLeases: { totalCount: 0 },
      acls: [{ description: 'a' }],
    });
    assert.deepEqual([...calls].sort(), ['aclsOf', 'dhcpLeasesOf', 'listNetworks']);
  });

  test('a store write that fails halfway leaves the store unchanged', async () => {
    const { source, dump } = setup();
    const before = dump();
    // insertAcl shifts the chain before it finds the duplicate: the shift must be rolled back.
    await assert.rejects(
      source.insertAcl({ vni: 100, direction: 'in', description: 'allow-http', rule: 'accept', position: 0 }),
      (error: any) => error.extensions?.reason === 'RULE_EXISTS',
    );
    await assert.rejects(
      source.createNetwork({ ...(await source.getNetworksByVni([100]))[0]!, vni: 101 }),
      (error: any) => error.extensions?.reason === 'DESCRIPTION_EXISTS',
    );
    await assert.rejects(
      source.replaceNetwork(100, { ...(await source.getNetworksByVni([100]))[0]!, vni: 200 }),
      (error: any) => error.extensions?.reason === 'VNI_EXISTS',
    );
    await assert.rejects(
      source.removeAcls(100, 'nope', ['in', 'out']),
      (error: any) => error.extensions?.reason === 'RULE_NOT_FOUND',
    );
    await assert.rejects(
      source.addDhcpReservation({
        vni: 100,
        mac: '52:54:00:00:00:01',
        ipAddress: '1.2.3.4',
        hostname: null,
        isStatic: true,
        expiresAt: null,
      }),
      (error: any) => error.extensions?.reason === 'RESERVATION_EXISTS',
    );
    assert.equal(dump(), before);
  });

  test('import: validates with paths and loads all or nothing', () => {
    const store = new Store(':memory:');
    const invalid: [unknown, RegExp][] = [
      [{ networks: [{ vni: 100, description: 'a', type: 'routed' }] }, /networks\[0\]\.type/],
      [{ networks: [{ vni: 100, description: '-a', type: 'managed' }] }, /networks\[0\]\.description/],
      [
        { networks: [{ vni: 100, description: 'a', type: 'managed', ip4: { dhcp: true } }] },
        /networks\[0\]\.ip4\.dhcp/,
      ],
      [
        {
          networks: [
            { vni: 100, description: 'a', type: 'managed', dhcpReservations: [{ mac: 'x', ip: '1.2.3.4' }] },
          ],
        },
        /dhcpReservations\[0\]\.mac/,
      ],
      [{ networks: [{ vni: 100, description: 'a', type: 'managed', bogus: 1 }] }, /unknown key/],
      [
        {
          networks: [
            { vni: 100, description: 'a', type: 'managed' },
            { vni: 100, description: 'b', type: 'managed' },
          ],
        },
        /networks\[1\]\.vni/,
      ],
      [
        {
          networks: [
            {
              vni: 100,
              description: 'a',
              type: 'managed',
              acls: {
                in: [
                  { description: 'x', rule: 'accept' },
                  { description: 'x', rule: 'drop' },
                ],
              },
            },
          ],
        },
        /networks\[0\]\.acls\.in\[1\]\.description/,
      ],
    ];
    for (const [data, message] of invalid) {
      assert.throws(() => importNetworks(store, data), message);
      assert.deepEqual(
        store.db.prepare('SELECT COUNT(*) AS n FROM networks').get(),
        { n: 0 },
        String(message),
      );
    }
  });
});
