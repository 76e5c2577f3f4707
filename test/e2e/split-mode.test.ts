/**
 * Split mode as an operator runs it: five `cloudfed subgraph` processes and a `cloudfed gateway`
 * process over one SQLite file, compared with single-process mode on the same file.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { signPrincipal, SYSTEM } from '../../src/identity/index.js';
import { SUBGRAPH_NAMES } from '../../src/subgraphs/index.js';
import { ADMIN_TOKEN, postGraphQL, startTestServer, type TestServer } from '../support/cloudfed.js';
import { ACROSS_ALL_FIVE, DEMO_USERS } from '../support/datacenter.js';
import { startCloudfedProcess, type CloudfedProcess } from '../support/processes.js';

const SECRET = 'split-mode-test-secret-0123456789abcdef';

/** What a reply means to a client: its data and its error codes (messages and paths may be worded differently). */
function meaning(reply: { data?: unknown; errors?: { extensions?: { code?: string } }[] }) {
  return { data: reply.data ?? null, codes: (reply.errors ?? []).map((error) => error.extensions?.code) };
}

describe('split mode: five subgraph processes and a gateway process', () => {
  let directory: string;
  let single: TestServer;
  const subgraphs: Record<string, CloudfedProcess> = {};
  let gateway: CloudfedProcess;
  let aliceToken: string;

  before(async () => {
    directory = mkdtempSync(join(tmpdir(), 'cloudfed-split-'));
    const storePath = join(directory, 'cloudfed.db');
    // The single-process server creates and seeds the store; the processes then share it.
    single = await startTestServer({ storePath });
    const issued = await single.graphql(`mutation($id: ID!) { issueUserToken(id: $id) { token } }`, {
      id: DEMO_USERS.alice,
    });
    aliceToken = issued.data.issueUserToken.token;
    const env = { CLOUDFED_DB: storePath, CLOUDFED_ADMIN_TOKEN: ADMIN_TOKEN, CLOUDFED_SPLIT_SECRET: SECRET };
    await Promise.all(
      SUBGRAPH_NAMES.map(async (name) => {
        subgraphs[name] = await startCloudfedProcess(['subgraph', name], env);
      }),
    );
    gateway = await startCloudfedProcess(
      [
        'gateway',
        ...SUBGRAPH_NAMES.flatMap((name) => ['--subgraph', `${name}=${subgraphs[name]!.url}/graphql`]),
      ],
      env,
    );
  });

  after(async () => {
    await Promise.all([gateway?.stop(), ...Object.values(subgraphs).map((process) => process.stop())]);
    await single?.close();
    rmSync(directory, { recursive: true, force: true });
  });

  const CASES: {
    name: string;
    query: string;
    variables?: Record<string, unknown>;
    token: () => string | null;
    codes?: string[];
  }[] = [
    {
      name: 'the cross-subgraph query, as the admin',
      query: ACROSS_ALL_FIVE,
      variables: { first: 100 },
      token: () => ADMIN_TOKEN,
    },
    {
      name: 'the cross-subgraph query, as alice',
      query: ACROSS_ALL_FIVE,
      variables: { first: 100 },
      token: () => aliceToken,
    },
    {
      name: 'nodes with the VMs the vms subgraph adds to them',
      query: `{ clusterNodes { totalCount nodes { name vms { name state owner { displayName } } } } }`,
      token: () => ADMIN_TOKEN,
    },
    {
      name: 'users with their realm',
      query: `{ users { nodes { id displayName realm { id } } } }`,
      token: () => ADMIN_TOKEN,
    },
    {
      name: 'an anonymous question',
      query: `{ virtualMachines { totalCount } }`,
      token: () => null,
      codes: ['UNAUTHENTICATED'],
    },
    {
      name: 'a mutation on another user’s VM',
      query: `mutation { stopVm(vm: "web2") { name state } }`,
      token: () => aliceToken,
      codes: ['FORBIDDEN'],
    },
    {
      name: 'an unknown VM (null, no error)',
      query: `{ virtualMachine(ref: "nope") { name } }`,
      token: () => ADMIN_TOKEN,
    },
  ];

  for (const { name, query, variables, token, codes = [] } of CASES) {
    test(`answers like single-process mode: ${name}`, async () => {
      const [split, merged] = await Promise.all([
        postGraphQL(gateway.url, query, variables, token()),
        postGraphQL(single.url, query, variables, token()),
      ]);
      assert.equal(split.status, merged.status);
      assert.deepEqual(meaning(split), meaning(merged));
      assert.deepEqual(meaning(merged).codes, codes);
    });
  }

  test('a mutation through the split gateway is seen by single-process mode, and back', async () => {
    const stopped = await postGraphQL(gateway.url, `mutation { stopVm(vm: "web2") { name state } }`);
    assert.deepEqual(meaning(stopped), { data: { stopVm: { name: 'web2', state: 'STOP' } }, codes: [] });
    const seen = await single.graphql(`{ virtualMachine(ref: "web2") { state } }`);
    assert.equal(seen.data.virtualMachine.state, 'STOP');
    await single.graphql(`mutation { startVm(vm: "web2") { state } }`);
    const back = await postGraphQL(gateway.url, `{ virtualMachine(ref: "web2") { state } }`);
    assert.equal(back.data.virtualMachine.state, 'START');
  });

  describe('a subgraph’s _entities serves only the gateway', () => {
    const ENTITIES = `query($representations: [_Any!]!) {
      _entities(representations: $representations) { ... on User { id displayName emails } }
    }`;
    const variables = { representations: [{ __typename: 'User', id: DEMO_USERS.alice }] };
    const ask = (headers: Record<string, string>) =>
      fetch(`${subgraphs.users!.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query: ENTITIES, variables }),
      }).then(async (response) => ({ status: response.status, body: await response.json() }));

    test('with the gateway’s signature it resolves', async () => {
      const reply = await ask({ 'x-cloudfed-principal': signPrincipal(SYSTEM, SECRET) });
      assert.equal(reply.status, 200);
      assert.equal(reply.body.data._entities[0].displayName, 'alice@example.com');
    });

    test('unsigned: refused', async () => {
      const reply = await ask({});
      assert.equal(reply.body.data?._entities ?? null, null);
      assert.equal(reply.body.errors[0].extensions.code, 'UNAUTHENTICATED');
    });

    test('forged (another secret): refused with 401', async () => {
      const reply = await ask({ 'x-cloudfed-principal': signPrincipal(SYSTEM, 'x'.repeat(40)) });
      assert.equal(reply.status, 401);
      assert.equal(reply.body.errors[0].extensions.code, 'UNAUTHENTICATED');
      assert.match(reply.body.errors[0].message, /bad-signature/);
    });

    test('stale (signed an hour ago): refused with 401', async () => {
      const reply = await ask({
        'x-cloudfed-principal': signPrincipal(SYSTEM, SECRET, Date.now() - 3_600_000),
      });
      assert.equal(reply.status, 401);
      assert.match(reply.body.errors[0].message, /stale/);
    });

    test('tampered (payload changed, signature kept): refused with 401', async () => {
      const [, signature] = signPrincipal(SYSTEM, SECRET).split('.');
      const payload = Buffer.from(
        JSON.stringify({
          p: { kind: 'user', id: DEMO_USERS.bob, name: 'bob', admin: true },
          iat: Math.floor(Date.now() / 1000),
        }),
      ).toString('base64url');
      const reply = await ask({ 'x-cloudfed-principal': `${payload}.${signature}` });
      assert.equal(reply.status, 401);
    });
  });
});
