/**
 * compat/pvc.md §9: every case of the conformance checklist, against the real HTTP server, with
 * status, named headers and bodies compared byte for byte. Authentication is disabled unless the
 * case says otherwise (§9 preamble).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../support/cloudfed.js';
import {
  call,
  conformanceDatacenter,
  domainXml,
  form,
  messageBody,
  threeVmDatacenter,
  UUIDS,
  type Reply,
} from './pvc-support.js';

const OPEN = { shims: { pvc: { auth: { enabled: false } } } };
const JSON_TYPE = 'application/json';
const HTML_TYPE = 'text/html; charset=utf-8';

function expectReply(reply: Reply, status: number, body: string, contentType = JSON_TYPE): void {
  assert.equal(reply.status, status, `status (body ${reply.body})`);
  assert.equal(reply.headers['content-type'], contentType);
  assert.equal(reply.body, body);
}

describe('PVC conformance checklist (compat/pvc.md §9)', () => {
  let server: TestServer;
  let base: string;
  before(async () => {
    server = await startTestServer({ demo: false, importText: conformanceDatacenter(), config: OPEN });
    base = server.url;
  });
  after(() => server.close());

  test('1. the API root answers 209; a trailing slash is unknown; a wrong method is 405 with Allow', async () => {
    const root = await call(base, 'GET', '/api/v1');
    expectReply(root, 209, '{\n  "message": "PVC API version 1"\n}\n');
    assert.equal(root.reason, 'UNKNOWN');
    expectReply(await call(base, 'GET', '/api/v1/'), 404, messageBody('Not Found'));
    const wrong = await call(base, 'PUT', '/api/v1/vm');
    expectReply(wrong, 405, messageBody('Method Not Allowed'));
    assert.equal(wrong.headers.allow, 'GET, HEAD, OPTIONS');
  });

  test('2. login with authentication disabled', async () => {
    expectReply(
      await call(base, 'GET', '/api/v1/auth/login'),
      200,
      messageBody('Authentication is disabled.'),
    );
  });

  test('5. the node list in the exact layout of §7', async () => {
    const reply = await call(base, 'GET', '/api/v1/node');
    const expected =
      '[\n' +
      '  {\n' +
      '    "arch": "x86_64", \n' +
      '    "coordinator_state": "primary", \n' +
      '    "cpu_count": "16", \n' +
      '    "daemon_state": "run", \n' +
      '    "domain_state": "ready", \n' +
      '    "domains_count": "1", \n' +
      '    "kernel": "4.9.0-9-amd64", \n' +
      '    "load": "0.42", \n' +
      '    "memory": {\n' +
      '      "allocated": 1024, \n' +
      '      "free": 44301, \n' +
      '      "total": 64411, \n' +
      '      "used": 20110\n' +
      '    }, \n' +
      '    "name": "hv1", \n' +
      '    "os": "GNU/Linux", \n' +
      '    "running_domains": [\n' +
      `      "${UUIDS.e1b4}"\n` +
      '    ], \n' +
      '    "vcpu": {\n' +
      '      "allocated": "2", \n' +
      '      "total": "16"\n' +
      '    }\n' +
      '  }, \n' +
      '  {\n' +
      '    "arch": "x86_64", \n' +
      '    "coordinator_state": "secondary", \n' +
      '    "cpu_count": "16", \n' +
      '    "daemon_state": "run", \n' +
      '    "domain_state": "ready", \n' +
      '    "domains_count": "1", \n' +
      '    "kernel": "4.9.0-9-amd64", \n' +
      '    "load": "1.0", \n' +
      '    "memory": {\n' +
      '      "allocated": 1024, \n' +
      '      "free": 49609, \n' +
      '      "total": 64411, \n' +
      '      "used": 14802\n' +
      '    }, \n' +
      '    "name": "hv2", \n' +
      '    "os": "GNU/Linux", \n' +
      '    "running_domains": [\n' +
      `      "${UUIDS.test2}"\n` +
      '    ], \n' +
      '    "vcpu": {\n' +
      '      "allocated": "2", \n' +
      '      "total": "16"\n' +
      '    }\n' +
      '  }\n' +
      ']\n';
    expectReply(reply, 200, expected);
  });

  test('6. an invalid limit is a Regex Error string', async () => {
    const reply = await call(base, 'GET', '/api/v1/node?limit=(');
    assert.equal(reply.status, 510);
    assert.equal(reply.headers['content-type'], JSON_TYPE);
    assert.match(reply.body, /^"Regex Error: [^"]+"\n$/);
  });

  test('9. a VM matching on UUID and name is listed twice, UUID match first', async () => {
    const reply = await call(base, 'GET', '/api/v1/vm?limit=e1b4');
    assert.equal(reply.status, 200);
    const list = JSON.parse(reply.body) as { name: string; uuid: string }[];
    assert.deepEqual(
      list.map((vm) => vm.name),
      ['e1b4-web', 'e1b4-web'],
    );
    assert.equal(list[0]!.uuid, UUIDS.e1b4);
  });

  test('10. node and state filters combine with OR', async () => {
    const reply = await call(base, 'GET', '/api/v1/vm?node=hv2&state=stop');
    assert.equal(reply.status, 200);
    const names = (JSON.parse(reply.body) as { name: string }[]).map((vm) => vm.name);
    assert.deepEqual(names, ['test1', 'test2']);
  });

  test('11. an invalid state and an unknown node are JSON strings', async () => {
    expectReply(
      await call(base, 'GET', '/api/v1/vm?state=bogus'),
      510,
      '"VM state \\"bogus\\" is not valid."\n',
    );
    expectReply(await call(base, 'GET', '/api/v1/vm?node=hv9'), 510, '"Specified node hv9 is invalid."\n');
  });

  test('12. start, not found, shutdown of a stopped VM', async () => {
    expectReply(
      await call(base, 'POST', '/api/v1/vm/test1/shutdown'),
      510,
      messageBody("ERROR: VM 'test1' is not in 'start' state!"),
    );
    expectReply(await call(base, 'POST', '/api/v1/vm/test1/start'), 200, messageBody("Starting VM 'test1'."));
    expectReply(
      await call(base, 'POST', '/api/v1/vm/nosuch/start'),
      510,
      messageBody("ERROR: Could not find VM 'nosuch' in the cluster!"),
    );
  });

  test('13. define without xml is 520; with a broken document 400', async () => {
    expectReply(
      await call(base, 'POST', '/api/v1/vm/x/define'),
      520,
      messageBody('ERROR: A Libvirt XML document must be specified.'),
    );
    expectReply(
      await call(base, 'POST', '/api/v1/vm/x/define', form({ xml: '<domain>' })),
      400,
      messageBody('ERROR: The Libvirt XML document is not valid.'),
    );
  });

  test('14. define with the XML in the query string', async () => {
    const uuid = '5a5a5a5a-0000-4000-8000-00000000beef';
    const xml = domainXml('web1', uuid);
    const reply = await call(base, 'POST', `/api/v1/vm/x/define?xml=${encodeURIComponent(xml)}`);
    expectReply(reply, 200, messageBody(`Added new VM with Name 'web1' and UUID '${uuid}' to database.`));
    const check = await server.graphql(
      'query($ref: String!) { virtualMachine(ref: $ref) { name uuid xml } }',
      {
        ref: uuid,
      },
    );
    assert.equal(check.data.virtualMachine.name, 'web1');
    assert.equal(check.data.virtualMachine.xml, xml);
  });

  test('17. dump answers the stored XML as text/html; a missing VM in plain text', async () => {
    expectReply(
      await call(base, 'GET', '/api/v1/vm/test1/dump'),
      200,
      domainXml('test1', UUIDS.test1),
      HTML_TYPE,
    );
    expectReply(
      await call(base, 'GET', '/api/v1/vm/nosuch/dump'),
      510,
      'ERROR: Could not find VM "nosuch" in the cluster!',
      HTML_TYPE,
    );
  });

  test('15. modify with a raw XML body answers an empty message', async () => {
    const xml = domainXml('test1', UUIDS.test1, '\n    <graphics type="vnc" port="5901"/>');
    const reply = await call(base, 'POST', '/api/v1/vm/test1/modify', {
      body: xml,
      headers: { 'content-type': 'application/xml' },
    });
    expectReply(reply, 200, '{\n  "message": ""\n}\n');
    const check = await server.graphql('{ virtualMachine(ref: "test1") { xml } }');
    assert.equal(check.data.virtualMachine.xml, xml);
  });

  test('16. migrate refuses a migrated VM unless forced; unmigrate needs a migrated VM', async () => {
    expectReply(
      await call(base, 'POST', '/api/v1/vm/test1/migrate?node=hv2'),
      510,
      messageBody("ERROR: VM 'test1' has been previously migrated."),
    );
    expectReply(
      await call(base, 'POST', '/api/v1/vm/test1/migrate?node=hv2&flag_force=0'),
      200,
      messageBody("Migrating VM 'test1' to node 'hv2'."),
    );
    expectReply(
      await call(base, 'POST', '/api/v1/vm/test2/unmigrate'),
      510,
      messageBody("ERROR: VM 'test2' has not been previously migrated."),
    );
    const check = await server.graphql(
      '{ virtualMachine(ref: "test1") { node { name } lastNode { name } } }',
    );
    // A forced re-migration keeps the remembered node.
    assert.deepEqual(check.data.virtualMachine, { node: { name: 'hv2' }, lastNode: { name: 'hv2' } });
  });

  test('18. ready a node', async () => {
    expectReply(
      await call(base, 'POST', '/api/v1/node/hv1/ready'),
      200,
      messageBody('Restoring hypervisor hv1 to active service.'),
    );
  });

  test('19. network add without or with an invalid nettype is 520', async () => {
    expectReply(
      await call(base, 'POST', '/api/v1/network/net2/add?vni=200'),
      520,
      messageBody('ERROR: A nettype must be specified for the virtual network.'),
    );
    expectReply(
      await call(base, 'POST', '/api/v1/network/net2/add?vni=200&nettype=unmanaged'),
      520,
      messageBody("ERROR: A valid nettype must be specified: 'managed' or 'bridged'."),
    );
  });

  test('20. a DHCPv4 network needs its range', async () => {
    expectReply(
      await call(
        base,
        'POST',
        '/api/v1/network/net2/add',
        form({ vni: '200', nettype: 'managed', flag_dhcp4: '' }),
      ),
      510,
      messageBody('ERROR: DHCPv4 start and end addresses are required for a DHCPv4-enabled network.'),
    );
    const check = await server.graphql('{ network(vni: "200") { vni } }');
    assert.equal(check.data.network, null);
  });

  test('21. network modify answers the VNI and changes only the given values', async () => {
    expectReply(
      await call(base, 'POST', '/api/v1/network/net1/modify?domain=lab.local'),
      200,
      messageBody("Network '100' modified successfully!"),
    );
    const check = await server.graphql('{ network(vni: "100") { domain ipv4 { dhcpEnabled dhcpStart } } }');
    assert.deepEqual(check.data.network, {
      domain: 'lab.local',
      ipv4: { dhcpEnabled: true, dhcpStart: '10.100.0.100' },
    });
  });

  test('22. DHCP list of a missing network is a JSON string', async () => {
    expectReply(
      await call(base, 'GET', '/api/v1/network/net9/dhcp'),
      510,
      '"ERROR: Could not find network \\"net9\\" in the cluster!"\n',
    );
  });

  test('23. an invalid reservation address names the MAC, lower-cased', async () => {
    expectReply(
      await call(base, 'POST', '/api/v1/network/net1/dhcp/52:54:00:AA:BB:CC/add?ipaddress=10.100.0.300'),
      510,
      messageBody("ERROR: IP address '52:54:00:aa:bb:cc' is not valid!"),
    );
  });

  test('24. ACL list failures are envelopes', async () => {
    expectReply(
      await call(base, 'GET', '/api/v1/network/net9/acl'),
      510,
      messageBody("ERROR: Could not find network 'net9' in the cluster!"),
    );
    expectReply(
      await call(base, 'GET', '/api/v1/network/net1/acl?direction=up'),
      510,
      messageBody("ERROR: Direction must be either 'in' or 'out'; for both, do not specify a direction."),
    );
  });

  test('25. ACL add at a position; a direction is required', async () => {
    expectReply(
      await call(
        base,
        'POST',
        '/api/v1/network/net1/acl/allow-ssh/add',
        form({ direction: 'in', rule: 'tcp dport 22 accept', order: '0' }),
      ),
      200,
      messageBody("Firewall rule 'allow-ssh' added successfully!"),
    );
    const check = await server.graphql(
      '{ network(vni: "100") { acls(direction: "in") { description order rule } } }',
    );
    assert.deepEqual(check.data.network.acls, [
      { description: 'allow-ssh', order: 0, rule: 'tcp dport 22 accept' },
      { description: 'allow-http', order: 1, rule: 'tcp dport 80 accept' },
    ]);
    expectReply(
      await call(
        base,
        'POST',
        '/api/v1/network/net1/acl/allow-dns/add',
        form({ rule: 'udp dport 53 accept' }),
      ),
      510,
      messageBody('ERROR: A direction must be specified for the ACL.'),
    );
  });

  test('26. OSD remove needs the confirmation flag, then the OSD', async () => {
    expectReply(
      await call(base, 'POST', '/api/v1/ceph/osd/3/remove'),
      599,
      messageBody(
        "ERROR: This command can have unintended consequences and should not be automated; if you're sure you know what you're doing, resend with the argument 'flag_yes_i_really_mean_it'.",
      ),
    );
    expectReply(
      await call(base, 'POST', '/api/v1/ceph/osd/3/remove?flag_yes_i_really_mean_it'),
      510,
      messageBody("ERROR: No OSD with ID '3' is present in the cluster."),
    );
  });

  test('27. OSD set needs an option', async () => {
    expectReply(
      await call(base, 'POST', '/api/v1/ceph/osd/set', form({ option: 'noout' })),
      200,
      messageBody('Set OSD property noout on the cluster.'),
    );
    assert.deepEqual((await server.graphql('{ cephOsdFlags }')).data.cephOsdFlags, ['noout']);
    expectReply(
      await call(base, 'POST', '/api/v1/ceph/osd/set'),
      510,
      messageBody('ERROR: An OSD option must be specified.'),
    );
  });

  test('28. volume add by bytes; malformed and missing sizes; unknown pool in the list', async () => {
    const size = 'ERROR: A volume size in bytes (or with an M/G/T suffix) must be specified.';
    expectReply(
      await call(base, 'POST', '/api/v1/ceph/volume/vms/v1/add?size=1073741824'),
      200,
      messageBody('Created new RBD volume v1 of size 1073741824 on pool vms.'),
    );
    const check = await server.graphql('{ rbdVolume(pool: "vms", name: "v1") { sizeBytes } }');
    assert.equal(check.data.rbdVolume.sizeBytes, 1073741824);
    expectReply(await call(base, 'POST', '/api/v1/ceph/volume/vms/v2/add?size=2g'), 400, messageBody(size));
    expectReply(await call(base, 'POST', '/api/v1/ceph/volume/vms/v2/add'), 510, messageBody(size));
    expectReply(
      await call(base, 'GET', '/api/v1/ceph/volume?pool=nopool'),
      510,
      '"ERROR: No pool with name \\"nopool\\" is present in the cluster."\n',
    );
  });

  test('29. snapshot add, then listed by volume', async () => {
    expectReply(
      await call(base, 'POST', '/api/v1/ceph/volume/snapshot/vms/v1/s1/add'),
      200,
      messageBody('Created new RBD snapshot s1 of volume v1 on pool vms.'),
    );
    expectReply(
      await call(base, 'GET', '/api/v1/ceph/volume/snapshot?volume=v1'),
      200,
      '[\n  "vms/v1@s1"\n]\n',
    );
  });

  test('30. OSD size and floats; pool list without a limit', async () => {
    const osds = await call(base, 'GET', '/api/v1/ceph/osd');
    assert.equal(osds.status, 200);
    assert.ok(osds.body.startsWith('[\n  {\n    "id": "0", \n    "stats": {\n'), osds.body);
    assert.ok(osds.body.includes('      "size": "932G", \n'));
    assert.ok(osds.body.includes('      "reweight": 1.0, \n'));
    assert.ok(osds.body.includes('      "primary_affinity": 1.0, \n'));
    assert.ok(osds.body.includes('      "weight": 0.9099, \n'));
    const pools = await call(base, 'GET', '/api/v1/ceph/pool');
    assert.equal(pools.status, 200);
    const list = JSON.parse(pools.body) as { name: string; stats: Record<string, unknown> }[];
    assert.equal(list.length, 1);
    assert.equal(list[0]!.name, 'vms');
    assert.equal(typeof list[0]!.stats.size_formatted, 'string');
    assert.ok(pools.body.includes('"size_formatted": '));
  });
});

describe('PVC conformance checklist: VM lists (cases 7 and 8)', () => {
  test('7. no VMs at all → 404 VM not found', async () => {
    const server = await startTestServer({ demo: false, config: OPEN });
    try {
      expectReply(await call(server.url, 'GET', '/api/v1/vm'), 404, messageBody('VM not found.'));
    } finally {
      await server.close();
    }
  });

  test('8. a fuzzy limit matches anywhere; the VM path is a non-fuzzy limit', async () => {
    const server = await startTestServer({ demo: false, importText: threeVmDatacenter(), config: OPEN });
    try {
      const fuzzy = await call(server.url, 'GET', '/api/v1/vm?limit=test');
      assert.equal(fuzzy.status, 200);
      assert.deepEqual(
        (JSON.parse(fuzzy.body) as { name: string }[]).map((vm) => vm.name),
        ['mytest', 'test1'],
      );
      const exact = await call(server.url, 'GET', '/api/v1/vm/test');
      assert.equal(exact.status, 200);
      assert.deepEqual(
        (JSON.parse(exact.body) as { name: string }[]).map((vm) => vm.name),
        ['test1'],
      );
    } finally {
      await server.close();
    }
  });
});

describe('PVC conformance checklist: authentication (cases 3 and 4)', () => {
  let server: TestServer;
  let base: string;
  before(async () => {
    server = await startTestServer({
      demo: false,
      importText: threeVmDatacenter(),
      config: { shims: { pvc: { auth: { tokens: [{ description: 'ops', token: 'abc123def' }] } } } },
    });
    base = server.url;
  });
  after(() => server.close());

  test('3. no token, a prefix, an empty token, the exact token', async () => {
    expectReply(await call(base, 'GET', '/api/v1/node'), 401, messageBody('Authentication required'));
    expectReply(await call(base, 'GET', '/api/v1/node?token=abc'), 401, messageBody('Authentication failed'));
    expectReply(await call(base, 'GET', '/api/v1/node?token='), 401, messageBody('Authentication failed'));
    const ok = await call(base, 'GET', '/api/v1/node?token=abc123def');
    assert.equal(ok.status, 200);
    assert.equal(ok.reason, 'OK');
  });

  test('4. login sets a session cookie that authenticates; GET login shows the form', async () => {
    const login = await call(base, 'POST', '/api/v1/auth/login', form({ token: 'abc123def' }));
    assert.equal(login.status, 302);
    assert.equal(login.headers.location, `${base}/api/v1`);
    const setCookie = login.headers['set-cookie'] as string[];
    assert.equal(setCookie.length, 1);
    assert.match(setCookie[0]!, /^session=[^;]+; HttpOnly; Path=\/$/);
    const session = setCookie[0]!.split(';')[0]!;
    const vms = await call(base, 'GET', '/api/v1/vm', { headers: { cookie: session } });
    assert.equal(vms.status, 200);
    expectReply(
      await call(base, 'GET', '/api/v1/auth/login'),
      200,
      '\n        <form method="post">\n            <p>\n                Enter your authentication token:\n                <input type=text name=token style=\'width:24em\'>\n                <input type=submit value=Login>\n            </p>\n        </form>\n    ',
      HTML_TYPE,
    );
  });
});
