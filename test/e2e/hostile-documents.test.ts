import { getIntrospectionQuery } from 'graphql';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ADMIN_TOKEN, startTestServer, type TestServer } from '../support/cloudfed.js';

// Bad documents get clean GraphQL errors, and the server keeps serving after each.
describe('hostile and malformed GraphQL documents', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  const stillServing = async () => {
    const reply = await server.graphql('{ clusterNodes { totalCount } }');
    assert.equal(reply.data?.clusterNodes?.totalCount, 3);
  };

  test('syntax errors', async () => {
    const reply = await server.graphql('{ clusterNodes { totalCount ');
    assert.equal(reply.status, 400);
    assert.equal(reply.errors?.[0]?.extensions?.code, 'GRAPHQL_PARSE_FAILED');
    await stillServing();
  });

  test('unknown fields are validation errors with no stack trace', async () => {
    const reply = await server.graphql('{ clusterNodes { nope } }');
    assert.equal(reply.status, 400);
    assert.equal(reply.errors?.[0]?.extensions?.code, 'GRAPHQL_VALIDATION_FAILED');
    assert.equal(reply.errors?.[0]?.extensions?.stacktrace, undefined);
    await stillServing();
  });

  test('very deep queries are refused before execution', async () => {
    // Introspection lets a client nest as deep as it likes: refused by the depth limit.
    let nested = 'name';
    for (let i = 0; i < 30; i++) nested = `ofType { ${nested} }`;
    const reply = await server.graphql(`{ __schema { types { fields { type { ${nested} } } } } }`);
    assert.equal(reply.status, 400);
    assert.equal(reply.errors?.[0]?.extensions?.reason, 'MAX_DEPTH');
    await stillServing();
  });

  test('the standard introspection query (GraphiQL, codegen) is within the limits', async () => {
    const reply = await server.graphql(
      getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, inputValueDeprecation: true }),
    );
    assert.equal(reply.status, 200);
    assert.equal(reply.errors, undefined);
    assert.ok(reply.data?.__schema?.types?.length > 50);
  });

  test('very wide queries (alias amplification) are refused', async () => {
    const aliases = Array.from({ length: 6000 }, (_, i) => `a${i}: clusterNodes { totalCount }`).join(' ');
    const reply = await server.graphql(`{ ${aliases} }`);
    assert.equal(reply.status, 400);
    assert.match(reply.errors?.[0]?.extensions?.code ?? '', /GRAPHQL_VALIDATION_FAILED|GRAPHQL_PARSE_FAILED/);
    await stillServing();
  });

  test('fragment cycles, unknown operations and non-GraphQL bodies', async () => {
    const cycle = await server.graphql('{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }');
    assert.equal(cycle.errors?.[0]?.extensions?.code, 'GRAPHQL_VALIDATION_FAILED');
    const notJson = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
      body: '{"query": ',
    });
    assert.equal(notJson.status, 400);
    assert.match(notJson.headers.get('content-type') ?? '', /json/);
    const wrongShape = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
      body: JSON.stringify({ query: 42 }),
    });
    assert.equal(wrongShape.status, 400);
    const huge = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ clusterNodes { totalCount } } # ${'x'.repeat(2_000_000)}` }),
    });
    assert.equal(huge.status, 413);
    const wrongMethod = await fetch(`${server.url}/graphql`, { method: 'DELETE' });
    assert.equal(wrongMethod.status, 405);
    const unknownPath = await fetch(`${server.url}/nothing-here`);
    assert.equal(unknownPath.status, 404);
    assert.match(unknownPath.headers.get('content-type') ?? '', /json/);
    await stillServing();
  });

  test('wrong credentials are refused, not downgraded to anonymous', async () => {
    const wrong = await server.graphql('{ clusterNodes { totalCount } }', undefined, 'not-a-token');
    assert.equal(wrong.status, 401);
    assert.equal(wrong.errors?.[0]?.extensions?.code, 'UNAUTHENTICATED');
    const anonymous = await server.graphql('{ clusterNodes { totalCount } }', undefined, null);
    assert.equal(anonymous.errors?.[0]?.extensions?.code, 'UNAUTHENTICATED');
    const mutation = await server.graphql(
      'mutation { setRouterMode(node: "hv2", mode: PRIMARY) { id } }',
      undefined,
      null,
    );
    assert.equal(mutation.errors?.[0]?.extensions?.code, 'UNAUTHENTICATED');
  });
});
