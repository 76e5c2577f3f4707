/**
 * The split gateway's planner and executor (src/federation) against single-process mode, in one
 * process: five subgraph servers and a gateway over HTTP on port 0, sharing the demo store with a
 * single-process server. Every document must get the same answer from both: data, error
 * messages, codes and paths.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { buildSchema, getIntrospectionQuery, parse } from 'graphql';
import { buildSplitGateway, buildSubgraphServer, memoryLogger, type Cloudfed } from '../../gateway/index.js';
import { parseConfig } from '../../src/config/index.js';
import { composeGraph } from '../../src/compose/index.js';
import {
  createFederatedExecutor,
  readSupergraph,
  UnsupportedSupergraphError,
} from '../../src/federation/index.js';
import { buildSubgraphs, SUBGRAPH_NAMES } from '../../src/subgraphs/index.js';
import { ADMIN_TOKEN, postGraphQL, startTestServer, type TestServer } from '../support/cloudfed.js';
import { ACROSS_ALL_FIVE, DEMO_USERS } from '../support/datacenter.js';

const SECRET = 'federation-test-secret-0123456789abcdef';

/** One document planned twice: once per value of the variables its `@skip`/`@include` read. */
const CONDITIONAL = `query($withNode: Boolean!, $skipUsers: Boolean = true) {
  virtualMachines(first: 4) { nodes {
    name
    node @include(if: $withNode) { name }
    assignedUsers @skip(if: $skipUsers) { displayName }
    owner @skip(if: false) { displayName }
  } }
}`;

type Reply = Awaited<ReturnType<typeof postGraphQL>>;

/** Everything a client can rely on in a reply. */
function answer(reply: Reply) {
  return {
    status: reply.status,
    data: reply.data ?? null,
    errors: (reply.errors ?? []).map((error) => ({
      message: error.message,
      path: error.path ?? null,
      code: error.extensions?.code,
    })),
  };
}

describe('split gateway planner and executor', () => {
  let single: TestServer;
  const subgraphs: Cloudfed[] = [];
  let gateway: Cloudfed;
  let gatewayUrl: string;
  let aliceToken: string;

  before(async () => {
    single = await startTestServer({ config: { split: { secret: SECRET } } });
    const issued = await single.graphql(`mutation($id: ID!) { issueUserToken(id: $id) { token } }`, {
      id: DEMO_USERS.alice,
    });
    aliceToken = issued.data.issueUserToken.token;
    const config = parseConfig({
      store: { path: ':memory:' },
      identity: { adminToken: ADMIN_TOKEN },
      split: { secret: SECRET },
    });
    const urls: Record<string, string> = {};
    for (const name of SUBGRAPH_NAMES) {
      const server = await buildSubgraphServer(name, config, {
        backends: single.backends,
        log: memoryLogger(),
      });
      subgraphs.push(server);
      const url = `${await server.listen(0, '127.0.0.1')}/graphql`;
      urls[name] = url;
    }
    gateway = await buildSplitGateway(config, urls, { backends: single.backends, log: memoryLogger() });
    gatewayUrl = await gateway.listen(0, '127.0.0.1');
  });

  after(async () => {
    await gateway?.close();
    await Promise.all(subgraphs.map((server) => server.close()));
    await single?.close();
  });

  const CASES: {
    name: string;
    query: string;
    variables?: Record<string, unknown>;
    token?: () => string | null;
  }[] = [
    { name: 'across all five subgraphs', query: ACROSS_ALL_FIVE, variables: { first: 100 } },
    {
      name: 'across all five, as alice',
      query: ACROSS_ALL_FIVE,
      variables: { first: 100 },
      token: () => aliceToken,
    },
    {
      name: 'aliases, repeated fields with merged selections, __typename',
      query: `{
        first: virtualMachines(first: 2) { nodes { __typename label: name node { name } node { id load } } }
        second: virtualMachines(first: 1, after: null) { totalCount nodes { vmName: name id } }
        __typename
      }`,
    },
    {
      name: 'named and inline fragments, nested, on entities of other subgraphs',
      query: `query { virtualMachines(first: 3) { nodes { ...Vm } } }
        fragment Vm on VirtualMachine { name ... on VirtualMachine { node { ...NodeParts } } volumes { ...Volume } }
        fragment NodeParts on ClusterNode { name daemonState memory { totalMiB } }
        fragment Volume on RbdVolume { id name sizeBytes }`,
    },
    {
      name: '@skip and @include by variables, defaults included',
      query: CONDITIONAL,
      variables: { withNode: false },
    },
    {
      name: 'the same document with other condition values',
      query: CONDITIONAL,
      variables: { withNode: true, skipUsers: false },
    },
    {
      name: 'variables used below an entity jump',
      query: `query($first: Int!, $vmFirst: Int) {
        clusterNodes(first: $first) { nodes { name vms(first: $vmFirst) { name owner { displayName } } } }
      }`,
      variables: { first: 2, vmFirst: 2 },
    },
    {
      name: 'back and forth between subgraphs (vm → node → vms → owner → vms)',
      query: `{ virtualMachine(ref: "web1") { name node { name vms { name owner { displayName vms { name } } } } } }`,
    },
    {
      name: 'root fields of several subgraphs in one query',
      query: `{ clusterNodes { totalCount } networks { totalCount } users { totalCount } cephStatus { health } virtualMachines { totalCount } }`,
    },
    { name: 'an anonymous question', query: `{ virtualMachines { totalCount } }`, token: () => null },
    {
      name: 'a refused mutation on another user’s VM',
      query: `mutation { stopVm(vm: "web2") { name state } }`,
      token: () => aliceToken,
    },
    {
      name: 'an unknown VM: null without error',
      query: `{ virtualMachine(ref: "nope") { name node { name } } }`,
    },
    { name: 'a bad argument', query: `{ virtualMachines(first: -1) { totalCount } }` },
    { name: 'a validation error', query: `{ virtualMachines { nope } }` },
    { name: 'a syntax error', query: `{ virtualMachines { ` },
    {
      name: 'a missing required variable',
      query: `query($ref: String!) { virtualMachine(ref: $ref) { name } }`,
      variables: {},
    },
    {
      name: 'introspection, alone and beside data',
      query: `{ __schema { queryType { name } } __type(name: "VirtualMachine") { name fields { name } } virtualMachines(first: 1) { nodes { name } } }`,
    },
    { name: 'the full introspection query GraphiQL sends', query: getIntrospectionQuery() },
    {
      name: 'users with their realm and VMs',
      query: `{ users { nodes { id displayName realm { id } vms { name node { name } } } } }`,
      token: () => aliceToken,
    },
  ];

  for (const { name, query, variables, token } of CASES) {
    test(`answers as single-process mode does: ${name}`, async () => {
      const who = token ? token() : ADMIN_TOKEN;
      const [split, merged] = await Promise.all([
        postGraphQL(gatewayUrl, query, variables, who),
        postGraphQL(single.url, query, variables, who),
      ]);
      assert.deepEqual(answer(split), answer(merged));
    });
  }

  test('the alias the gateway keeps for entity keys is refused, not overwritten', async () => {
    const reply = answer(
      await postGraphQL(gatewayUrl, `{ virtualMachines(first: 1) { nodes { _cloudfedKey: name } } }`),
    );
    assert.equal(reply.data, null);
    assert.equal(reply.errors[0]!.code, 'BAD_USER_INPUT');
    assert.match(reply.errors[0]!.message, /reserved/);
  });

  test('mutations run in order, each seen by the next', async () => {
    const query = `mutation { a: stopVm(vm: "web2") { state } b: startVm(vm: "web2") { state } c: stopVm(vm: "web2") { state node { name } } }`;
    const split = answer(await postGraphQL(gatewayUrl, query));
    assert.deepEqual(split.errors, []);
    assert.deepEqual(split.data, {
      a: { state: 'STOP' },
      b: { state: 'START' },
      c: { state: 'STOP', node: { name: 'hv2' } },
    });
    await single.graphql(`mutation { startVm(vm: "web2") { state } }`);
  });

  test('a subgraph that is down fails only the fields it serves', async () => {
    const volumes = subgraphs[SUBGRAPH_NAMES.indexOf('volumes')]!;
    await volumes.close();
    const reply = answer(
      await postGraphQL(gatewayUrl, `{ virtualMachines(first: 2) { nodes { name volumes { id } } } }`),
    );
    assert.deepEqual(reply.data, null);
    assert.equal(reply.errors.length, 1);
    assert.equal(reply.errors[0]!.code, 'BACKEND_UNAVAILABLE');
    assert.match(reply.errors[0]!.message, /volumes subgraph could not be reached/);
    const nodesOnly = answer(
      await postGraphQL(gatewayUrl, `{ virtualMachines(first: 2) { nodes { name } } }`),
    );
    assert.deepEqual(nodesOnly.errors, []);
  });
});

describe('supergraphs outside what the executor runs are refused at start', () => {
  const { supergraphSdl } = composeGraph(buildSubgraphs(startTestServerSources()));
  for (const [what, edit] of [
    ['a compound key', (sdl: string) => sdl.replace('key: "id"', 'key: "id name"')],
    [
      '@requires',
      (sdl: string) => sdl.replace('@join__field(graph: VMS)', '@join__field(graph: VMS, requires: "id")'),
    ],
    ['an interface', (sdl: string) => `${sdl}\ninterface Thing { id: ID! }\n`],
  ] as const) {
    test(what, () => {
      assert.throws(() => readSupergraph(edit(supergraphSdl)), UnsupportedSupergraphError);
    });
  }
  test('the composed supergraph is accepted', () => {
    const supergraph = readSupergraph(supergraphSdl);
    assert.deepEqual([...supergraph.subgraphs].sort(), [...SUBGRAPH_NAMES].sort());
    assert.deepEqual(supergraph.types.get('VirtualMachine')?.fields.get('networks'), ['networks']);
    assert.ok(
      createFederatedExecutor({
        supergraph,
        schema: buildSchema(composeGraph(buildSubgraphs(startTestServerSources())).apiSdl),
        fetch: async () => ({ data: null }),
        unreachable: () => {
          throw new Error('unused');
        },
      }),
    );
  });
});

describe('mutations across subgraphs', () => {
  test('a mutation group that fails the operation stops the ones after it, as graphql-js does', async () => {
    const graph = composeGraph(buildSubgraphs(startTestServerSources()));
    const asked: string[] = [];
    const execute = createFederatedExecutor({
      supergraph: readSupergraph(graph.supergraphSdl),
      schema: buildSchema(graph.apiSdl),
      fetch: async (call) => {
        asked.push(call.subgraph);
        return call.subgraph === 'vms'
          ? {
              data: null,
              errors: [{ message: 'Not allowed', path: ['a'], extensions: { code: 'FORBIDDEN' } }],
            }
          : { data: { b: { token: 't' } } };
      },
      unreachable: () => {
        throw new Error('unused');
      },
    });
    const result = await execute({
      document: parse(`mutation { a: stopVm(vm: "web2") { name } b: issueUserToken(id: "u") { token } }`),
      operationName: null,
      variables: {},
      context: {},
    });
    assert.deepEqual(asked, ['vms']);
    assert.equal(result.data, null);
    assert.deepEqual(
      result.errors?.map((error) => [error.message, error.path, error.extensions.code]),
      [['Not allowed', ['a'], 'FORBIDDEN']],
    );
  });
});

function startTestServerSources() {
  // Composition reads only the subgraphs' schemas; the sources are never called.
  return new Proxy(
    {},
    {
      get: () =>
        new Proxy(
          {},
          {
            get: () => () => {
              throw new Error('not called');
            },
          },
        ),
    },
  ) as never;
}
