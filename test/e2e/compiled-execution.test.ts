/**
 * Compiled execution (gateway/compiled.ts) answers exactly as graphql-js `execute` over the same
 * merged schema: data, errors (messages, paths, locations, codes, extensions, masking), null
 * propagation, variables, fragments, aliases, @skip/@include, introspection.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ApolloServer } from '@apollo/server';
import { execute, getIntrospectionQuery, GraphQLError, parse, type GraphQLSchema } from 'graphql';
import { createApollo, maskError } from '../../gateway/apollo.js';
import { createCompiledExecutor, type CompiledExecutor } from '../../gateway/compiled.js';
import { memoryLogger } from '../../gateway/log.js';
import { buildMergedSchema } from '../../gateway/merged.js';
import { composeGraph } from '../../src/compose/index.js';
import { BackendError, codeOf } from '../../src/errors/index.js';
import type { Principal } from '../../src/identity/index.js';
import {
  buildSubgraphs,
  createRequestContext,
  type CloudSources,
  type RequestContext,
} from '../../src/subgraphs/index.js';
import { createAuthenticator } from '../../src/subgraphs/users/index.js';
import { parseConfig } from '../../src/config/index.js';
import { openBackends } from '../../src/drivers/index.js';
import { getMetadataStorage } from 'type-graphql';
import { ADMIN_TOKEN, startTestServer, type TestServer } from '../support/cloudfed.js';
import { DEMO_USERS } from '../support/datacenter.js';

/** DHCP leases and networks by description fail unexpectedly (masked), ACLs with a public backend error. */
const failing = (sources: CloudSources): CloudSources => {
  const networks = sources.networks.networks;
  return {
    ...sources,
    networks: {
      networks: new Proxy(networks, {
        get(target, property, receiver) {
          if (property === 'dhcpLeasesOf' || property === 'getNetworksByDescription')
            return async () => Promise.reject(new Error('lease file on fire'));
          if (property === 'aclsOf')
            return async () =>
              Promise.reject(new BackendError('BACKEND_UNAVAILABLE', 'firewall unreachable'));
          const value = Reflect.get(target, property, receiver);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      }),
    },
  };
};

interface Case {
  name: string;
  query: string;
  variables?: Record<string, unknown>;
  operationName?: string;
  as: 'admin' | 'alice';
  /**
   * Who answers with the compiled executor: compiled code (default), or graphql-js: mutations,
   * documents graphql-jit refuses, and (`rerun`) refused variables or errors nulling more than their field.
   */
  answeredBy?: 'graphql-js' | 'rerun';
}

const VM_CORE = `fragment VmCore on VirtualMachine { id name state running vcpus memoryMiB __typename }`;

const CASES: Case[] = [
  {
    name: 'the export shape with variables',
    as: 'admin',
    query: `query Vms($first: Int!, $after: String) {
      virtualMachines(first: $first, after: $after) {
        totalCount
        nodes {
          id name state running vcpus memoryMiB
          node { id name daemonState load }
          volumes { id name poolName sizeBytes }
          networks { id vni description type }
          assignedUsers { id displayName active }
        }
      }
    }`,
    variables: { first: 8, after: null },
  },
  {
    name: 'deep and nested fragments, inline fragments, __typename',
    as: 'admin',
    query: `query Deep {
      __typename
      virtualMachines(first: 4) { __typename pageInfo { hasNextPage endCursor } edges { cursor node { ...VmParts } } }
    }
    fragment VmParts on VirtualMachine {
      ...VmCore
      ... on VirtualMachine { node { ...NodeParts } owner { ...UserParts } }
      volumes { ... { id snapshots { name __typename } } }
    }
    fragment NodeParts on ClusterNode { __typename id name vms { ...VmCore owner { ...UserParts } } }
    fragment UserParts on User { __typename id displayName vms { name } }
    ${VM_CORE}`,
  },
  {
    name: 'aliases, the same field with other arguments, repeated fields merged',
    as: 'admin',
    query: `{
      first: virtualMachine(ref: "web1") { n: name name owner { id } owner { displayName } }
      second: virtualMachine(ref: "web2") { n: name node { name } node { id } }
      missing: virtualMachine(ref: "no-such-vm") { name }
      two: virtualMachines(first: 2) { nodes { name } }
      three: virtualMachines(first: 3) { total: totalCount nodes { id } }
    }`,
  },
  {
    name: '@skip and @include, by variables and literals, on fields and fragments',
    as: 'admin',
    query: `query Flags($withNode: Boolean!, $noUsers: Boolean!, $core: Boolean = true) {
      virtualMachines(first: 5) {
        nodes {
          name
          node @include(if: $withNode) { name }
          assignedUsers @skip(if: $noUsers) { id }
          ...VmCore @include(if: $core)
          ... @skip(if: $withNode) { networks { vni } }
          volumes @include(if: false) { id }
          owner @skip(if: false) { id }
        }
      }
    }
    ${VM_CORE}`,
    variables: { withNode: true, noUsers: true },
  },
  {
    name: '@skip and @include, the other way round',
    as: 'admin',
    query: `query Flags($withNode: Boolean!, $noUsers: Boolean!, $core: Boolean = true) {
      virtualMachines(first: 5) {
        nodes {
          name
          node @include(if: $withNode) { name }
          assignedUsers @skip(if: $noUsers) { id }
          ...VmCore @include(if: $core)
          ... @skip(if: $withNode) { networks { vni } }
        }
      }
    }
    ${VM_CORE}`,
    variables: { withNode: false, noUsers: false, core: false },
  },
  { name: 'introspection (what GraphiQL sends)', as: 'admin', query: getIntrospectionQuery() },
  {
    name: 'type introspection and __typename',
    as: 'alice',
    query: `{ __type(name: "VirtualMachine") { name fields { name type { kind name ofType { name } } } } viewer { __typename id } }`,
  },
  {
    name: 'FORBIDDEN: listing users as a user (another user’s VM is invisible)',
    as: 'alice',
    query: `{ own: virtualMachine(ref: "web1") { name owner { id } } other: virtualMachine(ref: "web2") { name } users { nodes { id } } }`,
    answeredBy: 'rerun',
  },
  {
    name: 'FORBIDDEN: the operation’s only field fails (data null, answered compiled)',
    as: 'alice',
    query: `query Users { users(first: 3) { nodes { id displayName } } }`,
  },
  {
    name: 'a public backend error with its details, in place (a nullable field)',
    as: 'admin',
    query: `{ glusterVolume(name: "no-such-volume") { name } network(vni: "100") { vni description } }`,
  },
  {
    name: 'an unexpected error is masked, in place (a nullable field)',
    as: 'admin',
    query: `query Net($description: String) { network(description: $description) { vni } same: network(vni: "100") { vni } }`,
    variables: { description: 'net1' },
  },
  {
    name: 'FORBIDDEN: another user’s VM (mutation, refused without effect)',
    as: 'alice',
    query: `mutation Stop($vm: String!) { stopVm(vm: $vm) { name state } }`,
    variables: { vm: 'web2' },
    answeredBy: 'graphql-js',
  },
  {
    name: 'an unexpected error is masked; null propagates to the nullable parent',
    as: 'admin',
    query: `{ networks { totalCount nodes { vni dhcpLeases { totalCount nodes { mac } } } } viewer { id } }`,
    answeredBy: 'rerun',
  },
  {
    name: 'a public backend error keeps its code; non-null propagation to data',
    as: 'admin',
    query: `query Acls { nets: networks { nodes { vni acls { description } } } }`,
    answeredBy: 'rerun',
  },
  {
    // Four VMs fail alike and each nulls the node: graphql-js reports the first only.
    name: 'non-null propagation from several list items to one nullable ancestor',
    as: 'admin',
    query: `{ hv1: clusterNode(id: "hv1") { name vms { name networks { vni acls { description } } } } hv2: clusterNode(id: "hv2") { name } }`,
    answeredBy: 'rerun',
  },
  {
    name: 'a BAD_USER_INPUT error from a resolver, with extensions',
    as: 'admin',
    query: `query Bad($pattern: String) { networks { nodes { vni dhcpReservations(macMatches: $pattern) { totalCount } } } }`,
    variables: { pattern: '([' },
    answeredBy: 'rerun',
  },
  {
    name: 'bad variables: wrong type',
    as: 'admin',
    query: `query Page($first: Int!) { virtualMachines(first: $first) { totalCount } }`,
    variables: { first: 'ten' },
    answeredBy: 'rerun',
  },
  {
    name: 'bad variables: a required one missing',
    as: 'admin',
    query: `query Page($first: Int!, $after: String) { virtualMachines(first: $first, after: $after) { totalCount } }`,
    variables: { after: null },
    answeredBy: 'rerun',
  },
  {
    name: 'bad variables: null for a non-null input field',
    as: 'admin',
    query: `query Vm($ref: String!) { virtualMachine(ref: $ref) { name } }`,
    variables: { ref: null },
    answeredBy: 'rerun',
  },
  {
    name: 'one operation of several, by name',
    as: 'alice',
    query: `query A { viewer { id } } query B { virtualMachines(first: 2) { nodes { name } } }`,
    operationName: 'B',
  },
  {
    name: 'several operations and no name: graphql-jit refuses to compile, graphql-js answers',
    as: 'alice',
    query: `query A { viewer { id } } query B { viewer { displayName } }`,
    answeredBy: 'graphql-js',
  },
];

describe('compiled execution answers as graphql-js does', () => {
  let server: TestServer;
  let schema: GraphQLSchema;
  const principals = {} as Record<Case['as'], Principal>;

  before(async () => {
    server = await startTestServer({ wrapSources: failing });
    const subgraphs = buildSubgraphs(server.backends.sources);
    schema = buildMergedSchema(subgraphs, composeGraph(subgraphs).apiSdl);
    const issued = await server.graphql(`mutation($id: ID!) { issueUserToken(id: $id) { token } }`, {
      id: DEMO_USERS.alice,
    });
    assert.equal(issued.errors, undefined);
    const authenticator = createAuthenticator(server.backends.sources.users.users);
    principals.admin = (await authenticator.authenticateToken(ADMIN_TOKEN))!;
    principals.alice = (await authenticator.authenticateToken(issued.data.issueUserToken.token))!;
    assert.equal(principals.alice.kind, 'user');
  });
  after(() => server?.close());

  const contextFor = (principal: Principal) => createRequestContext(principal, 'req-compiled-test');

  /** What a client could tell apart, and what the masking and the logs read. */
  const observable = (result: Awaited<ReturnType<CompiledExecutor['execute']>>) => ({
    json: JSON.parse(JSON.stringify(result)),
    errors: (result.errors ?? []).map((error) => ({
      isGraphQLError: error instanceof GraphQLError,
      code: codeOf(error),
      extensions: error.extensions,
      original: error.originalError?.constructor.name,
      masked: maskError(error.toJSON(), error),
    })),
  });

  test('graphql-js execute and the compiled executor over the merged schema', async () => {
    const compiled = createCompiledExecutor(schema, { compileAt: 1 });
    for (const each of CASES) {
      const document = parse(each.query);
      const principal = principals[each.as];
      const expected = await execute({
        schema,
        document,
        variableValues: each.variables,
        operationName: each.operationName,
        contextValue: contextFor(principal),
      });
      const runs = compiled.stats.compiledRuns;
      const reruns = compiled.stats.rerunRuns;
      const actual = await compiled.execute({
        document,
        key: each.query,
        operationName: each.operationName ?? null,
        variables: each.variables,
        context: contextFor(principal),
      });
      assert.deepEqual(observable(actual), observable(expected), each.name);
      const answered = {
        compiled: compiled.stats.compiledRuns - runs,
        rerun: compiled.stats.rerunRuns - reruns,
      };
      assert.deepEqual(
        answered,
        {
          compiled: each.answeredBy ? 0 : 1,
          rerun: each.answeredBy === 'rerun' ? 1 : 0,
        },
        each.name,
      );
    }
    // The error cases did produce what they are about.
    const codes = async (name: string) => {
      const each = CASES.find((candidate) => candidate.name.startsWith(name))!;
      const result = await compiled.execute({
        document: parse(each.query),
        key: each.query,
        operationName: each.operationName ?? null,
        variables: each.variables,
        context: contextFor(principals[each.as]),
      });
      return (result.errors ?? []).map((error) => maskError(error.toJSON(), error).extensions?.code);
    };
    assert.deepEqual(await codes('FORBIDDEN: listing users'), ['FORBIDDEN']);
    assert.deepEqual(await codes('FORBIDDEN: the operation’s only field'), ['FORBIDDEN']);
    assert.deepEqual(await codes('a public backend error with its details'), ['BACKEND_FAILED']);
    assert.deepEqual(await codes('an unexpected error is masked, in place'), ['INTERNAL_SERVER_ERROR']);
    assert.deepEqual(await codes('FORBIDDEN: another user’s VM (mutation'), ['FORBIDDEN']);
    assert.ok((await codes('an unexpected error')).every((code) => code === 'INTERNAL_SERVER_ERROR'));
    assert.deepEqual(await codes('a public backend error keeps its code'), ['BACKEND_UNAVAILABLE']);
    assert.deepEqual(await codes('non-null propagation from several'), ['BACKEND_UNAVAILABLE']);
    assert.deepEqual(await codes('a BAD_USER_INPUT'), ['BAD_USER_INPUT']);
  });

  test('through Apollo Server: identical responses, statuses and masking', async () => {
    const log = memoryLogger();
    const options = { maxDepth: 12, maxFields: 2000, log };
    const plain = createApollo(schema, options);
    const compiled = createCompiledExecutor(schema, { compileAt: 1 });
    const withCompiled = createApollo(schema, {
      ...options,
      executor: (operation) =>
        compiled.execute({
          document: operation.document,
          key: operation.source,
          operationName: operation.operationName,
          variables: operation.variables,
          context: operation.context,
        }),
    });
    await Promise.all([plain.start(), withCompiled.start()]);
    try {
      const send = async (apollo: ApolloServer<RequestContext>, each: Case) => {
        const response = await apollo.executeOperation(
          { query: each.query, variables: each.variables, operationName: each.operationName },
          { contextValue: contextFor(principals[each.as]) },
        );
        assert.equal(response.body.kind, 'single');
        return {
          status: response.http.status,
          body:
            response.body.kind === 'single' ? JSON.parse(JSON.stringify(response.body.singleResult)) : null,
        };
      };
      for (const each of CASES) {
        const expected = await send(plain, each);
        assert.deepEqual(await send(withCompiled, each), expected, each.name);
        for (const error of expected.body.errors ?? []) {
          assert.ok(typeof error.extensions?.code === 'string', `${each.name}: a code`);
          if (error.extensions.code === 'INTERNAL_SERVER_ERROR') {
            assert.equal(error.message, 'Internal server error');
            assert.ok(!JSON.stringify(error).includes('on fire'));
          }
        }
      }
      const statusOf = async (name: string) =>
        (
          await send(
            withCompiled,
            CASES.find((each) => each.name === name)!,
          )
        ).status;
      assert.equal(await statusOf('bad variables: wrong type'), 400);
      assert.equal(compiled.stats.compiledRuns, CASES.filter((each) => !each.answeredBy).length);
    } finally {
      await Promise.all([plain.stop(), withCompiled.stop()]);
    }
  });

  test('the server compiles a query on its second sighting and answers it the same', async () => {
    for (const each of CASES.filter((candidate) => candidate.as === 'admin')) {
      const post = () =>
        fetch(`${server.url}/graphql`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${ADMIN_TOKEN}`,
            'x-request-id': 'same-request-id',
          },
          body: JSON.stringify({
            query: each.query,
            variables: each.variables,
            operationName: each.operationName,
          }),
        }).then(async (response) => ({ status: response.status, body: await response.text() }));
      const first = await post();
      assert.deepEqual(await post(), first, each.name);
      assert.deepEqual(await post(), first, each.name);
    }
  });
});

test('no object type field is a method: compiled code reads fields without a resolver as properties', () => {
  // graphql-js's default resolver calls a function-valued property; graphql-jit returns it as it
  // is (type-graphql's own field resolver reads the property too). Getters are properties.
  buildSubgraphs(openBackends(parseConfig({ store: { path: ':memory:', demo: false } })).sources);
  const fields = getMetadataStorage().fields;
  assert.ok(fields.length > 100);
  const methods = fields.filter((field) => {
    const prototype = (field.target as { prototype?: object }).prototype;
    if (!prototype) return false;
    for (let at: object | null = prototype; at; at = Object.getPrototypeOf(at)) {
      const descriptor = Object.getOwnPropertyDescriptor(at, field.name);
      if (descriptor) return typeof descriptor.value === 'function';
    }
    return false;
  });
  assert.deepEqual(
    methods.map((field) => `${(field.target as { name: string }).name}.${field.name}`),
    [],
  );
});

describe('the compiled executor’s cache', () => {
  let server: TestServer;
  let schema: GraphQLSchema;
  before(async () => {
    server = await startTestServer();
    const subgraphs = buildSubgraphs(server.backends.sources);
    schema = buildMergedSchema(subgraphs, composeGraph(subgraphs).apiSdl);
  });
  after(() => server?.close());

  const run = (compiled: CompiledExecutor, query: string, operationName: string | null = null) =>
    compiled.execute({
      document: parse(query),
      key: query,
      operationName,
      variables: {},
      context: createRequestContext({ kind: 'system' }, 'req-cache'),
    });

  test('a document is compiled on its second sighting only; one-offs keep graphql-js', async () => {
    const compiled = createCompiledExecutor(schema);
    const query = `query A { virtualMachines(first: 2) { nodes { name } } } query B { viewer { id } }`;
    const first = await run(compiled, query, 'A');
    assert.deepEqual(compiled.stats, {
      compiled: 0,
      uncompilable: 0,
      compiledRuns: 0,
      interpretedRuns: 1,
      rerunRuns: 0,
    });
    // Another operation of the same text is another document.
    await run(compiled, query, 'B');
    assert.equal(compiled.stats.compiled, 0);
    const second = await run(compiled, query, 'A');
    assert.deepEqual(compiled.stats, {
      compiled: 1,
      uncompilable: 0,
      compiledRuns: 1,
      interpretedRuns: 2,
      rerunRuns: 0,
    });
    assert.deepEqual(JSON.stringify(second), JSON.stringify(first));
    await run(compiled, query, 'A');
    assert.deepEqual(compiled.stats, {
      compiled: 1,
      uncompilable: 0,
      compiledRuns: 2,
      interpretedRuns: 2,
      rerunRuns: 0,
    });
  });

  test('a document graphql-jit cannot compile runs through graphql-js, and is not compiled again', async () => {
    const compiled = createCompiledExecutor(schema, { compileAt: 1 });
    // Not validated (the shims' documents are not validated per request): graphql-jit coerces
    // literal arguments while compiling and refuses; graphql-js fails the field.
    const query = `{ virtualMachines(first: "ten") { totalCount } viewer { id } }`;
    const expected = await execute({
      schema,
      document: parse(query),
      contextValue: createRequestContext({ kind: 'system' }, 'req-cache'),
    });
    assert.match(String(expected.errors?.[0]?.message), /has invalid value/);
    assert.deepEqual(JSON.stringify(await run(compiled, query)), JSON.stringify(expected));
    assert.deepEqual(JSON.stringify(await run(compiled, query)), JSON.stringify(expected));
    assert.deepEqual(compiled.stats, {
      compiled: 0,
      uncompilable: 1,
      compiledRuns: 0,
      interpretedRuns: 2,
      rerunRuns: 0,
    });
  });

  test('the cache is bounded: the least recently used compiled document goes first', async () => {
    const compiled = createCompiledExecutor(schema, { compileAt: 1, maxCompiled: 2 });
    const queries = [1, 2, 3].map((n) => `{ virtualMachines(first: ${n}) { totalCount } }`);
    await run(compiled, queries[0]!);
    await run(compiled, queries[1]!);
    await run(compiled, queries[0]!); // 0 used last: 1 goes when 2 comes
    await run(compiled, queries[2]!);
    assert.equal(compiled.stats.compiled, 3);
    await run(compiled, queries[0]!);
    assert.equal(compiled.stats.compiled, 3);
    await run(compiled, queries[1]!);
    assert.equal(compiled.stats.compiled, 4);
  });
});
