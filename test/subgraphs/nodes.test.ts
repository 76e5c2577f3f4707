import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { graphql } from 'graphql';
import { Store } from '../../src/drivers/embedded/store.js';
import { EmbeddedNodes } from '../../src/drivers/embedded/nodes.js';
import { importNodes } from '../../src/drivers/embedded/nodes.import.js';
import { SYSTEM, type Principal } from '../../src/identity/index.js';
import { createRequestContext } from '../../src/subgraphs/kit/index.js';
import { buildNodesSubgraph, type NodesSource } from '../../src/subgraphs/nodes/index.js';

const alice: Principal = { kind: 'user', id: 'alice', name: 'alice@example.com', admin: false, groups: [] };

function setup() {
  const store = new Store(':memory:');
  importNodes(store, {
    nodes: [
      { name: 'hv1', coordinatorState: 'primary', cpuCount: 16, roles: ['hypervisor', 'storage'] },
      { name: 'hv2', coordinatorState: 'secondary', cpuCount: 8 },
      { name: 'hv3', cpuCount: 8 },
      { name: 'hv4', coordinatorState: 'secondary', daemonState: 'dead' },
    ],
    glusterPeers: [
      { hostname: 'hv1', uuid: '5d1a9ad3-3b5a-4a7e-9a4c-0f3f1f6f8d11', self: true },
      { hostname: 'hv2', uuid: '7c2b0c1e-6b8e-4d2a-8f5e-2a1b3c4d5e6f' },
    ],
  });
  const calls: string[] = [];
  const inner = new EmbeddedNodes(store);
  const counted = new Proxy(inner, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function'
        ? (...args: unknown[]) => (calls.push(String(property)), value.apply(target, args))
        : value;
    },
  }) as NodesSource;
  const subgraph = buildNodesSubgraph({ nodes: counted });
  // JSON round trip: plain objects (graphql-js builds null-prototype ones) and errors as clients see them.
  const run = async (
    source: string,
    principal: Principal = SYSTEM,
    variableValues?: Record<string, unknown>,
  ) =>
    JSON.parse(
      JSON.stringify(
        await graphql({
          schema: subgraph.schema,
          source,
          variableValues,
          contextValue: createRequestContext(principal),
        }),
      ),
    ) as { data?: any; errors?: { message: string; extensions?: Record<string, any> }[] };
  return { store, calls, run };
}

describe('nodes subgraph', () => {
  test('lists nodes by name with a regex filter and pages through them', async () => {
    const { run } = setup();
    const all = await run(
      '{ clusterNodes { totalCount nodes { id coordinatorState vcpu { total allocated } } } }',
    );
    assert.equal(all.errors, undefined);
    assert.deepEqual(
      (all.data as any).clusterNodes.nodes.map((node: any) => [node.id, node.coordinatorState]),
      [
        ['hv1', 'PRIMARY'],
        ['hv2', 'SECONDARY'],
        ['hv3', 'CLIENT'],
        ['hv4', 'SECONDARY'],
      ],
    );
    const filtered = await run('{ clusterNodes(filter: { nameMatches: "^hv[12]$" }) { nodes { id } } }');
    assert.deepEqual((filtered.data as any).clusterNodes.nodes, [{ id: 'hv1' }, { id: 'hv2' }]);
    const page1 = await run('{ clusterNodes(first: 2) { nodes { id } pageInfo { hasNextPage endCursor } } }');
    const { endCursor, hasNextPage } = (page1.data as any).clusterNodes.pageInfo;
    assert.equal(hasNextPage, true);
    const page2 = await run(
      `{ clusterNodes(first: 2, after: "${endCursor}") { nodes { id } pageInfo { hasNextPage } } }`,
    );
    assert.deepEqual((page2.data as any).clusterNodes.nodes, [{ id: 'hv3' }, { id: 'hv4' }]);
  });

  test('an invalid regex is BAD_USER_INPUT with reason INVALID_REGEX', async () => {
    const { run } = setup();
    const result = await run('{ clusterNodes(filter: { nameMatches: "(" }) { totalCount } }');
    assert.equal(result.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    assert.equal(result.errors?.[0]?.extensions?.reason, 'INVALID_REGEX');
  });

  test('router mode: checks in order, then switches and demotes the old primary', async () => {
    const { run } = setup();
    const mutate = (node: string, mode: string) =>
      run(`mutation { setRouterMode(node: "${node}", mode: ${mode}) { id coordinatorState } }`);
    const reasonOf = async (node: string, mode: string) =>
      (await mutate(node, mode)).errors?.[0]?.extensions?.reason;
    assert.equal(await reasonOf('hv9', 'PRIMARY'), 'NODE_NOT_FOUND');
    assert.equal(await reasonOf('hv3', 'PRIMARY'), 'NODE_NOT_COORDINATOR');
    assert.equal(await reasonOf('hv4', 'PRIMARY'), 'NODE_NOT_ACTIVE');
    assert.equal(await reasonOf('hv1', 'PRIMARY'), 'ALREADY_IN_MODE');
    const switched = await mutate('hv2', 'PRIMARY');
    assert.deepEqual((switched.data as any).setRouterMode, { id: 'hv2', coordinatorState: 'PRIMARY' });
    const after = await run('{ clusterNodes { nodes { id coordinatorState } } }');
    assert.equal((after.data as any).clusterNodes.nodes[0].coordinatorState, 'SECONDARY');
  });

  test('reads need a principal, mutations an administrator', async () => {
    const { run } = setup();
    const anonymous = await run('{ clusterNodes { totalCount } }', { kind: 'anonymous' });
    assert.equal(anonymous.errors?.[0]?.extensions?.code, 'UNAUTHENTICATED');
    const read = await run('{ clusterNodes { totalCount } }', alice);
    assert.equal((read.data as any).clusterNodes.totalCount, 4);
    const denied = await run('mutation { setRouterMode(node: "hv2", mode: PRIMARY) { id } }', alice);
    assert.equal(denied.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    const entities = await run(
      '{ _entities(representations: [{ __typename: "ClusterNode", id: "hv1" }]) { ... on ClusterNode { name } } }',
      {
        kind: 'anonymous',
      },
    );
    assert.equal(entities.errors?.[0]?.extensions?.code, 'UNAUTHENTICATED');
  });

  test('references resolve in one batched source call', async () => {
    const { run, calls } = setup();
    const result = await run(
      '{ _entities(representations: [{ __typename: "ClusterNode", id: "hv1" }, { __typename: "ClusterNode", id: "hv3" }, { __typename: "ClusterNode", id: "nope" }]) { ... on ClusterNode { name cpuCount } } }',
    );
    assert.equal(result.errors, undefined);
    assert.deepEqual((result.data as any)._entities, [
      { name: 'hv1', cpuCount: 16 },
      { name: 'hv3', cpuCount: 8 },
      null,
    ]);
    assert.deepEqual(calls, ['getNodes']);
  });

  test('gluster peers: list, probe, detach; hostile host names are refused before the backend', async () => {
    const { run, calls } = setup();
    const peers = await run('{ glusterPeers { hostname connected isSelf } }');
    assert.deepEqual((peers.data as any).glusterPeers, [
      { hostname: 'localhost', connected: true, isSelf: true },
      { hostname: 'hv2', connected: true, isSelf: false },
    ]);
    const probe = await run('mutation { probeGlusterPeer(hostname: "hv3") { output } }');
    assert.deepEqual(probe.data, { probeGlusterPeer: { output: null } });
    const unreachable = await run('mutation { probeGlusterPeer(hostname: "nohost.example") { output } }');
    assert.equal(unreachable.errors?.[0]?.extensions?.code, 'BACKEND_FAILED');
    assert.equal(unreachable.errors?.[0]?.extensions?.exitCode, 1);
    calls.length = 0;
    for (const hostile of ['-rf', 'a;b', '../x', 'a b', 'x'.repeat(300)]) {
      const refused = await run(
        'mutation($h: String!) { probeGlusterPeer(hostname: $h) { output } }',
        SYSTEM,
        { h: hostile },
      );
      assert.equal(refused.errors?.[0]?.extensions?.reason, 'INVALID_HOSTNAME', hostile);
    }
    assert.deepEqual(calls, [], 'no backend call for a refused name');
    const detach = await run('mutation { detachGlusterPeer(hostname: "hv2") { output } }');
    assert.equal(detach.errors, undefined);
    const missing = await run('mutation { detachGlusterPeer(hostname: "hv2") { output } }');
    assert.equal(missing.errors?.[0]?.extensions?.reason, 'PEER_NOT_FOUND');
  });
});
