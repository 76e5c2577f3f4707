import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { CloudSources } from '../../src/subgraphs/index.js';
import { ADMIN_TOKEN, startTestServer, type TestServer } from '../support/cloudfed.js';
import { ACROSS_ALL_FIVE, DEMO_USERS, grownDatacenter } from '../support/datacenter.js';

describe('one query across all five subgraphs (demo datacenter)', () => {
  let server: TestServer;
  before(async () => (server = await startTestServer()));
  after(() => server?.close());

  test('returns the demo data, consistent between the subgraphs', async () => {
    const reply = await server.graphql(ACROSS_ALL_FIVE, { first: 100 });
    assert.equal(reply.status, 200);
    assert.equal(reply.errors, undefined);
    const vms = reply.data.virtualMachines;
    assert.equal(vms.totalCount, 10);
    const test1 = vms.nodes.find((vm: { name: string }) => vm.name === 'test1');
    assert.deepEqual(test1, {
      name: 'test1',
      state: 'START',
      node: { name: 'hv1', memory: { freeMiB: 44301 } },
      volumes: [{ id: 'vms/test1_disk0', sizeBytes: 10 * 1024 ** 3, snapshots: [{ name: 'snap1' }] }],
      networks: [{ vni: 100, description: 'net1' }],
      assignedUsers: [{ id: DEMO_USERS.alice, displayName: 'alice@example.com' }],
      owner: { id: DEMO_USERS.alice, displayName: 'alice@example.com' },
    });
    // Every VM's disk is its own volume, and each node's VM list (owned by the vms subgraph, on
    // an entity owned by nodes) agrees with the VMs' node references.
    for (const vm of vms.nodes)
      assert.deepEqual(
        vm.volumes.map((volume: { id: string }) => volume.id),
        [`vms/${vm.name}_disk0`],
      );
    const nodes = await server.graphql(`{ clusterNodes { nodes { name vms { name } } } }`);
    for (const node of nodes.data.clusterNodes.nodes) {
      const expected = vms.nodes
        .filter((vm: any) => vm.node.name === node.name)
        .map((vm: any) => vm.name)
        .sort();
      assert.deepEqual(node.vms.map((vm: { name: string }) => vm.name).sort(), expected);
    }
  });

  test('an unauthenticated mutation is UNAUTHENTICATED; another user’s VM is FORBIDDEN', async () => {
    const stop = `mutation { stopVm(vm: "web2") { name state } }`;
    const anonymous = await server.graphql(stop, {}, null);
    assert.equal(anonymous.errors?.[0]?.extensions?.code, 'UNAUTHENTICATED');
    const issued = await server.graphql(`mutation($id: ID!) { issueUserToken(id: $id) { token } }`, {
      id: DEMO_USERS.alice,
    });
    assert.equal(issued.errors, undefined);
    const aliceToken = issued.data.issueUserToken.token;
    const forbidden = await server.graphql(stop, {}, aliceToken);
    assert.equal(forbidden.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    // Her own VM she may stop; the admin's VM is still running.
    const own = await server.graphql(`mutation { stopVm(vm: "web1") { name state } }`, {}, aliceToken);
    assert.deepEqual(own.data, { stopVm: { name: 'web1', state: 'STOP' } });
    const web2 = await server.graphql(`{ virtualMachine(ref: "web2") { state } }`);
    assert.equal(web2.data.virtualMachine.state, 'START');
    // A wrong token is refused outright rather than treated as anonymous.
    const wrong = await server.graphql(`{ clusterNodes { totalCount } }`, {}, 'not-a-token');
    assert.equal(wrong.status, 401);
    assert.equal(wrong.errors?.[0]?.extensions?.code, 'UNAUTHENTICATED');
    assert.notEqual(ADMIN_TOKEN, aliceToken);
  });
});

describe('batching: 1,000 VMs, at most one source call per subgraph per query level', () => {
  let server: TestServer;
  const calls: { domain: string; method: string; keys: number }[] = [];

  /** Records every source call (domain, method, number of keys) without changing it. */
  const counting = (sources: CloudSources): CloudSources =>
    Object.fromEntries(
      Object.entries(sources).map(([domain, group]) => [
        domain,
        Object.fromEntries(
          Object.entries(group as Record<string, object>).map(([name, source]) => [
            name,
            new Proxy(source, {
              get(target, property, receiver) {
                const value = Reflect.get(target, property, receiver);
                if (typeof value !== 'function') return value;
                return (...args: unknown[]) => {
                  calls.push({
                    domain,
                    method: String(property),
                    keys: Array.isArray(args[0]) ? args[0].length : 1,
                  });
                  return value.apply(target, args);
                };
              },
            }),
          ]),
        ),
      ]),
    ) as unknown as CloudSources;

  before(async () => {
    server = await startTestServer({ demo: false, importText: grownDatacenter(990), wrapSources: counting });
  });
  after(() => server?.close());

  test('the cross-subgraph query over 1,000 VMs', async () => {
    calls.length = 0;
    const reply = await server.graphql(ACROSS_ALL_FIVE, { first: 1000 });
    assert.equal(reply.errors, undefined);
    assert.equal(reply.data.virtualMachines.totalCount, 1000);
    assert.equal(reply.data.virtualMachines.nodes.length, 1000);
    const perDomain = new Map<string, string[]>();
    for (const call of calls)
      perDomain.set(call.domain, [...(perDomain.get(call.domain) ?? []), `${call.method}(${call.keys})`]);
    const summary = Object.fromEntries(perDomain);
    // Authentication (users) happens before execution; the levels are: the VM page (vms), then
    // node (nodes), volumes (volumes), networks (networks), assigned users and owner (vms
    // assignments, users), then snapshots (volumes).
    const authentication = calls.filter(
      (call) => call.domain === 'users' && /Token/i.test(call.method),
    ).length;
    const budget: Record<string, number> = {
      vms: 2,
      nodes: 1,
      volumes: 2,
      networks: 1,
      users: 1 + authentication,
    };
    for (const [domain, list] of perDomain) {
      assert.ok(
        list.length <= (budget[domain] ?? 0),
        `${domain}: ${list.length} source calls ${JSON.stringify(summary)}`,
      );
    }
    const gen0010 = reply.data.virtualMachines.nodes.find((vm: { name: string }) => vm.name === 'gen0010');
    assert.deepEqual(gen0010.volumes, [
      { id: 'vms/gen0010_disk0', sizeBytes: 20 * 1024 ** 3, snapshots: [{ name: 'daily' }] },
    ]);
    assert.deepEqual(gen0010.networks, [{ vni: 200, description: 'storage' }]);
    assert.equal(gen0010.node.name, 'hv2');
    assert.equal(gen0010.assignedUsers[0].id, gen0010.owner.id);
  });
});
