/**
 * Hostile input to the PVC shim (issue #3): malformed and hostile libvirt XML, names with shell
 * metacharacters, a leading `-` or path traversal, absurd sizes, oversized bodies, wrong methods
 * and unknown paths. Each gets the spec's answer, and the graph state is unchanged after each.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../support/cloudfed.js';
import { call, conformanceDatacenter, domainXml, form, messageBody, UUIDS } from './pvc-support.js';

const BODY_LIMIT = 4 * 1024 * 1024;

/** Everything the PVC API can change, as the graph shows it. */
const STATE = `{
  virtualMachines(first: 5000) { nodes { uuid name stateName xml node { id } lastNode { id } } }
  clusterNodes(first: 5000) { nodes { name domainState coordinatorState } }
  networks(first: 5000) {
    nodes {
      vni description domain type
      ipv4 { network gateway dhcpEnabled dhcpStart dhcpEnd }
      ipv6 { network gateway }
      dhcpReservations(first: 5000) { nodes { macAddress ipAddress hostname } }
      acls { description direction rule order }
    }
  }
  cephOsds(first: 5000) { nodes { id in up weight device } }
  cephOsdFlags
  cephPools(first: 5000) { nodes { name pgs volumes { name sizeBytes snapshots { name } } } }
}`;

const INVALID_XML = messageBody('ERROR: The Libvirt XML document is not valid.');
const CREATE_POOL_FAILED = messageBody('ERROR: Failed to create new pool; check node logs for details.');
const CREATE_VOLUME_FAILED = messageBody('ERROR: Failed to create new volume; check node logs for details.');
const CREATE_OSD_FAILED = messageBody('ERROR: Failed to create new OSD; check node logs for details.');
const SIZE = messageBody('ERROR: A volume size in bytes (or with an M/G/T suffix) must be specified.');
const NOT_FOUND = messageBody('Not Found');

const LAUGHS = `<?xml version="1.0"?>
<!DOCTYPE lolz [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<domain type='kvm'><name>&lol4;</name><uuid>aaaaaaaa-0000-4000-8000-000000000001</uuid><memory unit='KiB'>1024</memory><vcpu>1</vcpu></domain>`;

const EXTERNAL = `<?xml version="1.0"?>
<!DOCTYPE domain [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
<domain type='kvm'><name>xxe</name><uuid>aaaaaaaa-0000-4000-8000-000000000002</uuid><description>&xxe;</description><memory unit='KiB'>1024</memory><vcpu>1</vcpu></domain>`;

interface Case {
  name: string;
  method: string;
  path: string;
  body?: string | Buffer;
  headers?: Record<string, string>;
  status: number;
  body_?: string;
  /** Expected body, byte for byte. */
  expect: string;
}

function xmlCase(name: string, path: string, xml: string, status: number, expect: string): Case {
  return { name, method: 'POST', path, ...form({ xml }), status, expect };
}

const HUGE = domainXml(
  'huge',
  'aaaaaaaa-0000-4000-8000-000000000003',
  `\n<!-- ${'x'.repeat(2 * 1024 * 1024)} -->`,
);
const DEEP = `<domain type='kvm'><name>deep</name><uuid>aaaaaaaa-0000-4000-8000-000000000004</uuid><memory unit='KiB'>1024</memory>${'<a>'.repeat(5000)}${'</a>'.repeat(5000)}</domain>`;

const CASES: Case[] = [
  xmlCase('define: entity expansion (billion laughs)', '/api/v1/vm/x/define', LAUGHS, 400, INVALID_XML),
  xmlCase('define: external entity', '/api/v1/vm/x/define', EXTERNAL, 400, INVALID_XML),
  xmlCase('define: a 2 MiB document', '/api/v1/vm/x/define', HUGE, 400, INVALID_XML),
  xmlCase('define: 5000 levels deep', '/api/v1/vm/x/define', DEEP, 400, INVALID_XML),
  xmlCase('define: not XML at all', '/api/v1/vm/x/define', 'rm -rf / #', 400, INVALID_XML),
  xmlCase(
    'define: no UUID',
    '/api/v1/vm/x/define',
    "<domain type='kvm'><name>nouuid</name></domain>",
    400,
    INVALID_XML,
  ),
  xmlCase(
    'define: a name with shell metacharacters',
    '/api/v1/vm/x/define',
    domainXml('$(reboot);rm -rf', 'aaaaaaaa-0000-4000-8000-000000000005'),
    400,
    INVALID_XML,
  ),
  xmlCase(
    'define: a name starting with "-"',
    '/api/v1/vm/x/define',
    domainXml('-rf', 'aaaaaaaa-0000-4000-8000-000000000006'),
    400,
    INVALID_XML,
  ),
  xmlCase(
    'define: an existing UUID',
    '/api/v1/vm/x/define',
    domainXml('other', UUIDS.test2),
    510,
    messageBody(`ERROR: A VM with UUID '${UUIDS.test2}' already exists in the cluster!`),
  ),
  {
    name: 'modify: entity expansion in a raw body',
    method: 'POST',
    path: '/api/v1/vm/test1/modify',
    body: LAUGHS,
    headers: { 'content-type': 'application/xml' },
    status: 400,
    expect: INVALID_XML,
  },
  {
    name: 'a body over the limit',
    method: 'POST',
    path: '/api/v1/vm/x/define',
    body: Buffer.alloc(BODY_LIMIT + 1, 0x61),
    headers: { 'content-type': 'application/xml' },
    status: 413,
    expect: messageBody('ERROR: The request body is too large.'),
  },
  {
    name: 'a malformed multipart body',
    method: 'POST',
    path: '/api/v1/vm/x/define',
    body: '--nope\r\ngarbage',
    headers: { 'content-type': 'multipart/form-data; boundary=zzz' },
    status: 400,
    expect: messageBody('ERROR: The form data could not be read.'),
  },
  {
    name: 'pool: shell metacharacters',
    method: 'POST',
    path: `/api/v1/ceph/pool/${encodeURIComponent(';rm -rf ~')}/add`,
    status: 510,
    expect: CREATE_POOL_FAILED,
  },
  {
    name: 'pool: leading "-"',
    method: 'POST',
    path: '/api/v1/ceph/pool/-rf/add',
    status: 510,
    expect: CREATE_POOL_FAILED,
  },
  {
    name: 'pool: absurd PG count',
    method: 'POST',
    path: '/api/v1/ceph/pool/big/add?pgs=99999999999999',
    status: 510,
    expect: CREATE_POOL_FAILED,
  },
  {
    name: 'pool: zero PGs',
    method: 'POST',
    path: '/api/v1/ceph/pool/zero/add?pgs=0',
    status: 510,
    expect: CREATE_POOL_FAILED,
  },
  {
    name: 'volume: command substitution in the name',
    method: 'POST',
    path: `/api/v1/ceph/volume/vms/${encodeURIComponent('$(reboot)')}/add?size=1G`,
    status: 510,
    expect: CREATE_VOLUME_FAILED,
  },
  {
    name: 'volume: a hidden name',
    method: 'POST',
    path: '/api/v1/ceph/volume/vms/.hidden/add?size=1G',
    status: 510,
    expect: CREATE_VOLUME_FAILED,
  },
  {
    name: 'volume: an absurd size',
    method: 'POST',
    path: '/api/v1/ceph/volume/vms/v9/add?size=99999999999999999999999P',
    status: 400,
    expect: SIZE,
  },
  {
    name: 'volume: a negative size',
    method: 'POST',
    path: '/api/v1/ceph/volume/vms/v9/add?size=-1G',
    status: 400,
    expect: SIZE,
  },
  {
    name: 'volume: a lower-case unit',
    method: 'POST',
    path: '/api/v1/ceph/volume/vms/v9/add?size=1g',
    status: 400,
    expect: SIZE,
  },
  {
    name: 'OSD: a device starting with "-"',
    method: 'POST',
    path: '/api/v1/ceph/osd/hv1/add?device=-rf&weight=1',
    status: 510,
    expect: CREATE_OSD_FAILED,
  },
  {
    name: 'OSD: a device outside /dev',
    method: 'POST',
    path: `/api/v1/ceph/osd/hv1/add?device=${encodeURIComponent('/dev/../etc/passwd')}&weight=1`,
    status: 510,
    expect: CREATE_OSD_FAILED,
  },
  {
    name: 'OSD: an infinite weight',
    method: 'POST',
    path: '/api/v1/ceph/osd/hv1/add?device=/dev/sdz&weight=1e999',
    status: 510,
    expect: CREATE_OSD_FAILED,
  },
  {
    name: 'OSD flag: not a flag',
    method: 'POST',
    path: `/api/v1/ceph/osd/set?option=${encodeURIComponent('noout; ceph osd pool delete')}`,
    status: 510,
    expect: messageBody('ERROR: Failed to set OSD property; check node logs for details.'),
  },
  {
    name: 'network: a description starting with "-"',
    method: 'POST',
    path: '/api/v1/network/--help/add?vni=400&nettype=managed',
    status: 510,
    expect: messageBody('ERROR: The network description is not valid.'),
  },
  {
    name: 'network: an absurd VNI',
    method: 'POST',
    path: '/api/v1/network/big/add?vni=99999999999999999999&nettype=managed',
    status: 510,
    expect: messageBody('ERROR: A valid VNI must be specified for the virtual network.'),
  },
  {
    name: 'DHCP: shell metacharacters in the host name',
    method: 'POST',
    path: `/api/v1/network/net1/dhcp/52:54:00:00:00:99/add?ipaddress=10.100.0.99&hostname=${encodeURIComponent('a;reboot')}`,
    status: 510,
    expect: messageBody('ERROR: The hostname is not valid.'),
  },
  {
    name: 'DHCP: a MAC with "-" separators',
    method: 'POST',
    path: '/api/v1/network/net1/dhcp/52-54-00-00-00-99/add?ipaddress=10.100.0.99',
    status: 510,
    expect: messageBody(
      "ERROR: MAC address '52-54-00-00-00-99' is not valid! Always use ':' as a separator.",
    ),
  },
  {
    name: 'ACL: a rule smuggling a second line',
    method: 'POST',
    path: '/api/v1/network/net1/acl/evil/add',
    ...form({ direction: 'in', rule: 'accept\nflush ruleset' }),
    status: 510,
    expect: messageBody('ERROR: A valid NFT rule line must be specified for the ACL.'),
  },
  {
    name: 'ACL: a negative order',
    method: 'POST',
    path: '/api/v1/network/net1/acl/evil/add',
    ...form({ direction: 'in', rule: 'accept', order: '-1' }),
    status: 400,
    expect: messageBody('ERROR: The ACL order must be a non-negative integer.'),
  },
  {
    name: 'ACL: a direction by substring',
    method: 'POST',
    path: '/api/v1/network/net1/acl/evil/add',
    ...form({ direction: 'inbound', rule: 'accept' }),
    status: 510,
    expect: messageBody("ERROR: Direction must be either 'in' or 'out'."),
  },
  {
    name: 'path traversal with encoded slashes',
    method: 'POST',
    path: '/api/v1/vm/..%2F..%2Fetc%2Fpasswd/start',
    status: 404,
    expect: NOT_FOUND,
  },
  {
    name: 'a NUL byte in a name',
    method: 'POST',
    path: '/api/v1/vm/test1%00/stop',
    status: 510,
    expect: '{\n  "message": "ERROR: Could not find VM \'test1\\u0000\' in the cluster!"\n}\n',
  },
  {
    name: 'a broken percent-encoding',
    method: 'GET',
    path: '/api/v1/vm/%E0%A4%A/dump',
    status: 510,
    expect: 'ERROR: Could not find VM "%E0%A4%A" in the cluster!',
  },
  {
    name: 'an 8,000-character name',
    method: 'POST',
    path: `/api/v1/vm/${'a'.repeat(8000)}/remove`,
    status: 510,
    expect: messageBody(`ERROR: Could not find VM '${'a'.repeat(8000)}' in the cluster!`),
  },
  {
    name: 'a wrong method',
    method: 'DELETE',
    path: '/api/v1/network/net1',
    status: 405,
    expect: messageBody('Method Not Allowed'),
  },
  {
    name: 'PATCH on an action',
    method: 'PATCH',
    path: '/api/v1/vm/test1/start',
    status: 405,
    expect: messageBody('Method Not Allowed'),
  },
  {
    name: 'an unknown path',
    method: 'POST',
    path: '/api/v1/vm/test1/format-disk',
    status: 404,
    expect: NOT_FOUND,
  },
  { name: 'a path below the prefix only by name', method: 'GET', path: '/api/v1x', status: 404, expect: '' },
];

describe('PVC hostile input: exact answers, unchanged state', () => {
  let server: TestServer;
  let initial: unknown;
  before(async () => {
    server = await startTestServer({
      demo: false,
      importText: conformanceDatacenter(),
      config: { server: { bodyLimit: BODY_LIMIT }, shims: { pvc: { auth: { enabled: false } } } },
    });
    const state = await server.graphql(STATE);
    assert.equal(state.errors, undefined, JSON.stringify(state.errors));
    initial = state.data;
  });
  after(() => server.close());

  for (const entry of CASES) {
    test(entry.name, async () => {
      const reply = await call(server.url, entry.method, entry.path, {
        ...(entry.body !== undefined ? { body: entry.body } : {}),
        ...(entry.headers ? { headers: entry.headers } : {}),
      });
      if (entry.path === '/api/v1x') {
        // Outside the prefix: the main server's own 404, not PVC's.
        assert.equal(reply.status, 404);
        assert.notEqual(reply.body, NOT_FOUND);
      } else {
        assert.equal(reply.status, entry.status, reply.body.slice(0, 300));
        assert.equal(reply.body, entry.expect);
      }
      assert.ok(!/at .*\.ts:\d+/.test(reply.body), 'no stack trace');
      const state = await server.graphql(STATE);
      assert.deepEqual(state.data, initial, 'the graph state is unchanged');
    });
  }

  test('the server still answers normally afterwards', async () => {
    const reply = await call(server.url, 'GET', '/api/v1/vm/test1');
    assert.equal(reply.status, 200);
    assert.ok(!server.logLines.some((line) => line.includes('unexpected error')), server.logLines.join('\n'));
  });
});
