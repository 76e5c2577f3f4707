// Client flows of the Astakos shim (kamaki, astakosclient), every token refusal, secrets in logs.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../support/cloudfed.js';
import {
  ASTAKOS_DATA,
  C1,
  C_EXPIRED,
  fault,
  raw,
  T1,
  T2,
  T_EXPIRED,
  T_INACTIVE,
  T_TERMS,
  U1,
  U2,
} from './astakos.support.js';

describe('Astakos shim: client flows', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({
      demo: false,
      importText: ASTAKOS_DATA,
      config: { server: { accessLog: true } },
    });
  });
  after(() => server.close());

  test('kamaki: tokens with a token, account endpoint from the catalog, user_catalogs both ways', async () => {
    // kamaki sends the token in the body and as a header, and plain fetch adds its own headers.
    const auth = await fetch(`${server.url}/astakos/identity/v2.0/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-auth-token': T1 },
      body: JSON.stringify({ auth: { token: { id: T1 } } }),
    });
    assert.equal(auth.status, 200);
    const access = (await auth.json()) as {
      access: {
        token: { id: string };
        user: { id: string };
        serviceCatalog: { type: string; endpoints: { versionId: string; publicURL: string }[] }[];
      };
    };
    assert.equal(access.access.user.id, U1);
    assert.equal(access.access.token.id, T1);
    const account = access.access.serviceCatalog.find((service) => service.type === 'account');
    assert.ok(account);
    assert.equal(account.endpoints[0]!.versionId, 'v1.0');
    // The catalog names the public URL; the test server serves the same path locally.
    const accountPath = new URL(account.endpoints[0]!.publicURL).pathname;
    assert.equal(accountPath, '/account/v1.0');
    const catalogs = async (body: unknown) => {
      const reply = await fetch(`${server.url}/astakos${accountPath}/user_catalogs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-auth-token': access.access.token.id },
        body: JSON.stringify(body),
      });
      assert.equal(reply.status, 200);
      return reply.json();
    };
    assert.deepEqual(await catalogs({ uuids: [U1, U2] }), {
      displayname_catalog: {},
      uuid_catalog: { [U1]: 'user@example.com', [U2]: 'user2@example.com' },
    });
    assert.deepEqual(await catalogs({ displaynames: ['USER2@example.com', 'nobody@example.com'] }), {
      displayname_catalog: { 'USER2@example.com': U2 },
      uuid_catalog: {},
    });
    // Of two spellings equal ignoring case, the later one is the key.
    assert.deepEqual(await catalogs({ displaynames: ['user@example.com', 'USER@example.com'] }), {
      displayname_catalog: { 'USER@example.com': U1 },
      uuid_catalog: {},
    });
  });

  test('astakosclient: authenticate, service user_catalogs with null, feedback as octet-stream', async () => {
    const authenticate = await fetch(`${server.url}/astakos/account/v1.0/authenticate`, {
      headers: { 'X-Auth-Token': T2 },
    });
    assert.equal(authenticate.status, 200);
    const user = (await authenticate.json()) as Record<string, unknown>;
    assert.equal(user.uuid, U2);
    assert.equal(user.username, 'user2@example.com');
    assert.deepEqual(user.groups, ['default', 'staff']);
    // 12:30:00.250 is reported in whole seconds.
    assert.equal(user.auth_token_expires, Date.parse('2030-06-01T12:30:00Z'));

    const everyone = await fetch(`${server.url}/astakos/account/v1.0/service/user_catalogs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'X-Auth-Token': C1 },
      body: JSON.stringify({ uuids: null, displaynames: null }),
    });
    assert.equal(everyone.status, 200);
    const both = (await everyone.json()) as Record<string, Record<string, string>>;
    assert.equal(both.uuid_catalog![U2], 'user2@example.com');
    assert.equal(both.displayname_catalog!['user2@example.com'], U2);
    assert.equal(Object.keys(both.uuid_catalog!).length, 6);

    // The same null in the user call is nothing, not everyone: the call runs as the user.
    const asUser = await raw(server.url, 'POST', '/astakos/account/v1.0/user_catalogs', {
      headers: { 'X-Auth-Token': T2 },
      body: JSON.stringify({ uuids: null, displaynames: null }),
    });
    assert.equal(asUser.body, '{"displayname_catalog": {}, "uuid_catalog": {}}');

    const feedback = await raw(server.url, 'POST', '/astakos/account/v1.0/feedback', {
      headers: { 'X-Auth-Token': T2, 'Content-Type': 'application/octet-stream' },
      body: new URLSearchParams({
        feedback_msg: 'Ça marche & plus',
        feedback_data: '{"page": "vms"}',
      }).toString(),
    });
    assert.equal(feedback.status, 200);
    assert.equal(feedback.body, '');
    const stored = await server.graphql('{ feedback(first: 1) { nodes { message data user { id } } } }');
    assert.deepEqual(stored.data.feedback.nodes, [
      { message: 'Ça marche & plus', data: '{"page": "vms"}', user: { id: U2 } },
    ]);
  });

  test('feedback as multipart form data', async () => {
    const form = new FormData();
    form.set('feedback_msg', 'from a browser form');
    const reply = await fetch(`${server.url}/astakos/account/v1.0/feedback`, {
      method: 'POST',
      headers: { 'X-Auth-Token': T1 },
      body: form,
    });
    assert.equal(reply.status, 200);
    const stored = await server.graphql('{ feedback(first: 1) { nodes { message data } } }');
    assert.deepEqual(stored.data.feedback.nodes, [{ message: 'from a browser form', data: null }]);
  });

  test('expired, revoked, inactive-user and pending-terms tokens: their exact 401 on every user endpoint', async () => {
    const issued = await server.graphql(
      'mutation ($id: ID!) { issueUserToken(id: $id, lifetimeSeconds: 3600) { token } }',
      { id: U2 },
    );
    const fresh = issued.data.issueUserToken.token as string;
    const ok = await raw(server.url, 'GET', '/astakos/account/v1.0/authenticate', {
      headers: { 'X-Auth-Token': fresh },
    });
    assert.equal(ok.status, 200);
    // The old token was replaced by the new one.
    const replaced = await raw(server.url, 'GET', '/astakos/account/v1.0/authenticate', {
      headers: { 'X-Auth-Token': T2 },
    });
    assert.equal(replaced.body, fault('unauthorized', 401, 'Invalid X-Auth-Token'));
    const revoked = await server.graphql('mutation ($id: ID!) { revokeUserToken(id: $id) { id } }', {
      id: U2,
    });
    assert.equal(revoked.errors, undefined);

    const cases: [string, string][] = [
      [fresh, 'Invalid X-Auth-Token'],
      [T_EXPIRED, 'Authentication expired'],
      [T_INACTIVE, 'User inactive'],
      [T_TERMS, 'Pending approval terms'],
    ];
    const endpoints: [string, string, string][] = [
      ['GET', '/astakos/account/v1.0/authenticate', ''],
      ['POST', '/astakos/account/v1.0/feedback', 'feedback_msg=x'],
      ['POST', '/astakos/account/v1.0/user_catalogs', '{}'],
      ['POST', '/astakos/user_catalogs', '{}'],
    ];
    for (const [token, message] of cases) {
      for (const [method, path, body] of endpoints) {
        const reply = await raw(server.url, method, `${path}?X-Auth-Token=${encodeURIComponent(token)}`, {
          ...(method === 'POST' ? { body } : {}),
        });
        assert.equal(reply.status, 401, `${path} ${message}`);
        assert.equal(reply.body, fault('unauthorized', 401, message));
      }
    }
    // Expiring a token through the graph takes effect at once.
    const expire = await server.graphql('mutation ($id: ID!) { expireUserToken(id: $id) { id } }', {
      id: U1,
    });
    assert.equal(expire.errors, undefined);
    const expired = await raw(server.url, 'POST', '/astakos/identity/v2.0/tokens', {
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ auth: { token: { id: T1 } } }),
    });
    assert.equal(expired.body, fault('unauthorized', 401, 'Authentication expired'));
    // A user disabled through the graph is inactive at once.
    const renewed = await server.graphql('mutation ($id: ID!) { issueUserToken(id: $id) { token } }', {
      id: U1,
    });
    const token = renewed.data.issueUserToken.token as string;
    const before = await raw(server.url, 'GET', '/astakos/ui/authenticate', {
      headers: { 'X-Auth-Token': token },
    });
    assert.equal(before.status, 200);
    await server.graphql('mutation ($id: ID!) { disableUser(id: $id) { id } }', { id: U1 });
    const disabled = await raw(server.url, 'GET', '/astakos/ui/authenticate', {
      headers: { 'X-Auth-Token': token },
    });
    assert.equal(disabled.body, fault('unauthorized', 401, 'User inactive'));
  });

  test('service call: user tokens, unknown and expired component tokens are refused', async () => {
    const cases: [string, string][] = [
      [T_TERMS, 'Invalid X-Auth-Token'],
      ['nope', 'Invalid X-Auth-Token'],
      [C_EXPIRED, 'Authentication expired'],
    ];
    for (const [token, message] of cases) {
      const reply = await raw(server.url, 'POST', '/astakos/account/v1.0/service/user_catalogs', {
        headers: { 'X-Auth-Token': token },
        body: '{"uuids": null}',
      });
      assert.equal(reply.status, 401, token);
      assert.equal(reply.body, fault('unauthorized', 401, message));
    }
    const noToken = await raw(server.url, 'POST', '/astakos/service/api/user_catalogs', { body: '{}' });
    assert.equal(noToken.body, fault('unauthorized', 401, 'Access denied. No authentication token'));
    // A component token is not a user token either.
    const feedback = await raw(server.url, 'POST', '/astakos/feedback', {
      headers: { 'X-Auth-Token': C1 },
      body: 'feedback_msg=x',
    });
    assert.equal(feedback.body, fault('unauthorized', 401, 'Invalid X-Auth-Token'));
  });

  test('no token value reaches the log, not even from the query string', async () => {
    await raw(server.url, 'GET', `/astakos/account/v1.0/authenticate?X-Auth-Token=${encodeURIComponent(C1)}`);
    await raw(server.url, 'GET', `/astakos/ui/get_menu`, { headers: { Cookie: `_pithos2_a=${U1}%7C${C1}` } });
    assert.ok(
      server.logLines.some((line) => line.includes('/astakos/account/v1.0/authenticate')),
      'access log on',
    );
    for (const secret of [T1, T2, C1, T_EXPIRED, T_INACTIVE, T_TERMS, C_EXPIRED]) {
      for (const form of [secret, encodeURIComponent(secret)]) {
        assert.ok(!server.logLines.some((line) => line.includes(form)), `log shows ${secret}`);
      }
    }
  });

  test('hostile input: huge bodies, bad cookies and odd methods get faults, never a stack', async () => {
    const big = await raw(server.url, 'POST', '/astakos/account/v1.0/user_catalogs', {
      headers: { 'X-Auth-Token': C1 },
      body: 'x',
    });
    assert.equal(big.body, fault('unauthorized', 401, 'Invalid X-Auth-Token'));
    const huge = await raw(server.url, 'POST', '/astakos/identity/v2.0/tokens', {
      headers: { 'Content-Type': 'application/json' },
      body: `{"auth": {"token": {"id": "${'a'.repeat(2_000_000)}"}}}`,
    });
    assert.equal(huge.status, 400);
    assert.equal(huge.body, fault('badRequest', 400, 'Invalid JSON data'));
    const badCookie = await raw(server.url, 'GET', '/astakos/ui/get_menu', {
      headers: { Cookie: '_pithos2_a=%E0%A4%A' },
    });
    assert.equal(badCookie.status, 302);
    const numberToken = await raw(server.url, 'POST', '/astakos/identity/v2.0/tokens', {
      headers: { 'Content-Type': 'application/json' },
      body: '{"auth": {"token": {"id": 5}}}',
    });
    assert.equal(numberToken.body, fault('unauthorized', 401, 'Invalid token'));
    const escaped = await raw(server.url, 'GET', '/astakos/ui/get_services?callback=%3Cscript%3E');
    assert.ok(!escaped.body.includes('<script>'));
  });
});

describe('Astakos shim: mounting', () => {
  test('an empty base path: the API at the root, the server’s own paths untouched', async () => {
    const server = await startTestServer({
      demo: false,
      importText: ASTAKOS_DATA,
      config: {
        shims: { astakos: { basePath: '', cookieName: 'astakos_cookie', cookieDomain: 'example.org' } },
      },
    });
    try {
      const ok = await raw(server.url, 'GET', '/account/v1.0/authenticate', {
        headers: { 'X-Auth-Token': T1 },
      });
      assert.equal(ok.status, 200);
      assert.equal(JSON.parse(ok.body).uuid, U1);
      const menu = await raw(server.url, 'GET', '/ui/get_menu');
      assert.equal(menu.body, '[{"url": "http://cloud.example.org/ui/", "name": "Sign in"}]');
      const signedIn = await raw(server.url, 'GET', '/ui/get_menu', {
        headers: { Cookie: `astakos_cookie=${U1}%7C${encodeURIComponent(T1)}; _pithos2_a=ignored` },
      });
      assert.equal(JSON.parse(signedIn.body)[0].name, 'user@example.com');
      const invalid = await raw(server.url, 'GET', '/ui/get_menu', {
        headers: { Cookie: 'astakos_cookie=x%7Cy' },
      });
      assert.equal(invalid.status, 302);
      assert.equal(invalid.headers.location, 'http://cloud.example.org/ui/get_menu');
      assert.deepEqual(invalid.headers['set-cookie'], [
        'astakos_cookie=; Domain=example.org; expires=Thu, 01-Jan-1970 00:00:00 GMT; Max-Age=0; Path=/',
      ]);
      const unknown = await raw(server.url, 'GET', '/identity/v2.0/nothing');
      assert.equal(unknown.body, fault('badRequest', 400, 'API endpoint not found'));
      const alias = await raw(server.url, 'POST', '/service/api/user_catalogs', {
        headers: { 'X-Auth-Token': C1 },
        body: '{}',
      });
      assert.equal(alias.status, 200);
      const health = await raw(server.url, 'GET', '/healthz');
      assert.equal(health.body, '{"status":"ok"}');
      const graphql = await server.graphql('{ viewer { id } }');
      assert.equal(graphql.status, 200);
    } finally {
      await server.close();
    }
  });

  test('another base path, and a disabled shim', async () => {
    const moved = await startTestServer({
      demo: false,
      importText: ASTAKOS_DATA,
      config: { shims: { astakos: { basePath: '/identity-service' } } },
    });
    try {
      const services = await raw(moved.url, 'GET', '/identity-service/ui/get_services');
      assert.equal(services.status, 200);
      const base = await raw(moved.url, 'GET', '/identity-service');
      assert.equal(base.headers.location, 'http://cloud.example.org/identity-service/ui/');
      const old = await raw(moved.url, 'GET', '/astakos/ui/get_services');
      assert.equal(old.status, 404);
      assert.notEqual(old.headers['content-type'], 'application/json; charset=UTF-8');
    } finally {
      await moved.close();
    }
    const off = await startTestServer({ demo: false, config: { shims: { astakos: { enabled: false } } } });
    try {
      const reply = await raw(off.url, 'GET', '/astakos/ui/get_services');
      assert.equal(reply.status, 404);
      assert.ok(!reply.body.includes('itemNotFound'));
    } finally {
      await off.close();
    }
  });
});

describe('Astakos shim: unexpected failures', () => {
  test('a failing store gives the 500 fault, never a stack or internal text', async () => {
    const server = await startTestServer({
      demo: false,
      importText: ASTAKOS_DATA,
      wrapSources: (sources) => {
        const broken = new Proxy(sources.users.users, {
          get(target, property, receiver) {
            if (
              property === 'userByTokenHash' ||
              property === 'listComponents' ||
              property === 'listServices'
            )
              return () => Promise.reject(new Error('disk on fire at /var/lib/secret'));
            return Reflect.get(target, property, receiver);
          },
        });
        return { ...sources, users: { ...sources.users, users: broken } };
      },
    });
    try {
      const api = await raw(server.url, 'GET', '/astakos/account/v1.0/authenticate', {
        headers: { 'X-Auth-Token': T1 },
      });
      assert.equal(api.status, 500);
      assert.equal(api.headers['content-type'], 'application/json; charset=UTF-8');
      assert.equal(api.headers.vary, 'X-Auth-Token');
      assert.equal(api.body, fault('internalServerError', 500, 'Unexpected error'));
      const xml = await raw(server.url, 'POST', '/astakos/identity/v2.0/tokens?format=xml', {
        headers: { 'Content-Length': '0' },
      });
      assert.equal(xml.status, 500);
      assert.ok(xml.body.includes('<message>Unexpected error</message>'));
      const cloudbar = await raw(server.url, 'GET', '/astakos/ui/get_services?callback=cb');
      assert.equal(cloudbar.status, 500);
      assert.equal(cloudbar.headers['content-type'], 'application/json');
      assert.equal(cloudbar.body, fault('internalServerError', 500, 'Unexpected error'));
      for (const reply of [api, xml, cloudbar]) assert.ok(!reply.body.includes('fire'));
      // The detail is in the log for the operator, without the token.
      assert.ok(server.logLines.some((line) => line.includes('disk on fire')));
      assert.ok(!server.logLines.some((line) => line.includes(T1)));
    } finally {
      await server.close();
    }
  });
});
