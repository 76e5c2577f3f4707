/**
 * The Gluster REST API's authentication (compat/gluster-rest.md §3): the worked `qsh` examples,
 * canonical JSON, and attacks refused with the exact 401 texts, against the real HTTP server.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import jwt from 'jsonwebtoken';
import { canonicalJson, parsePyJson, pyFloat, qsh, requestHashes } from '../../src/shims/gluster/index.js';
import { startTestServer, type TestServer } from '../support/cloudfed.js';
import { call, errorBody, handToken, JSON_TYPE, requestQsh, token, tokenFor } from './gluster.support.js';

const DATACENTER = `
nodes: [{ name: h1 }, { name: h3 }]
glusterPeers:
  - { hostname: h1, uuid: 5d1a9ad3-3b5a-4a7e-9a4c-0f3f1f6f8d11, self: true }
glusterVolumes:
  - name: gv1
    bricks: ['h1:/bricks/b1']
    status: started
`;

let server: TestServer;

before(async () => {
  server = await startTestServer({
    demo: false,
    importText: DATACENTER,
    config: { shims: { gluster: { leewaySeconds: 30 } } },
  });
  const added = await server.graphql(
    `mutation { addApiClient(appId: "myapp", secret: "myappsecret") { appId } }`,
  );
  assert.equal(added.errors, undefined);
});

after(async () => {
  await server?.close();
});

const now = () => Math.floor(Date.now() / 1000);
const Q1 = '8746af3d9024df654be2f2e3583b7e44d781f85a6c3065dc6bfe65407020f4ac';

async function refused(authorization: string, text: string, path = '/v1/volumes') {
  const reply = await call(server.url, 'GET', path, { headers: { authorization } });
  assert.equal(reply.body, errorBody(text), authorization);
  assert.equal(reply.status, 401);
  assert.equal(reply.headers['content-type'], JSON_TYPE);
}

describe('qsh (§3.3)', () => {
  test('the five worked examples', () => {
    assert.equal(qsh('GET', '/v1/volumes', null, null), Q1);
    assert.equal(requestQsh('GET', '/v1/volumes'), Q1);
    assert.equal(
      qsh('GET', '/v1/volumes', 'status=1', null),
      '1d26241428b8793fab6edbebfa11e65bd3a3455d4aa59438cdee79fba0a000c8',
    );
    const body = '{"performance.readdir-ahead":"on","cluster.quorum-type":"auto"}';
    assert.deepEqual(
      requestHashes({
        method: 'POST',
        rawPath: '/v1/volumes/gv1/options',
        rawQuery: null,
        body: Buffer.from(body),
      }),
      [
        '2f39dda3c502a4f745bbed0a27ce8b26aa51424f366fe96e8ed92517e226a43b',
        '979ae733ac9e1a644dcab92d531db91a3b0ce3a63742e6eaacf3a3adfe189c87',
      ],
    );
    assert.deepEqual(
      requestHashes({
        method: 'POST',
        rawPath: '/v1/volumes/gv1/start',
        rawQuery: '',
        body: Buffer.from('force=1'),
      }),
      ['300092650b91278ff757853e3df2dbf9b66eb493bb7805c27e6f5c8f7dbfd559'],
    );
    assert.deepEqual(
      requestHashes({
        method: 'POST',
        rawPath: '/v1/volumes/gv1/start',
        rawQuery: null,
        body: Buffer.from('{"force": true}'),
      }),
      ['006279b763c3a7d133cf2b8140c1bdec28c5431b30e817817a2119f1cf0dc07a'],
    );
    // Bodies of GET are ignored; a percent-escaped path also hashes decoded.
    assert.deepEqual(
      requestHashes({ method: 'GET', rawPath: '/v1/volumes', rawQuery: null, body: Buffer.from('x') }),
      [Q1],
    );
    assert.equal(
      requestHashes({ method: 'PUT', rawPath: '/v1/peers/h%33', rawQuery: null, body: null })[1],
      qsh('PUT', '/v1/peers/h3', null, null),
    );
  });

  test('canonical JSON is Python json.dumps(sort_keys=True)', () => {
    const canonical = (text: string) => canonicalJson(parsePyJson(text)!.value);
    assert.equal(
      canonical('{"b":[1.0,1e-5,"é/\\n",-0,100000000000000000000],"a":{"y":null,"x":true},"A":0.5}'),
      '{"A": 0.5, "a": {"x": true, "y": null}, "b": [1.0, 1e-05, "\\u00e9/\\n", 0, 100000000000000000000]}',
    );
    assert.equal(canonical('{"k":1,"k":2}'), '{"k": 2}');
    assert.equal(canonical(' [ ] '), '[]');
    assert.equal(canonical('"\\ud83d\\ude00"'), '"\\ud83d\\ude00"');
    // Keys sorted by code point (U+FF61 before U+1F600), not by UTF-16 unit.
    assert.equal(canonical('{"😀":1,"｡":2}'), '{"\\uff61": 2, "\\ud83d\\ude00": 1}');
    for (const [value, text] of [
      [1e16, '1e+16'],
      [1.5e-7, '1.5e-07'],
      [0.0001, '0.0001'],
      [123456.789, '123456.789'],
      [1e22, '1e+22'],
      [-2.5, '-2.5'],
    ] as const) {
      assert.equal(pyFloat(value), text);
    }
    for (const bad of ['{', '{"a":}', '[1,]', '01', 'NaN', '{"a":1} x', "{'a':1}"]) {
      assert.equal(parsePyJson(bad), null, bad);
    }
  });
});

describe('authentication over HTTP', () => {
  test('tokens built by a JWT library for each worked example are accepted', async () => {
    const body = '{"performance.readdir-ahead":"on","cluster.quorum-type":"auto"}';
    const reply = await call(server.url, 'POST', '/v1/volumes/gv1/options', {
      headers: {
        authorization: `Bearer ${tokenFor('POST', '/v1/volumes/gv1/options', body)}`,
        'content-type': 'application/json',
      },
      body,
    });
    assert.equal(reply.body, '{"output": "volume set: success", "errno": 0, "error": ""}');
    const status = await call(server.url, 'GET', '/v1/volumes?status=1', {
      headers: { authorization: `Bearer ${tokenFor('GET', '/v1/volumes?status=1')}` },
    });
    assert.equal(status.status, 200, status.body);
    const form = await call(server.url, 'POST', '/v1/volumes/gv1/start', {
      headers: {
        authorization: `Bearer ${tokenFor('POST', '/v1/volumes/gv1/start', 'force=1')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'force=1',
    });
    assert.equal(form.body, '{"output": "volume start: gv1: success", "errno": 0, "error": ""}');
    // The design document's own example body, canonical already.
    const signed = token({
      iss: 'myapp',
      iat: now(),
      exp: now() + 60,
      qsh: '006279b763c3a7d133cf2b8140c1bdec28c5431b30e817817a2119f1cf0dc07a',
    });
    const design = await call(server.url, 'POST', '/v1/volumes/gv1/start', {
      headers: { authorization: `Bearer ${signed}`, 'content-type': 'application/json' },
      body: '{"force": true}',
    });
    assert.equal(design.body, '{"output": "volume start: gv1: success", "errno": 0, "error": ""}');
    // A percent-escaped path: raw and decoded forms both hash.
    for (const hashed of ['/v1/peers/h%33', '/v1/peers/h3']) {
      const escaped = token({ iss: 'myapp', iat: now(), exp: now() + 60, qsh: requestQsh('PUT', hashed) });
      const reply = await call(server.url, 'PUT', '/v1/peers/h%33', {
        headers: { authorization: `Bearer ${escaped}` },
      });
      assert.equal(reply.status, 201, reply.body);
    }
  });

  test('a token for another URL, method or body → Invalid qsh claim in token', async () => {
    const text = 'Invalid qsh claim in token';
    await refused(`Bearer ${tokenFor('GET', '/v1/peers')}`, text);
    await refused(`Bearer ${tokenFor('POST', '/v1/volumes')}`, text);
    const signed = tokenFor('POST', '/v1/volumes/gv1/options', '{"nfs.disable":"on"}');
    const reply = await call(server.url, 'POST', '/v1/volumes/gv1/options', {
      headers: { authorization: `Bearer ${signed}`, 'content-type': 'application/json' },
      body: '{"nfs.disable":"off"}',
    });
    assert.equal(reply.body, errorBody(text));
    assert.equal(reply.status, 401);
    await refused(`Bearer ${token({ iss: 'myapp', iat: now(), exp: now() + 60, qsh: 42 })}`, text);
  });

  test('alg none, RS256 and HS256 keyed with the public key → Invalid Token', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const claims = { iss: 'myapp', iat: now(), exp: now() + 60, qsh: Q1 };
    await refused(`Bearer ${jwt.sign(claims, privateKey, { algorithm: 'RS256' })}`, 'Invalid Token');
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    await refused(`Bearer ${token(claims, pem)}`, 'Invalid Token');
    await refused(`Bearer ${jwt.sign(claims, 'myappsecret', { algorithm: 'HS384' })}`, 'Invalid Token');
    await refused(`Bearer ${jwt.sign(claims, 'myappsecret', { algorithm: 'HS512' })}`, 'Invalid Token');
    const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    await refused(`Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`, 'Invalid Token');
    // A valid signature moved onto an altered payload.
    const good = token(claims).split('.');
    await refused(`Bearer ${good[0]}.${b64({ ...claims, exp: now() + 9999 })}.${good[2]}`, 'Invalid Token');
  });

  test('expired tokens, with the configured leeway', async () => {
    const claims = (exp: number) => ({ iss: 'myapp', iat: now() - 600, exp, qsh: Q1 });
    await refused(`Bearer ${token(claims(now() - 120))}`, 'Expired Token');
    const withinLeeway = await call(server.url, 'GET', '/v1/volumes', {
      headers: { authorization: `Bearer ${token(claims(now() - 10))}` },
    });
    assert.equal(withinLeeway.status, 200, withinLeeway.body);
    // An expired token with a wrong signature is refused for the signature first.
    await refused(`Bearer ${token(claims(now() - 120), 'wrongsecret')}`, 'Invalid Token');
  });

  test('unknown or malformed iss → Invalid App Id; missing claims in order', async () => {
    await refused(`Bearer ${tokenFor('GET', '/v1/volumes', '', 'nobody', 'myappsecret')}`, 'Invalid App Id');
    await refused(`Bearer ${token({ iss: 42, iat: now(), exp: now() + 60, qsh: Q1 })}`, 'Invalid App Id');
    await refused(
      `Bearer ${token({ iss: '-rf;x', iat: now(), exp: now() + 60, qsh: Q1 })}`,
      'Invalid App Id',
    );
    await refused(`Bearer ${token({ iat: now(), exp: now() + 60 })}`, 'Token missing iss Claim');
    await refused(`Bearer ${token({ iss: 'myapp', exp: now() + 60, qsh: Q1 })}`, 'Token missing iat Claim');
    await refused(`Bearer ${token({ iss: 'myapp', iat: now(), qsh: Q1 })}`, 'Token missing exp Claim');
    await refused(
      `Bearer ${token({ iss: 'myapp', iat: now(), exp: now() + 60, qsh: null })}`,
      'Token missing qsh Claim',
    );
  });

  test('claims of the wrong type, and nbf in the future → Invalid Token', async () => {
    await refused(
      `Bearer ${handToken({ iss: 'myapp', iat: 'yesterday', exp: now() + 60, qsh: Q1 })}`,
      'Invalid Token',
    );
    await refused(
      `Bearer ${handToken({ iss: 'myapp', iat: now(), exp: String(now() + 60), qsh: Q1 })}`,
      'Invalid Token',
    );
    await refused(
      `Bearer ${handToken({ iss: 'myapp', iat: true, exp: now() + 60, qsh: Q1 })}`,
      'Invalid Token',
    );
    await refused(
      `Bearer ${token({ iss: 'myapp', iat: now(), exp: now() + 600, nbf: now() + 300, qsh: Q1 })}`,
      'Invalid Token',
    );
    // The same claims hand-signed correctly pass: the refusals above are for the types alone.
    assert.equal(
      (
        await call(server.url, 'GET', '/v1/volumes', {
          headers: {
            authorization: `Bearer ${handToken({ iss: 'myapp', iat: now(), exp: now() + 60, qsh: Q1 })}`,
          },
        })
      ).status,
      200,
    );
    const ok = await call(server.url, 'GET', '/v1/volumes', {
      headers: {
        authorization: `Bearer ${token({ iss: 'myapp', iat: now(), exp: now() + 600, nbf: now() - 5, qsh: Q1 })}`,
      },
    });
    assert.equal(ok.status, 200);
  });

  test('malformed headers and tokens', async () => {
    const format = 'Authorization header format must be Bearer <TOKEN>';
    await refused('Bearer', format);
    await refused(`Bearer  ${tokenFor('GET', '/v1/volumes')}`, format);
    await refused(`Basic ${Buffer.from('myapp:myappsecret').toString('base64')}`, format);
    await refused('   ', 'Invalid Token');
    for (const bad of [
      'abc',
      'a.b',
      'a.b.c.d',
      '!!!.@@@.###',
      'e30.e30.',
      'W10.e30.c2ln',
      `e30.${'A'.repeat(5)}.c2ln`,
    ]) {
      await refused(`Bearer ${bad}`, 'Invalid Token');
    }
    const b64 = (text: string) => Buffer.from(text).toString('base64url');
    await refused(`Bearer ${b64('{"alg":"HS256"}')}.${b64('[1,2]')}.c2ln`, 'Invalid Token');
    await refused(`Bearer ${b64('{"alg":"HS256"')}.${b64('{}')}.c2ln`, 'Invalid Token');
  });

  test('auth-enabled in the store switches authentication off and on for every replica', async () => {
    const set = await server.graphql(
      `mutation { setApiSetting(api: "gluster", name: "auth-enabled", value: "false") { value } }`,
    );
    assert.equal(set.errors, undefined);
    assert.equal((await call(server.url, 'GET', '/v1/peers')).status, 200);
    const reset = await server.graphql(`mutation { resetApiSettings(api: "gluster", name: "auth-enabled") }`);
    assert.equal(reset.data.resetApiSettings, 1);
    await refused('', 'Invalid Token', '/v1/peers');
  });

  test('the signature check is not a public oracle on /graphql', async () => {
    const anonymous = await server.graphql(
      `{ verifyApiClientSignature(appId: "myapp", signingInput: "a.b", signature: "c") }`,
      {},
      null,
    );
    assert.equal(anonymous.errors?.[0]?.extensions?.code, 'UNAUTHENTICATED');
    const settings = await server.graphql(`{ apiSettings(api: "gluster") { name } }`, {}, null);
    assert.equal(settings.errors?.[0]?.extensions?.code, 'UNAUTHENTICATED');
  });
});
