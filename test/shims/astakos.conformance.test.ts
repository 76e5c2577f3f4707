// The conformance checklist of compat/astakos.md §9, case by case, against the real HTTP server.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../support/cloudfed.js';
import {
  ASTAKOS_DATA,
  C1,
  fault,
  raw,
  T1,
  T_EXPIRED,
  T_INACTIVE,
  T_TERMS,
  U1,
  U2,
  xmlFault,
  type RawReply,
} from './astakos.support.js';

const JSON_TYPE = 'application/json; charset=UTF-8';
const XML_TYPE = 'application/xml; charset=UTF-8';
const CACHE = 'no-cache, no-store, must-revalidate, max-age=0';
const HTTP_DATE = /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/;

const ACCOUNT = `{"endpoints_links": [], "endpoints": [{"SNF:uiURL": "https://accounts.example.synnefo.org/ui", "versionId": "v1.0", "publicURL": "https://accounts.example.synnefo.org/account/v1.0"}], "type": "account", "name": "astakos_account"}`;
const WEBLOGIN = `{"endpoints_links": [], "endpoints": [{"SNF:uiURL": "https://accounts.example.synnefo.org/ui", "versionId": "", "SNF:webloginURL": "https://accounts.example.synnefo.org/astakos/weblogin", "publicURL": "https://accounts.example.synnefo.org/astakos/weblogin"}], "type": "astakos_weblogin", "name": "astakos_weblogin"}`;
const COMPUTE = `{"endpoints_links": [], "endpoints": [{"SNF:uiURL": "https://cyclades.example.synnefo.org/ui", "versionId": "v2.0", "publicURL": "https://cyclades.example.synnefo.org/compute/v2.0"}], "type": "compute", "name": "cyclades_compute"}`;
const CATALOG = `[${ACCOUNT}, ${WEBLOGIN}, ${COMPUTE}]`;
const FULL_ACCESS = `{"access": {"token": {"expires": "2030-01-01T00:00:00+00:00", "id": "${T1}", "tenant": {"id": "${U1}", "name": "Firstname Lastname"}}, "serviceCatalog": ${CATALOG}, "user": {"roles_links": [], "id": "${U1}", "roles": [{"id": 1, "name": "default"}], "name": "Firstname Lastname"}}}`;

/** Every API response carries these (§5). */
function assertApiHeaders(reply: RawReply, type = JSON_TYPE): void {
  assert.equal(reply.headers['content-type'], type);
  assert.equal(reply.headers.vary, 'X-Auth-Token');
  assert.equal(reply.headers['cache-control'], CACHE);
  assert.match(String(reply.headers.expires), HTTP_DATE);
  assert.match(String(reply.headers['last-modified']), HTTP_DATE);
  assert.equal(reply.headers['content-length'], String(Buffer.byteLength(reply.body)));
}

function assertUserObject(body: string, authToken: string | null): void {
  const created = /"auth_token_created": (\d+)/.exec(body)?.[1];
  assert.ok(created, body);
  assert.equal(Number(created) % 1000, 0);
  assert.ok(Math.abs(Number(created) - Date.now()) < 120_000, 'created at the import');
  assert.equal(
    body,
    `{"username": "user@example.com", "auth_token_expires": 1893456000000, "auth_token_created": ${created}, "uuid": "${U1}", "name": "Firstname Lastname", "auth_token": ${authToken === null ? 'null' : `"${authToken}"`}, "groups": ["default"], "id": 12, "email": ["user@example.com"]}`,
  );
}

describe('Astakos shim: conformance checklist (compat/astakos.md §9)', () => {
  let server: TestServer;
  let call: typeof raw extends (base: string, ...rest: infer R) => infer O ? (...rest: R) => O : never;
  before(async () => {
    server = await startTestServer({ demo: false, importText: ASTAKOS_DATA });
    call = (...args) => raw(server.url, ...args);
  });
  after(() => server.close());

  test('1. authenticate with the header token: 200, API headers, user object', async () => {
    const reply = await call('GET', '/astakos/account/v1.0/authenticate', {
      headers: { 'X-Auth-Token': T1 },
    });
    assert.equal(reply.status, 200);
    assertApiHeaders(reply);
    assertUserObject(reply.body, T1);
  });

  test('2. trailing slash, query token only: auth_token null', async () => {
    const reply = await call(
      'GET',
      `/astakos/account/v1.0/authenticate/?X-Auth-Token=${encodeURIComponent(T1)}`,
    );
    assert.equal(reply.status, 200);
    assertApiHeaders(reply);
    assertUserObject(reply.body, null);
  });

  test('3. ui/authenticate is the same endpoint', async () => {
    const reply = await call('GET', '/astakos/ui/authenticate', { headers: { 'X-Auth-Token': T1 } });
    assert.equal(reply.status, 200);
    assertApiHeaders(reply);
    assertUserObject(reply.body, T1);
  });

  test('4. wrong method before the token: 400 Method not allowed (HEAD and OPTIONS too, never 405)', async () => {
    const reply = await call('POST', '/astakos/account/v1.0/authenticate', { body: '' });
    assert.equal(reply.status, 400);
    assertApiHeaders(reply);
    assert.equal(reply.body, fault('badRequest', 400, 'Method not allowed'));
    for (const method of ['PUT', 'DELETE', 'OPTIONS']) {
      const other = await call(method, '/astakos/account/v1.0/authenticate', {
        headers: { 'X-Auth-Token': T1 },
      });
      assert.equal(other.status, 400, method);
      assert.equal(other.body, fault('badRequest', 400, 'Method not allowed'));
    }
    const head = await call('HEAD', '/astakos/account/v1.0/authenticate', {
      headers: { 'X-Auth-Token': T1 },
    });
    assert.equal(head.status, 400);
  });

  test('5. no token: 401 Access denied. No authentication token', async () => {
    const reply = await call('GET', '/astakos/account/v1.0/authenticate');
    assert.equal(reply.status, 401);
    assertApiHeaders(reply);
    assert.equal(reply.body, fault('unauthorized', 401, 'Access denied. No authentication token'));
    const empty = await call('GET', '/astakos/account/v1.0/authenticate?X-Auth-Token=', {
      headers: { 'X-Auth-Token': '' },
    });
    assert.equal(empty.body, fault('unauthorized', 401, 'Access denied. No authentication token'));
  });

  test('6. unknown, inactive, expired and pending-terms tokens: their 401 messages', async () => {
    const cases: [string, string][] = [
      ['nope', 'Invalid X-Auth-Token'],
      [T_INACTIVE, 'User inactive'],
      [T_EXPIRED, 'Authentication expired'],
      [T_TERMS, 'Pending approval terms'],
      [C1, 'Invalid X-Auth-Token'],
    ];
    for (const [token, message] of cases) {
      const reply = await call('GET', '/astakos/account/v1.0/authenticate', {
        headers: { 'X-Auth-Token': token },
      });
      assert.equal(reply.status, 401, message);
      assertApiHeaders(reply);
      assert.equal(reply.body, fault('unauthorized', 401, message));
    }
  });

  test('7. ?format=xml: JSON body labelled application/xml', async () => {
    const reply = await call('GET', '/astakos/account/v1.0/authenticate?format=xml', {
      headers: { 'X-Auth-Token': T1 },
    });
    assert.equal(reply.status, 200);
    assertApiHeaders(reply, XML_TYPE);
    assertUserObject(reply.body, T1);
  });

  test('8. Accept picks XML for the fault', async () => {
    const reply = await call('GET', '/astakos/account/v1.0/authenticate', {
      headers: { Accept: 'text/html, application/xml;q=0.9' },
    });
    assert.equal(reply.status, 401);
    assertApiHeaders(reply, XML_TYPE);
    assert.equal(
      reply.body,
      '<?xml version="1.0" encoding="UTF-8"?>\n<unauthorized xmlns="http://docs.openstack.org/identity/api/v2.0" code="401">\n  <message>Access denied. No authentication token</message>\n  <details></details>\n</unauthorized>\n',
    );
    // format beats the suffix, the suffix beats Accept, unknown formats are ignored.
    const json = await call('GET', '/astakos/identity/v2.0/foo.xml?format=json');
    assert.equal(json.body, fault('badRequest', 400, 'API endpoint not found'));
    const ignored = await call('GET', '/astakos/account/v1.0/authenticate?format=yaml', {
      headers: { Accept: 'application/xml' },
    });
    assert.equal(ignored.body, xmlFault('unauthorized', 401, 'Access denied. No authentication token'));
  });

  test('9. unknown API paths: 400 API endpoint not found, XML for .xml', async () => {
    const reply = await call('GET', '/astakos/account/v1.0/nothing');
    assert.equal(reply.status, 400);
    assertApiHeaders(reply);
    assert.equal(reply.body, fault('badRequest', 400, 'API endpoint not found'));
    const xml = await call('GET', '/astakos/identity/v2.0/foo.xml');
    assert.equal(xml.status, 400);
    assertApiHeaders(xml, XML_TYPE);
    assert.equal(xml.body, xmlFault('badRequest', 400, 'API endpoint not found'));
    const quota = await call('GET', '/astakos/account/v1.0/quotas', { headers: { 'X-Auth-Token': T1 } });
    assert.equal(quota.body, fault('badRequest', 400, 'API endpoint not found'));
    const json = await call('GET', '/astakos/account/v1.0/authenticate.json');
    assert.equal(json.body, fault('badRequest', 400, 'API endpoint not found'));
  });

  test('10. feedback, url-encoded body labelled octet-stream: 200 empty, the graph has it', async () => {
    const reply = await call('POST', '/astakos/account/v1.0/feedback', {
      headers: { 'X-Auth-Token': T1, 'Content-Type': 'application/octet-stream' },
      body: 'feedback_msg=hello&feedback_data=x',
    });
    assert.equal(reply.status, 200);
    assertApiHeaders(reply);
    assert.equal(reply.headers['content-length'], '0');
    assert.equal(reply.body, '');
    const stored = await server.graphql('{ feedback(first: 1) { nodes { message data user { id } } } }');
    assert.deepEqual(stored.data.feedback.nodes, [{ message: 'hello', data: 'x', user: { id: U1 } }]);
  });

  test('11. feedback without feedback_msg: 400 Invalid data (empty too; whitespace is a message)', async () => {
    for (const body of ['feedback_data=x', 'feedback_msg=&feedback_data=x', '']) {
      const reply = await call('POST', '/astakos/account/v1.0/feedback', {
        headers: { 'X-Auth-Token': T1, 'Content-Type': 'application/octet-stream' },
        body,
      });
      assert.equal(reply.status, 400, body);
      assertApiHeaders(reply);
      assert.equal(reply.body, fault('badRequest', 400, 'Invalid data'));
    }
    const spaces = await call('POST', '/astakos/account/v1.0/feedback', {
      headers: { 'X-Auth-Token': T1, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'feedback_msg=+++',
    });
    assert.equal(spaces.status, 200);
    // The 502 half of this case needs a relay that fails: astakos.feedback.test.ts.
  });

  test('12. the old /feedback alias', async () => {
    const reply = await call('POST', '/astakos/feedback', {
      headers: { 'X-Auth-Token': T1, 'Content-Type': 'application/octet-stream' },
      body: 'feedback_msg=hello&feedback_data=x',
    });
    assert.equal(reply.status, 200);
    assertApiHeaders(reply);
    assert.equal(reply.body, '');
  });

  test('13. user_catalogs: known entries only, caller spelling kept for display names', async () => {
    const reply = await call('POST', '/astakos/account/v1.0/user_catalogs', {
      headers: { 'X-Auth-Token': T1 },
      body: `{"uuids": ["${U1}", "unknown"], "displaynames": ["User@Example.com"]}`,
    });
    assert.equal(reply.status, 200);
    assertApiHeaders(reply);
    assert.equal(
      reply.body,
      `{"displayname_catalog": {"User@Example.com": "${U1}"}, "uuid_catalog": {"${U1}": "user@example.com"}}`,
    );
  });

  test('14. user_catalogs body that is not a JSON object: 400', async () => {
    for (const body of ['not json', '', '[]', '"x"', '{"uuids": "x"}', '{"displaynames": [1]}', 'null']) {
      const reply = await call('POST', '/astakos/account/v1.0/user_catalogs', {
        headers: { 'X-Auth-Token': T1, 'Content-Type': 'application/json' },
        body,
      });
      assert.equal(reply.status, 400, body);
      assertApiHeaders(reply);
      assert.equal(reply.body, fault('badRequest', 400, 'Request body should be json formatted.'));
    }
  });

  test('15. null: nothing for a user, every user for a service', async () => {
    const user = await call('POST', '/astakos/account/v1.0/user_catalogs', {
      headers: { 'X-Auth-Token': T1 },
      body: '{"uuids": null}',
    });
    assert.equal(user.status, 200);
    assert.equal(user.body, '{"displayname_catalog": {}, "uuid_catalog": {}}');
    const service = await call('POST', '/astakos/account/v1.0/service/user_catalogs', {
      headers: { 'X-Auth-Token': C1 },
      body: '{"uuids": null}',
    });
    assert.equal(service.status, 200);
    assertApiHeaders(service);
    const parsed = JSON.parse(service.body);
    assert.deepEqual(parsed.displayname_catalog, {});
    const everyone = await server.graphql('{ users(first: 100) { nodes { id username } } }');
    assert.deepEqual(
      parsed.uuid_catalog,
      Object.fromEntries(
        everyone.data.users.nodes.map((u: { id: string; username: string }) => [u.id, u.username]),
      ),
    );
    assert.equal(parsed.uuid_catalog[U2], 'user2@example.com');
  });

  test('16. service call: a user token is 401; the old service alias works', async () => {
    const refused = await call('POST', '/astakos/account/v1.0/service/user_catalogs', {
      headers: { 'X-Auth-Token': T1 },
      body: '{"uuids": null}',
    });
    assert.equal(refused.status, 401);
    assertApiHeaders(refused);
    assert.equal(refused.body, fault('unauthorized', 401, 'Invalid X-Auth-Token'));
    const alias = await call('POST', '/astakos/service/api/user_catalogs', {
      headers: { 'X-Auth-Token': C1 },
      body: `{"uuids": ["${U2}"]}`,
    });
    assert.equal(alias.status, 200);
    assert.equal(alias.body, `{"displayname_catalog": {}, "uuid_catalog": {"${U2}": "user2@example.com"}}`);
  });

  test('17. tokens with GET: 400 Method not allowed', async () => {
    const reply = await call('GET', '/astakos/identity/v2.0/tokens');
    assert.equal(reply.status, 400);
    assertApiHeaders(reply);
    assert.equal(reply.body, fault('badRequest', 400, 'Method not allowed'));
  });

  test('18. tokens with Content-Length 0 (or chunked): public catalog only', async () => {
    const reply = await call('POST', '/astakos/identity/v2.0/tokens', { headers: { 'Content-Length': '0' } });
    assert.equal(reply.status, 200);
    assertApiHeaders(reply);
    assert.equal(reply.body, `{"access": {"serviceCatalog": ${CATALOG}}}`);
    const chunked = await call('POST', '/astakos/identity/v2.0/tokens', {
      headers: { 'Content-Type': 'application/json' },
      body: `{"auth": {"token": {"id": "${T1}"}}}`,
      chunked: true,
    });
    assert.equal(chunked.status, 200);
    assert.equal(chunked.body, `{"access": {"serviceCatalog": ${CATALOG}}}`);
  });

  test('19. tokens with a token: the full access document', async () => {
    const reply = await call('POST', '/astakos/identity/v2.0/tokens/', {
      headers: { 'Content-Type': 'application/json' },
      body: `{"auth": {"token": {"id": "${T1}"}}}`,
    });
    assert.equal(reply.status, 200);
    assertApiHeaders(reply);
    assert.equal(reply.body, FULL_ACCESS);
    // The X-Auth-Token header is ignored: credentials travel in the body.
    const header = await call('POST', '/astakos/identity/v2.0/tokens', {
      headers: { 'Content-Type': 'application/json; charset=utf-8', 'X-Auth-Token': 'nope' },
      body: `{"auth": {"token": {"id": "${T1}"}}}`,
    });
    assert.equal(header.body, FULL_ACCESS);
  });

  test('20. tokens: content type and JSON checks', async () => {
    const body = `{"auth": {"token": {"id": "${T1}"}}}`;
    const xml = await call('POST', '/astakos/identity/v2.0/tokens', {
      headers: { 'Content-Type': 'application/xml' },
      body,
    });
    assert.equal(xml.status, 400);
    assertApiHeaders(xml);
    assert.equal(xml.body, fault('badRequest', 400, "Unsupported Content-type: 'application/xml'"));
    const none = await call('POST', '/astakos/identity/v2.0/tokens', { body });
    assert.equal(none.status, 400);
    assert.equal(none.body, fault('badRequest', 400, 'Missing Content-Type header field'));
    const broken = await call('POST', '/astakos/identity/v2.0/tokens', {
      headers: { 'Content-Type': 'application/json' },
      body: '{',
    });
    assert.equal(broken.status, 400);
    assert.equal(broken.body, fault('badRequest', 400, 'Invalid JSON data'));
  });

  test('21. tokens: missing credentials, missing token, invalid token', async () => {
    const post = (body: string) =>
      call('POST', '/astakos/identity/v2.0/tokens', {
        headers: { 'Content-Type': 'application/json' },
        body,
      });
    for (const body of ['{"auth": {}}', '{}', '[]', '"auth"', '{"auth": "x"}', '{"auth": {"token": "T1"}}']) {
      const reply = await post(body);
      assert.equal(reply.status, 400, body);
      assertApiHeaders(reply);
      assert.equal(reply.body, fault('badRequest', 400, 'Malformed request: missing credentials'));
    }
    const nullToken = await post('{"auth": {"token": {"id": null}}}');
    assert.equal(nullToken.status, 400);
    assert.equal(nullToken.body, fault('badRequest', 400, 'Malformed request: missing token'));
    const invalid = await post('{"auth": {"token": {"id": "nope"}}}');
    assert.equal(invalid.status, 401);
    assertApiHeaders(invalid);
    assert.equal(invalid.body, fault('unauthorized', 401, 'Invalid token'));
    for (const [token, message] of [
      [T_INACTIVE, 'User inactive'],
      [T_EXPIRED, 'Authentication expired'],
      [T_TERMS, 'Pending approval terms'],
    ]) {
      const reply = await post(`{"auth": {"token": {"id": "${token}"}}}`);
      assert.equal(reply.status, 401, message);
      assert.equal(reply.body, fault('unauthorized', 401, message!));
    }
  });

  test('22. password credentials: the username must be the UUID', async () => {
    const post = (body: string) =>
      call('POST', '/astakos/identity/v2.0/tokens', {
        headers: { 'Content-Type': 'application/json' },
        body,
      });
    const other = await post(
      `{"auth": {"passwordCredentials": {"username": "other-uuid", "password": "${T1}"}}}`,
    );
    assert.equal(other.status, 401);
    assert.equal(other.body, fault('unauthorized', 401, 'Invalid credentials'));
    const right = await post(`{"auth": {"passwordCredentials": {"username": "${U1}", "password": "${T1}"}}}`);
    assert.equal(right.status, 200);
    assert.equal(right.body, FULL_ACCESS);
  });

  test('23. tenantName must be the UUID when given and non-empty', async () => {
    const post = (body: string) =>
      call('POST', '/astakos/identity/v2.0/tokens', {
        headers: { 'Content-Type': 'application/json' },
        body,
      });
    const wrong = await post(`{"auth": {"token": {"id": "${T1}"}, "tenantName": "x"}}`);
    assert.equal(wrong.status, 400);
    assert.equal(wrong.body, fault('badRequest', 400, 'Not conforming tenantName'));
    const empty = await post(`{"auth": {"token": {"id": "${T1}"}, "tenantName": ""}}`);
    assert.equal(empty.status, 200);
    assert.equal(empty.body, FULL_ACCESS);
    const same = await post(`{"auth": {"token": {"id": "${T1}"}, "tenantName": "${U1}"}}`);
    assert.equal(same.status, 200);
  });

  test('24. tokens in XML: the template byte for byte', async () => {
    const reply = await call('POST', '/astakos/identity/v2.0/tokens', {
      headers: { 'Content-Type': 'application/json', Accept: 'application/xml' },
      body: `{"auth": {"token": {"id": "${T1}"}}}`,
    });
    assert.equal(reply.status, 200);
    assertApiHeaders(reply, XML_TYPE);
    const endpoint = (ui: string, pairs: string) =>
      `\n            <endpoint  SNF:uiURL="${ui}" ${pairs} />\n            `;
    const service = (type: string, name: string, endpoints: string) =>
      `\n        <service type="${type}" name="${name}">\n            ${endpoints}\n        </service>\n    `;
    const expected =
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
      '\n<access xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"\n    xmlns="http://docs.openstack.org/identity/api/v2.0">\n    ' +
      `\n    <token id="${T1}" expires="2030-01-01T00:00:00+00:00">\n        <tenant id="${U1}" name="Firstname Lastname" />\n    </token>\n    ` +
      '\n    ' +
      `\n    <user id="${U1}" name="Firstname Lastname">\n        <roles>\n            ` +
      '\n                <role id="1" name="default"/>\n            ' +
      '\n        </roles>\n    </user>\n    ' +
      '\n    <serviceCatalog>\n    ' +
      service(
        'account',
        'astakos_account',
        endpoint(
          'https://accounts.example.synnefo.org/ui',
          ' versionId="v1.0"  publicURL="https://accounts.example.synnefo.org/account/v1.0" ',
        ),
      ) +
      service(
        'astakos_weblogin',
        'astakos_weblogin',
        endpoint(
          'https://accounts.example.synnefo.org/ui',
          ' versionId=""  SNF:webloginURL="https://accounts.example.synnefo.org/astakos/weblogin"  publicURL="https://accounts.example.synnefo.org/astakos/weblogin" ',
        ),
      ) +
      service(
        'compute',
        'cyclades_compute',
        endpoint(
          'https://cyclades.example.synnefo.org/ui',
          ' versionId="v2.0"  publicURL="https://cyclades.example.synnefo.org/compute/v2.0" ',
        ),
      ) +
      '\n    </serviceCatalog>\n</access>\n';
    assert.equal(reply.body, expected);
    // The spec's own example, line by line, for the first service.
    assert.ok(
      reply.body.includes(
        '        <service type="account" name="astakos_account">\n            \n            <endpoint  SNF:uiURL="https://accounts.example.synnefo.org/ui"  versionId="v1.0"  publicURL="https://accounts.example.synnefo.org/account/v1.0"  />\n            \n        </service>\n',
      ),
    );
    const publicXml = await call('POST', '/astakos/identity/v2.0/tokens?format=xml');
    assert.equal(publicXml.status, 200);
    assert.ok(
      publicXml.body.startsWith(
        '<?xml version="1.0" encoding="UTF-8"?>\n\n<access xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"\n    xmlns="http://docs.openstack.org/identity/api/v2.0">\n    \n    \n    <serviceCatalog>\n    \n        <service type="account"',
      ),
      publicXml.body,
    );
  });

  test('25. get_services: component list, JSONP only for identifier callbacks, no API headers', async () => {
    const expected =
      '[{"name": "astakos", "url": "https://accounts.example.synnefo.org/ui", "cloudbar": {"title": "astakos", "show": false}, "dashboard": {"description": "Access the dashboard from the top right corner of your screen. Here you can manage your profile, see the usage of your resources and manage projects to share virtual resources with colleagues.", "order": 3, "show": true}, "verbose_name": "Astakos", "order": 1}, ' +
      '{"name": "pithos", "url": "https://pithos.example.synnefo.org/ui", "cloudbar": {"title": "pithos", "show": true}, "dashboard": {"description": "Pithos is the File Storage service. Click to start uploading and managing your files on the cloud.", "order": 1, "show": true}, "verbose_name": "Pithos", "order": 2}, ' +
      '{"name": "cyclades", "url": "https://cyclades.example.synnefo.org/ui", "cloudbar": {"title": "cyclades", "show": true}, "dashboard": {"description": "Cyclades is the Compute and Network Service. Click to start creating Virtual Machines and connect them to arbitrary Networks.", "order": 2, "show": true}, "verbose_name": "Cyclades", "order": 3}]';
    const plain = await call('GET', '/astakos/ui/get_services');
    assert.equal(plain.status, 200);
    assert.equal(plain.headers['content-type'], 'application/json');
    assert.equal(plain.headers.vary, undefined);
    assert.equal(plain.headers['cache-control'], undefined);
    assert.equal(plain.body, expected);
    const jsonp = await call('GET', '/astakos/ui/get_services?callback=cb');
    assert.equal(jsonp.headers['content-type'], 'application/javascript');
    assert.equal(jsonp.body, `cb(${expected})`);
    const dotted = await call('POST', '/astakos/ui/get_services/?callback=window.cloudbar.cb_1', {
      body: '',
    });
    assert.equal(dotted.body, `window.cloudbar.cb_1(${expected})`);
    for (const bad of ['alert(1)//', 'a b', '1abc', 'a..b', 'x'.repeat(129), '']) {
      const reply = await call('GET', `/astakos/ui/get_services?callback=${encodeURIComponent(bad)}`);
      assert.equal(reply.headers['content-type'], 'application/json', bad);
      assert.equal(reply.body, expected);
    }
  });

  test('26. get_menu without cookie: Sign in', async () => {
    const reply = await call('GET', '/astakos/ui/get_menu');
    assert.equal(reply.status, 200);
    assert.equal(reply.headers['content-type'], 'application/json');
    assert.equal(reply.body, '[{"url": "http://cloud.example.org/astakos/ui/", "name": "Sign in"}]');
    const jsonp = await call('GET', '/astakos/ui/get_menu?callback=cb&location=x');
    assert.equal(jsonp.headers['content-type'], 'application/javascript');
    assert.equal(jsonp.body, 'cb([{"url": "http://cloud.example.org/astakos/ui/", "name": "Sign in"}])');
  });

  test('27. get_menu with a valid cookie: the user menu', async () => {
    const reply = await call('GET', '/astakos/ui/get_menu', {
      headers: { Cookie: `other=1; _pithos2_a=${U1}%7C${encodeURIComponent(T1)}` },
    });
    assert.equal(reply.status, 200);
    assert.equal(
      reply.body,
      '[{"url": "http://cloud.example.org/astakos/ui/", "is_active": true, "name": "user@example.com"}, {"url": "http://cloud.example.org/astakos/ui/landing", "name": "Dashboard"}, {"url": "http://cloud.example.org/astakos/ui/logout", "name": "Sign out"}]',
    );
  });

  test('28. get_menu with an invalid cookie: 302 to itself, cookie deleted', async () => {
    for (const cookie of [
      `${U1}%7Cbad`,
      `${U2}%7C${encodeURIComponent(T1)}`,
      'garbage',
      `${U1}%7C${T_EXPIRED}`,
    ]) {
      const reply = await call('GET', '/astakos/ui/get_menu?callback=cb', {
        headers: { Cookie: `_pithos2_a=${cookie}` },
      });
      assert.equal(reply.status, 302, cookie);
      assert.equal(reply.headers.location, 'http://cloud.example.org/astakos/ui/get_menu?callback=cb');
      assert.deepEqual(reply.headers['set-cookie'], [
        '_pithos2_a=; expires=Thu, 01-Jan-1970 00:00:00 GMT; Max-Age=0; Path=/',
      ]);
      assert.equal(reply.body, '');
    }
  });

  test('29. other paths under the base: 404 itemNotFound; the base redirects to ui/', async () => {
    const reply = await call('GET', '/astakos/ui/login');
    assert.equal(reply.status, 404);
    assertApiHeaders(reply);
    assert.equal(reply.body, fault('itemNotFound', 404, 'Not Found'));
    for (const path of ['/astakos', '/astakos/']) {
      const base = await call('GET', path);
      assert.equal(base.status, 302);
      assert.equal(base.headers.location, 'http://cloud.example.org/astakos/ui/');
    }
    // Paths outside the base are not the shim's.
    const graphql = await call('GET', '/astakosx/ui/get_services');
    assert.notEqual(graphql.headers['content-type'], 'application/json; charset=UTF-8');
  });
});
