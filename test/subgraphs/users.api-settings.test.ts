/** The users subgraph's API-client signature check and legacy-API settings (used by the Gluster REST shim). */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, test } from 'node:test';
import { graphql } from 'graphql';
import { Store } from '../../src/drivers/embedded/store.js';
import { EmbeddedUsers } from '../../src/drivers/embedded/users.js';
import { SYSTEM, type Principal } from '../../src/identity/index.js';
import { createRequestContext } from '../../src/subgraphs/kit/index.js';
import { buildUsersSubgraph, type UsersSource } from '../../src/subgraphs/users/index.js';

const operator: Principal = { kind: 'operator', id: 'myapp', via: 'gluster-rest' };
const user: Principal = { kind: 'user', id: 'u', name: 'u@example.com', admin: false, groups: [] };

function setup() {
  const store = new Store(':memory:');
  const calls: string[] = [];
  const inner = new EmbeddedUsers(store);
  const source = new Proxy(inner, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function'
        ? (...args: unknown[]) => (calls.push(String(property)), value.apply(target, args))
        : value;
    },
  }) as UsersSource;
  const { schema } = buildUsersSubgraph({ users: source });
  const run = async (
    source: string,
    principal: Principal = SYSTEM,
    variableValues?: Record<string, unknown>,
  ) => {
    const result = await graphql({
      schema,
      source,
      variableValues,
      contextValue: createRequestContext(principal),
    });
    return { data: JSON.parse(JSON.stringify(result.data ?? null)) as any, errors: result.errors };
  };
  return { run, calls, store };
}

const mac = (input: string, secret: string) => createHmac('sha256', secret).update(input).digest('base64url');
const VERIFY =
  'query ($appId: ID!, $input: String!, $signature: String!) { verifyApiClientSignature(appId: $appId, signingInput: $input, signature: $signature) }';

describe('verifyApiClientSignature', () => {
  test('VALID, BAD_SIGNATURE and UNKNOWN_APP, the secret never in the answer', async () => {
    const { run, calls } = setup();
    assert.equal(
      (await run('mutation { addApiClient(appId: "myapp", secret: "myappsecret") { appId } }')).errors,
      undefined,
    );
    const check = async (appId: string, input: string, signature: string) =>
      (await run(VERIFY, operator, { appId, input, signature })).data?.verifyApiClientSignature;
    assert.equal(await check('myapp', 'a.b', mac('a.b', 'myappsecret')), 'VALID');
    assert.equal(await check('myapp', 'a.b', mac('a.c', 'myappsecret')), 'BAD_SIGNATURE');
    assert.equal(await check('myapp', 'a.b', mac('a.b', 'wrong')), 'BAD_SIGNATURE');
    assert.equal(await check('myapp', 'a.b', mac('a.b', 'myappsecret').slice(0, 20)), 'BAD_SIGNATURE');
    assert.equal(await check('myapp', 'a.b', `${mac('a.b', 'myappsecret')}AA`), 'BAD_SIGNATURE');
    assert.equal(await check('myapp', 'a.b', '!!not base64!!'), 'BAD_SIGNATURE');
    assert.equal(await check('myapp', 'a.b', ''), 'BAD_SIGNATURE');
    assert.equal(await check('other', 'a.b', mac('a.b', 'myappsecret')), 'UNKNOWN_APP');
    calls.length = 0;
    // A malformed app id never reaches the store.
    assert.equal(await check('-rf', 'a.b', 'x'), 'UNKNOWN_APP');
    assert.deepEqual(calls, []);
  });

  test('only privileged principals may ask', async () => {
    const { run } = setup();
    const anonymous = await run(VERIFY, { kind: 'anonymous' }, { appId: 'a', input: 'b', signature: 'c' });
    assert.equal(anonymous.errors?.[0]?.extensions?.code, 'UNAUTHENTICATED');
    const plain = await run(VERIFY, user, { appId: 'a', input: 'b', signature: 'c' });
    assert.equal(plain.errors?.[0]?.extensions?.code, 'FORBIDDEN');
  });
});

describe('API settings', () => {
  test('set, list by name, replace, reset one and all', async () => {
    const { run } = setup();
    const set = (name: string, value: string) =>
      run(
        'mutation ($name: String!, $value: String!) { setApiSetting(api: "gluster", name: $name, value: $value) { api name value } }',
        SYSTEM,
        { name, value },
      );
    assert.deepEqual((await set('port', '8080')).data.setApiSetting, {
      api: 'gluster',
      name: 'port',
      value: '8080',
    });
    await set('auth-enabled', 'true');
    await set('auth-enabled', 'false');
    await run('mutation { setApiSetting(api: "other", name: "x", value: "1") { name } }');
    const list = await run('{ apiSettings(api: "gluster") { name value } }', operator);
    assert.deepEqual(list.data.apiSettings, [
      { name: 'auth-enabled', value: 'false' },
      { name: 'port', value: '8080' },
    ]);
    assert.equal(
      (await run('mutation { resetApiSettings(api: "gluster", name: "port") }')).data.resetApiSettings,
      1,
    );
    assert.equal(
      (await run('mutation { resetApiSettings(api: "gluster", name: "port") }')).data.resetApiSettings,
      0,
    );
    assert.equal((await run('mutation { resetApiSettings(api: "gluster") }')).data.resetApiSettings, 1);
    assert.deepEqual((await run('{ apiSettings(api: "gluster") { name } }')).data.apiSettings, []);
    assert.deepEqual((await run('{ apiSettings(api: "other") { name } }')).data.apiSettings, [{ name: 'x' }]);
  });

  test('bad names and values, and authorization', async () => {
    const { run } = setup();
    const bad = await run(
      'mutation { setApiSetting(api: "gluster", name: "x", value: "not json") { name } }',
    );
    assert.equal(bad.errors?.[0]?.extensions?.reason, 'INVALID_SETTING_VALUE');
    const name = await run('mutation { setApiSetting(api: "gluster", name: "-x", value: "1") { name } }');
    assert.equal(name.errors?.[0]?.extensions?.reason, 'INVALID_SETTING_NAME');
    const api = await run('{ apiSettings(api: "Gluster REST") { name } }');
    assert.equal(api.errors?.[0]?.extensions?.reason, 'INVALID_SETTING_NAME');
    const forbidden = await run(
      'mutation { setApiSetting(api: "gluster", name: "x", value: "1") { name } }',
      user,
    );
    assert.equal(forbidden.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    const anonymous = await run('{ apiSettings(api: "gluster") { name } }', { kind: 'anonymous' });
    assert.equal(anonymous.errors?.[0]?.extensions?.code, 'UNAUTHENTICATED');
  });
});
