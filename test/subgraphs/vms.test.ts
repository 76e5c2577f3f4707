import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { graphql } from 'graphql';
import { parse as parseYaml } from 'yaml';
import { Store } from '../../src/drivers/embedded/store.js';
import { importNodes } from '../../src/drivers/embedded/nodes.import.js';
import { EmbeddedVms } from '../../src/drivers/embedded/vms.js';
import { generateDomainXml, importVms } from '../../src/drivers/embedded/vms.import.js';
import { createRequestContext } from '../../src/subgraphs/kit/index.js';
import {
  buildVmsSubgraph,
  chooseNode,
  parseDomainXml,
  type VmsSource,
} from '../../src/subgraphs/vms/index.js';
import { ANONYMOUS, type Principal } from '../../src/identity/index.js';

const ADMIN_ID = '00000000-0000-4000-8000-000000000001';
const ALICE_ID = 'a9dc21d2-bcb2-4104-9a9e-402b7c70d6d8';
const BOB_ID = 'ff53baa9-c025-4d56-a6e3-963db0438830';
const DYNVM_ID = '5b7e6a3c-0d4e-4f7b-9a61-3c2d1e0f9a88';
const DESKTOPS = '57e3bd10-1934-4b4f-bd4c-6e31473bddab';
const SERVERS = '57501ac5-3a14-41cb-b225-8e787c41505a';
const TEST1 = 'e1b4e3d2-8e3a-4f0e-9c55-2d1c4a2b7f10';

const admin: Principal = { kind: 'user', id: ADMIN_ID, name: 'admin', admin: true, groups: ['default'] };
const alice: Principal = {
  kind: 'user',
  id: ALICE_ID,
  name: 'alice',
  admin: false,
  groups: ['default', 'teachers'],
};
const bob: Principal = {
  kind: 'user',
  id: BOB_ID,
  name: 'bob',
  admin: false,
  groups: ['default', 'students'],
};
const dynvm: Principal = { kind: 'user', id: DYNVM_ID, name: 'dynvm', admin: false, groups: ['default'] };
const operator: Principal = { kind: 'operator', id: 'pvc', via: 'pvc' };

const DEMO = parseYaml(readFileSync(new URL('../../demo/datacenter.yaml', import.meta.url), 'utf8'));
const NODES = {
  nodes: ['hv1', 'hv2', 'hv3'].map((name, i) => ({
    name,
    roles: ['hypervisor', 'storage'],
    coordinatorState: ['primary', 'secondary', 'client'][i],
    cpuCount: 16,
    memory: { totalMiB: 64411, usedMiB: 20000, freeMiB: 44411 },
    load: [0.5, 0.2, 0.9][i],
    address: `10.0.0.1${i + 1}`,
  })),
};

function xmlOf(name: string, uuid: string, extra = ''): string {
  return `<domain type='kvm'><name>${name}</name><uuid>${uuid}</uuid><memory unit='MiB'>512</memory><vcpu>1</vcpu>${extra}</domain>`;
}

function setup(options: { extraVms?: number } = {}) {
  const store = new Store(':memory:');
  importNodes(store, NODES);
  importVms(store, DEMO);
  if (options.extraVms) {
    importVms(store, {
      vms: Array.from({ length: options.extraVms }, (_, i) => ({
        name: `gen${String(i).padStart(4, '0')}`,
        uuid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        memoryMiB: 512,
        node: ['hv1', 'hv2', 'hv3'][i % 3],
        state: 'start',
        pool: SERVERS,
        owner: ADMIN_ID,
        users: [ALICE_ID],
        nics: [{ mac: '52:54:00:10:00:00', bridge: 'vmbr100' }],
        console: { protocol: 'spice', port: 6000, password: 'x' },
      })),
    });
  }
  const calls = new Map<string, number>();
  const inner = new EmbeddedVms(store);
  const source = new Proxy(inner, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.set(String(property), (calls.get(String(property)) ?? 0) + 1);
        return value.apply(target, args);
      };
    },
  }) as VmsSource;
  const subgraph = buildVmsSubgraph({ vms: source });
  const run = async (principal: Principal, source: string, variableValues?: Record<string, unknown>) =>
    graphql({
      schema: subgraph.schema,
      source,
      variableValues,
      contextValue: createRequestContext(principal),
    });
  return { store, calls, run };
}

type Result = Awaited<ReturnType<ReturnType<typeof setup>['run']>>;

function data(result: Result): any {
  assert.equal(
    result.errors,
    undefined,
    JSON.stringify(result.errors?.map((error) => [error.message, (error.originalError as any)?.internal])),
  );
  return JSON.parse(JSON.stringify(result.data));
}

function failure(result: Result, code: string, reason?: string): Record<string, unknown> {
  assert.ok(result.errors?.length, `expected ${code} ${reason ?? ''}, got ${JSON.stringify(result.data)}`);
  const extensions = { ...result.errors![0]!.extensions } as Record<string, unknown>;
  assert.equal(extensions.code, code, JSON.stringify(result.errors));
  if (reason) assert.equal(extensions.reason, reason, JSON.stringify(result.errors));
  return extensions;
}

const LIST = `query($filter: VmFilter, $first: Int, $after: String) {
  virtualMachines(filter: $filter, first: $first, after: $after) {
    totalCount nodes { name matchedOn } pageInfo { hasNextPage endCursor }
  }
}`;
const names = (result: Result) => data(result).virtualMachines.nodes.map((vm: { name: string }) => vm.name);

describe('parseDomainXml', () => {
  const demoXml = DEMO.vms[0].xml as string;

  test('reads what PVC renders from a demo definition', () => {
    const d = parseDomainXml(demoXml);
    assert.equal(d.name, 'test1');
    assert.equal(d.uuid, TEST1);
    assert.deepEqual(d.memory, { amount: '1048576', unit: 'KiB', mib: 1024 });
    assert.equal(d.vcpuText, '2');
    assert.deepEqual(d.topology, { sockets: 1, cores: 2, threads: 1 });
    assert.equal(d.osType, 'hvm');
    assert.equal(d.arch, 'x86_64');
    assert.equal(d.machine, 'pc-i440fx-2.7');
    assert.equal(d.consoleType, 'pty');
    assert.equal(d.emulator, '/usr/bin/kvm');
    assert.deepEqual(d.features, ['acpi', 'apic']);
    assert.deepEqual(d.nics, [
      { type: 'bridge', mac: '52:54:00:00:00:01', source: 'vmbr100', model: 'virtio' },
    ]);
    assert.deepEqual(d.disks, [{ type: 'rbd', name: 'vms/test1_disk0', dev: 'sda', bus: 'scsi' }]);
    assert.deepEqual(d.controllers, [{ type: 'usb', model: 'none' }]);
    assert.equal(d.description, null);
    assert.equal(d.graphics, null);
  });

  test('file disks, other disks, controllers without model, units, predefined entities', () => {
    const d = parseDomainXml(
      xmlOf(
        'x1',
        '11111111-2222-4333-8444-555555555555',
        `<description>a &amp; b &#233;</description><devices><disk type='file'><source file='/var/a.img'/><target dev='vda' bus='virtio'/></disk><disk type='block'><source dev='/dev/sdz'/></disk><controller type='pci'/><graphics type='vnc' port='-1' passwd='pw'/></devices>`,
      ),
    );
    assert.deepEqual(d.disks, [
      { type: 'file', name: '/var/a.img', dev: 'vda', bus: 'virtio' },
      { type: null, name: null, dev: null, bus: null },
    ]);
    assert.deepEqual(d.controllers, [{ type: 'pci', model: 'none' }]);
    assert.deepEqual(d.memory, { amount: '512', unit: 'MiB', mib: 512 });
    assert.equal(d.description, 'a & b é');
    assert.deepEqual(d.graphics, { protocol: 'vnc', port: null, password: 'pw' });
    assert.equal(
      parseDomainXml(
        xmlOf('x2', '11111111-2222-4333-8444-555555555555').replace("unit='MiB'>512", "unit='GiB'>2"),
      ).memory.mib,
      2048,
    );
  });

  const hostile: [string, string][] = [
    [
      'billion laughs',
      `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;"><!ENTITY lol9 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">]><domain><name>&lol9;</name><uuid>11111111-2222-4333-8444-555555555555</uuid><memory>1</memory></domain>`,
    ],
    [
      'external entity',
      `<?xml version="1.0"?><!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><domain><name>&xxe;</name><uuid>11111111-2222-4333-8444-555555555555</uuid><memory>1</memory></domain>`,
    ],
    ['entity without doctype', `<!ENTITY x "y"><domain/>`],
    [
      'huge document',
      `<domain><name>a</name><description>${'x'.repeat(1024 * 1024 + 10)}</description></domain>`,
    ],
    ['deep nesting', `${'<a>'.repeat(100000)}${'</a>'.repeat(100000)}`],
    ['missing name', `<domain><uuid>11111111-2222-4333-8444-555555555555</uuid><memory>1</memory></domain>`],
    ['missing uuid', `<domain><name>a</name><memory>1</memory></domain>`],
    ['bad uuid', `<domain><name>a</name><uuid>not-a-uuid</uuid><memory>1</memory></domain>`],
    [
      'bad name',
      `<domain><name>-rf /</name><uuid>11111111-2222-4333-8444-555555555555</uuid><memory>1</memory></domain>`,
    ],
    ['malformed', `<domain><name>a</name>`],
    ['mismatched', `<domain><name>a</nam></domain>`],
    ['wrong root', `<vm><name>a</name></vm>`],
    ['empty', '   '],
    ['missing memory', `<domain><name>a</name><uuid>11111111-2222-4333-8444-555555555555</uuid></domain>`],
  ];
  for (const [label, xml] of hostile) {
    test(`${label} → BAD_USER_INPUT INVALID_XML, fast`, () => {
      const started = performance.now();
      assert.throws(
        () => parseDomainXml(xml),
        (error: any) =>
          error.extensions?.code === 'BAD_USER_INPUT' && error.extensions?.reason === 'INVALID_XML',
      );
      assert.ok(performance.now() - started < 1000, `${label} took ${performance.now() - started} ms`);
    });
  }

  test('modify may omit the uuid', () => {
    assert.equal(
      parseDomainXml(`<domain><name>a</name><memory>1024</memory></domain>`, { requireUuid: false }).uuid,
      '',
    );
  });
});

describe('placement', () => {
  const c = (name: string, mem: number, load: number, vcpus: number, vms: number, ready = true) => ({
    name,
    daemonState: 'run',
    domainState: ready ? 'ready' : 'flush',
    memoryAllocatedMiB: mem,
    load,
    vcpusAllocated: vcpus,
    vmCount: vms,
  });
  const nodes = [c('hv1', 100, 0.1, 8, 3), c('hv2', 50, 0.9, 2, 5), c('hv3', 300, 0.5, 4, 1)];
  test('each selector takes the least loaded qualified node, excluding the current one', () => {
    assert.equal(chooseNode(nodes, 'mem', null), 'hv2');
    assert.equal(chooseNode(nodes, 'mem', 'hv2'), 'hv1');
    assert.equal(chooseNode(nodes, 'load', null), 'hv1');
    assert.equal(chooseNode(nodes, 'vcpus', null), 'hv2');
    assert.equal(chooseNode(nodes, 'vms', null), 'hv3');
  });
  test('nodes not ready or not running are skipped; all nodes when none qualifies', () => {
    assert.equal(chooseNode([c('hv1', 100, 0, 0, 0), c('hv2', 1, 0, 0, 0, false)], 'mem', null), 'hv1');
    assert.equal(
      chooseNode([{ ...c('hv1', 100, 0, 0, 0), daemonState: 'dead' }, c('hv2', 200, 0, 0, 0)], 'mem', null),
      'hv2',
    );
    assert.equal(
      chooseNode([c('hv1', 100, 0, 0, 0, false), c('hv2', 50, 0, 0, 0, false)], 'mem', null),
      'hv2',
    );
    assert.equal(chooseNode([], 'mem', null), null);
  });
});

describe('VM queries', () => {
  test('lists VMs by name; users see only their own; anonymous is refused', async () => {
    const { run } = setup();
    assert.deepEqual(names(await run(admin, LIST)), [
      'db1',
      'desk1',
      'desk2',
      'desk3',
      'desk4',
      'mail1',
      'test1',
      'test2',
      'web1',
      'web2',
    ]);
    assert.deepEqual(names(await run(alice, LIST)), ['test1', 'web1']);
    failure(await run(ANONYMOUS, LIST), 'UNAUTHENTICATED');
  });

  test('name and id patterns, matchedOn, AND/OR of patterns', async () => {
    const { run } = setup();
    assert.deepEqual(names(await run(admin, LIST, { filter: { nameMatches: 'test' } })), ['test1', 'test2']);
    assert.deepEqual(names(await run(admin, LIST, { filter: { nameMatches: '^.*1' } })), [
      'db1',
      'desk1',
      'mail1',
      'test1',
      'web1',
    ]);
    const both = data(
      await run(admin, LIST, { filter: { idMatches: '^e1b4', nameMatches: '^e1b4', anyPattern: true } }),
    );
    assert.deepEqual(both.virtualMachines.nodes, [{ name: 'test1', matchedOn: ['ID'] }]);
    const all = data(await run(admin, LIST, { filter: { idMatches: '^.*', nameMatches: 'web1' } }));
    assert.deepEqual(all.virtualMachines.nodes, [{ name: 'web1', matchedOn: ['ID', 'NAME'] }]);
    failure(await run(admin, LIST, { filter: { nameMatches: '(' } }), 'BAD_USER_INPUT', 'INVALID_REGEX');
  });

  test('node and state filters: AND by default, OR on request; order of checks', async () => {
    const { run } = setup();
    assert.deepEqual(names(await run(admin, LIST, { filter: { nodes: ['hv2'], states: ['STOP'] } })), [
      'test2',
    ]);
    assert.deepEqual(
      names(await run(admin, LIST, { filter: { nodes: ['hv2'], stateNames: ['stop'], nodeOrState: true } })),
      ['desk2', 'mail1', 'test2', 'web2'],
    );
    assert.deepEqual(names(await run(admin, LIST, { filter: { nodes: ['hv3'] } })), [
      'db1',
      'desk3',
      'mail1',
    ]);
    const missing = failure(
      await run(admin, LIST, { filter: { nodes: ['hv9'], stateNames: ['bogus'], nameMatches: '(' } }),
      'NOT_FOUND',
      'NODE_NOT_FOUND',
    );
    assert.equal(missing.node, 'hv9');
    const state = failure(
      await run(admin, LIST, { filter: { stateNames: ['bogus'], nameMatches: '(' } }),
      'BAD_USER_INPUT',
      'INVALID_VM_STATE',
    );
    assert.equal(state.state, 'bogus');
    assert.equal(names(await run(admin, LIST, { filter: { nameMatches: 'nothing' } })).length, 0);
  });

  test('pagination', async () => {
    const { run } = setup();
    const page1 = data(await run(admin, LIST, { first: 3 })).virtualMachines;
    assert.equal(page1.totalCount, 10);
    assert.equal(page1.pageInfo.hasNextPage, true);
    const page2 = data(await run(admin, LIST, { first: 3, after: page1.pageInfo.endCursor })).virtualMachines;
    assert.deepEqual(
      page2.nodes.map((vm: any) => vm.name),
      ['desk3', 'desk4', 'mail1'],
    );
  });

  test('a page the store cuts equals the cut of the full list, filters and cursors included', async () => {
    const { store, run } = setup({ extraVms: 40 });
    // The same subgraph over a source without pageVms: the subgraph filters and cuts the full list.
    const inner = new EmbeddedVms(store);
    const listOnly = buildVmsSubgraph({
      vms: new Proxy(inner, {
        get: (target, property) =>
          property === 'pageVms' ? undefined : Reflect.get(target, property, target)?.bind?.(target),
      }) as VmsSource,
    });
    const reference = (variableValues: Record<string, unknown>) =>
      graphql({
        schema: listOnly.schema,
        source: PAGE,
        variableValues,
        contextValue: createRequestContext(admin),
      });
    const PAGE = `query($filter: VmFilter, $first: Int, $after: String) {
      virtualMachines(filter: $filter, first: $first, after: $after) {
        totalCount nodes { id name state } edges { cursor }
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      }
    }`;
    const filters = [
      null,
      { nodes: ['hv2'] },
      { states: ['STOP'] },
      { nodes: ['hv2'], states: ['STOP'] },
      { nodes: ['hv2', 'hv3'], stateNames: ['stop', 'failed'], nodeOrState: true },
      { types: ['DYNAMIC'] },
      { nodes: ['hv1'], types: ['PERSISTENT'], nodeOrState: true },
    ];
    let compared = 0;
    for (const filter of filters) {
      for (const first of [0, 1, 7, 100]) {
        let after: string | null = null;
        for (let page = 0; page < 4; page++) {
          const variables: Record<string, unknown> = { filter, first, after };
          const ours: any = data(await run(admin, PAGE, variables));
          const theirs: any = data(await reference(variables));
          assert.deepEqual(ours, theirs, JSON.stringify(variables));
          compared++;
          after = ours.virtualMachines.pageInfo.endCursor;
          if (!ours.virtualMachines.pageInfo.hasNextPage || !after) break;
        }
      }
    }
    assert.ok(compared > 40);
    // A cursor outside the filtered list, and a malformed one, fail alike.
    const all = data(await run(admin, PAGE, { first: 100 })).virtualMachines;
    const stopped = all.nodes.find((vm: { state: string }) => vm.state !== 'STOP');
    const outside = all.edges[all.nodes.indexOf(stopped)].cursor;
    for (const variables of [{ filter: { states: ['STOP'] }, after: outside }, { after: 'bm9wZQ' }]) {
      failure(await run(admin, PAGE, variables), 'BAD_USER_INPUT', 'CURSOR');
      failure(await reference(variables), 'BAD_USER_INPUT', 'CURSOR');
    }
    failure(await run(admin, PAGE, { first: 5001 }), 'BAD_USER_INPUT', 'PAGE_SIZE');
  });

  test('one VM by UUID or name, with everything PVC and FOSS-Cloud render', async () => {
    const { run } = setup();
    const q = `query($ref: String!) { virtualMachine(ref: $ref) {
      id name state stateName running migrated description memory { amount unit mib } memoryMiB vcpus vcpuText
      topology { sockets cores threads } osType arch machine consoleType emulator features
      nics { type mac source model } disks { type name dev bus } controllers { type model } xml
      node { id } lastNode { id } type subtype os poolId pool { id name type } owner { id } assignedUsers { id }
      assignmentStatus rbdDisks console { protocol host port password node { id } } failedReason } }`;
    const vm = data(await run(admin, q, { ref: TEST1 })).virtualMachine;
    assert.equal(vm.name, 'test1');
    assert.equal(vm.state, 'START');
    assert.equal(vm.xml, DEMO.vms[0].xml);
    assert.deepEqual(vm.memory, { amount: '1048576', unit: 'KiB', mib: 1024 });
    assert.deepEqual(vm.node, { id: 'hv1' });
    assert.equal(vm.lastNode, null);
    assert.deepEqual(vm.owner, { id: ALICE_ID });
    assert.deepEqual(vm.pool, { id: SERVERS, name: 'Servers', type: 'PERSISTENT' });
    assert.deepEqual(vm.rbdDisks, ['vms/test1_disk0']);
    assert.equal(vm.console, null);
    assert.equal(data(await run(admin, q, { ref: 'test1' })).virtualMachine.id, TEST1);
    assert.equal(data(await run(admin, q, { ref: 'TEST1' })).virtualMachine, null);
    assert.equal(data(await run(admin, q, { ref: TEST1.toUpperCase() })).virtualMachine, null);
    assert.equal(data(await run(bob, q, { ref: 'test1' })).virtualMachine, null);
    const desk = data(await run(admin, q, { ref: 'desk1' })).virtualMachine;
    assert.deepEqual(desk.console, {
      protocol: 'spice',
      host: 'hv1',
      port: 5901,
      password: 'dsk-desk1-pw',
      node: { id: 'hv1' },
    });
    assert.equal(desk.assignmentStatus, 'ASSIGNABLE');
    assert.equal(desk.type, 'DYNAMIC');
  });

  test('one source call per field level over many VMs (batching)', async () => {
    const { run, calls } = setup({ extraVms: 300 });
    const result = await run(
      alice,
      `{ virtualMachines(first: 5000) { totalCount nodes { name pool { name } assignedUsers { id } assignedGroups
         assignmentStatus console { password } node { id } owner { id } } } }`,
    );
    assert.equal(data(result).virtualMachines.totalCount, 302);
    assert.equal(calls.get('listVms'), 1);
    assert.equal(calls.get('usersOfVms'), 1);
    assert.equal(calls.get('groupsOfVms'), 1);
    assert.equal(calls.get('poolMembers') ?? 0, 1);
    assert.equal(calls.get('getPools'), 1);
    assert.equal(calls.get('getVms') ?? 0, 0);
  });
});

describe('define, modify, remove', () => {
  const NEW_UUID = '22222222-3333-4444-8555-666666666666';
  const DEFINE = `mutation($input: VmDefineInput!) { defineVm(input: $input) { id name state node { id } xml memoryMiB } }`;

  test('defines a stopped VM on the node with the least allocated memory', async () => {
    const { run } = setup();
    const xml = xmlOf('new1', NEW_UUID);
    const vm = data(await run(operator, DEFINE, { input: { xml } })).defineVm;
    assert.deepEqual(vm, {
      id: NEW_UUID,
      name: 'new1',
      state: 'STOP',
      node: { id: 'hv2' },
      xml,
      memoryMiB: 512,
    });
    const onNode = data(
      await run(operator, DEFINE, {
        input: { xml: xmlOf('new2', '22222222-3333-4444-8555-777777777777'), node: 'hv1' },
      }),
    );
    assert.deepEqual(onNode.defineVm.node, { id: 'hv1' });
    const byLoad = data(
      await run(operator, DEFINE, {
        input: { xml: xmlOf('new3', '22222222-3333-4444-8555-888888888888'), selector: 'load' },
      }),
    );
    assert.deepEqual(byLoad.defineVm.node, { id: 'hv2' });
  });

  test('failures, in order', async () => {
    const { run } = setup();
    failure(await run(operator, DEFINE, { input: { xml: '' } }), 'BAD_USER_INPUT', 'XML_MISSING');
    failure(await run(operator, DEFINE, { input: { xml: '<domain>' } }), 'BAD_USER_INPUT', 'INVALID_XML');
    failure(
      await run(operator, DEFINE, { input: { xml: xmlOf('x', TEST1), node: 'hv9' } }),
      'NOT_FOUND',
      'NODE_NOT_FOUND',
    );
    const exists = failure(
      await run(operator, DEFINE, { input: { xml: xmlOf('x', TEST1) } }),
      'CONFLICT',
      'VM_EXISTS',
    );
    assert.equal(exists.uuid, TEST1);
    failure(
      await run(operator, DEFINE, { input: { xml: xmlOf('test1', NEW_UUID) } }),
      'CONFLICT',
      'VM_NAME_EXISTS',
    );
    failure(
      await run(operator, DEFINE, { input: { xml: xmlOf('x', NEW_UUID), poolId: 'nope' } }),
      'NOT_FOUND',
      'POOL_NOT_FOUND',
    );
    failure(
      await run(operator, DEFINE, { input: { xml: xmlOf('x', NEW_UUID), os: 'beos' } }),
      'BAD_USER_INPUT',
      'INVALID_OS',
    );
    failure(await run(alice, DEFINE, { input: { xml: xmlOf('x', NEW_UUID) } }), 'FORBIDDEN');
    failure(await run(ANONYMOUS, DEFINE, { input: { xml: xmlOf('x', NEW_UUID) } }), 'UNAUTHENTICATED');
  });

  test('modify keeps the UUID, takes the new definition and restarts on request', async () => {
    const { run, store } = setup();
    const M = `mutation($vm: String!, $xml: String!, $restart: Boolean) { modifyVm(vm: $vm, xml: $xml, restart: $restart) { id name vcpus nics { mac } xml state } }`;
    const xml = xmlOf(
      'test1b',
      NEW_UUID,
      `<devices><interface type='bridge'><mac address='52:54:00:aa:bb:cc'/><source bridge='vmbr200'/></interface></devices>`,
    );
    const vm = data(await run(operator, M, { vm: 'test1', xml, restart: true })).modifyVm;
    assert.deepEqual(vm, {
      id: TEST1,
      name: 'test1b',
      vcpus: 1,
      nics: [{ mac: '52:54:00:aa:bb:cc' }],
      xml,
      state: 'START',
    });
    assert.deepEqual(store.db.prepare('SELECT source FROM vm_nics WHERE vm_uuid = ?').all(TEST1), [
      { source: 'vmbr200' },
    ]);
    failure(await run(operator, M, { vm: 'nosuch', xml }), 'NOT_FOUND', 'VM_NOT_FOUND');
    failure(await run(operator, M, { vm: 'nosuch', xml: '' }), 'BAD_USER_INPUT', 'XML_MISSING');
    failure(await run(operator, M, { vm: 'nosuch', xml: '<x' }), 'BAD_USER_INPUT', 'INVALID_XML');
    failure(
      await run(operator, M, { vm: 'test1b', xml: xmlOf('web1', NEW_UUID) }),
      'CONFLICT',
      'VM_NAME_EXISTS',
    );
  });

  test('remove deletes the VM and its RBD volumes in one transaction; undefine keeps the volumes', async () => {
    const { run, store } = setup();
    store.db.exec(`INSERT OR IGNORE INTO ceph_pools (name, pool_id, pgs) VALUES ('vms', 1, 128)`);
    const insert = store.db.prepare(
      `INSERT OR IGNORE INTO rbd_volumes (pool, name, size_bytes, image_id, created_at) VALUES (?, ?, 1073741824, ?, '2026-01-01T00:00:00Z')`,
    );
    for (const name of ['test1_disk0', 'test2_disk0', 'other']) insert.run('vms', name, `id${name}`);
    store.db.exec(
      `INSERT INTO rbd_snapshots (pool, volume, name, created_at) VALUES ('vms', 'test1_disk0', 'snap', '2026-01-01T00:00:00Z')`,
    );
    const count = () => (store.db.prepare('SELECT COUNT(*) AS n FROM rbd_volumes').get() as { n: number }).n;
    const before = count();
    const R = `mutation($vm: String!) { removeVm(vm: $vm) { id name rbdDisks deletedVolumes } }`;
    const U = `mutation($vm: String!) { undefineVm(vm: $vm) { id name rbdDisks deletedVolumes } }`;

    // A failure halfway (the volume deletion) leaves the VM and its devices in place.
    store.db.exec(
      `CREATE TRIGGER block BEFORE DELETE ON rbd_volumes BEGIN SELECT RAISE(ABORT, 'blocked'); END`,
    );
    failure(await run(operator, R, { vm: 'test1' }), 'BACKEND_FAILED', 'STORE_FAILED');
    assert.ok(store.db.prepare('SELECT 1 FROM vms WHERE uuid = ?').get(TEST1));
    assert.ok(store.db.prepare('SELECT 1 FROM vm_disks WHERE vm_uuid = ?').get(TEST1));
    store.db.exec('DROP TRIGGER block');

    const removed = data(await run(operator, R, { vm: 'test1' })).removeVm;
    assert.deepEqual(removed.rbdDisks, ['vms/test1_disk0']);
    assert.deepEqual(removed.deletedVolumes, ['vms/test1_disk0']);
    assert.equal(count(), before - 1);
    assert.equal((store.db.prepare('SELECT COUNT(*) AS n FROM rbd_snapshots').get() as { n: number }).n, 0);
    assert.equal(store.db.prepare('SELECT 1 FROM vms WHERE uuid = ?').get(TEST1), undefined);
    assert.equal(store.db.prepare('SELECT 1 FROM vm_disks WHERE vm_uuid = ?').get(TEST1), undefined);
    const undefined_ = data(await run(operator, U, { vm: 'test2' })).undefineVm;
    assert.deepEqual(undefined_, {
      id: undefined_.id,
      name: 'test2',
      rbdDisks: ['vms/test2_disk0'],
      deletedVolumes: [],
    });
    assert.equal(count(), before - 1);
    failure(await run(operator, R, { vm: 'test1' }), 'NOT_FOUND', 'VM_NOT_FOUND');
    failure(await run(alice, U, { vm: 'web1' }), 'FORBIDDEN');
  });
});

describe('lifecycle, migration, flush and ready', () => {
  const STATE = (verb: string) =>
    `mutation($vm: String!) { ${verb}Vm(vm: $vm) { name state node { id } lastNode { id } } }`;

  test('start, restart, shutdown, stop with their state rules and owners', async () => {
    const { run } = setup();
    const shut = failure(
      await run(operator, STATE('shutdown'), { vm: 'test2' }),
      'CONFLICT',
      'VM_NOT_RUNNING',
    );
    assert.equal(shut.state, 'stop');
    failure(await run(operator, STATE('restart'), { vm: 'test2' }), 'CONFLICT', 'VM_NOT_RUNNING');
    assert.equal(data(await run(bob, STATE('start'), { vm: 'test2' })).startVm.state, 'START');
    assert.equal(data(await run(operator, STATE('restart'), { vm: 'test2' })).restartVm.state, 'START');
    assert.equal(data(await run(operator, STATE('shutdown'), { vm: 'test2' })).shutdownVm.state, 'STOP');
    assert.equal(data(await run(alice, STATE('stop'), { vm: TEST1 })).stopVm.state, 'STOP');
    failure(await run(alice, STATE('start'), { vm: 'test2' }), 'FORBIDDEN');
    failure(await run(operator, STATE('start'), { vm: 'nosuch' }), 'NOT_FOUND', 'VM_NOT_FOUND');
    failure(await run(ANONYMOUS, STATE('start'), { vm: 'test1' }), 'UNAUTHENTICATED');
  });

  test('migrate remembers the last node, refuses re-migration without force, unmigrate returns', async () => {
    const { run } = setup();
    const MIGRATE = `mutation($vm: String!, $node: String, $selector: String, $force: Boolean) {
      migrateVm(vm: $vm, node: $node, selector: $selector, force: $force) { state node { id } lastNode { id } migrated } }`;
    assert.deepEqual(data(await run(operator, MIGRATE, { vm: 'test1', node: 'hv2' })).migrateVm, {
      state: 'START',
      node: { id: 'hv2' },
      lastNode: { id: 'hv1' },
      migrated: true,
    });
    // Previously migrated is checked before the node.
    failure(await run(operator, MIGRATE, { vm: 'test1', node: 'hv9' }), 'CONFLICT', 'VM_ALREADY_MIGRATED');
    failure(
      await run(operator, MIGRATE, { vm: 'test1', node: 'hv9', force: true }),
      'NOT_FOUND',
      'NODE_NOT_FOUND',
    );
    const on = failure(
      await run(operator, MIGRATE, { vm: 'test1', node: 'hv2', force: true }),
      'CONFLICT',
      'VM_ALREADY_ON_NODE',
    );
    assert.equal(on.node, 'hv2');
    assert.deepEqual(
      data(await run(operator, MIGRATE, { vm: 'test1', node: 'hv3', force: true })).migrateVm.lastNode,
      { id: 'hv1' },
    );
    const back = data(await run(operator, STATE('unmigrate'), { vm: 'test1' })).unmigrateVm;
    assert.deepEqual(back, { name: 'test1', state: 'START', node: { id: 'hv1' }, lastNode: null });
    failure(await run(operator, STATE('unmigrate'), { vm: 'test1' }), 'CONFLICT', 'VM_NOT_MIGRATED');
    // Without a node the selector chooses another node, and "already on node" does not apply.
    const chosen = data(await run(operator, MIGRATE, { vm: 'test1', selector: 'vms' })).migrateVm;
    assert.notEqual(chosen.node.id, 'hv1');
    failure(await run(alice, MIGRATE, { vm: 'test1', node: 'hv2', force: true }), 'FORBIDDEN');
  });

  test('move forgets the last node', async () => {
    const { run } = setup();
    const MOVE = `mutation($vm: String!, $node: String) { moveVm(vm: $vm, node: $node) { state node { id } lastNode { id } } }`;
    await run(operator, `mutation { migrateVm(vm: "web1", node: "hv3") { id } }`);
    assert.deepEqual(data(await run(operator, MOVE, { vm: 'web1', node: 'hv2' })).moveVm, {
      state: 'START',
      node: { id: 'hv2' },
      lastNode: null,
    });
    failure(await run(operator, MOVE, { vm: 'web1', node: 'hv2' }), 'CONFLICT', 'VM_ALREADY_ON_NODE');
    failure(await run(operator, MOVE, { vm: 'web1', node: 'hv7' }), 'NOT_FOUND', 'NODE_NOT_FOUND');
    failure(await run(operator, MOVE, { vm: 'nosuch', node: 'hv7' }), 'NOT_FOUND', 'VM_NOT_FOUND');
    assert.equal(data(await run(operator, MOVE, { vm: 'mail1', node: '' })).moveVm.state, 'STOP');
  });

  test('flush evacuates running VMs remembering the node; ready brings them back', async () => {
    const { run, store } = setup();
    const VMS_ON = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on ClusterNode { id vms { name lastNode { id } } } } }`;
    const flushed = data(await run(operator, `mutation { flushNode(node: "hv1") { id } }`));
    assert.deepEqual(flushed.flushNode, { id: 'hv1' });
    assert.equal(
      (store.db.prepare(`SELECT domain_state FROM nodes WHERE name = 'hv1'`).get() as any).domain_state,
      'flushed',
    );
    const moved = store.db
      .prepare(`SELECT name, node FROM vms WHERE last_node = 'hv1' ORDER BY name`)
      .all() as any[];
    assert.deepEqual(
      moved.map((vm) => vm.name),
      ['desk1', 'desk4', 'test1', 'web1'],
    );
    assert.ok(moved.every((vm) => vm.node === 'hv2' || vm.node === 'hv3'));
    const entities = data(
      await run(operator, VMS_ON, { reps: [{ __typename: 'ClusterNode', id: 'hv1' }] }),
    )._entities;
    assert.deepEqual(entities, [{ id: 'hv1', vms: [] }]);
    // A flushed node takes no new VMs.
    const define = await run(
      operator,
      `mutation($xml: String!) { defineVm(input: { xml: $xml }) { node { id } } }`,
      {
        xml: xmlOf('n9', '99999999-3333-4444-8555-666666666666'),
      },
    );
    assert.notEqual(data(define).defineVm.node.id, 'hv1');
    data(await run(operator, `mutation { flushNode(node: "hv1") { id } }`));
    data(await run(operator, `mutation { readyNode(node: "hv1") { id } }`));
    assert.equal(
      (store.db.prepare(`SELECT domain_state FROM nodes WHERE name = 'hv1'`).get() as any).domain_state,
      'ready',
    );
    const back = data(await run(operator, VMS_ON, { reps: [{ __typename: 'ClusterNode', id: 'hv1' }] }))
      ._entities[0];
    assert.deepEqual(back.vms, [
      { name: 'desk1', lastNode: null },
      { name: 'desk4', lastNode: null },
      { name: 'test1', lastNode: null },
      { name: 'web1', lastNode: null },
    ]);
    failure(await run(operator, `mutation { flushNode(node: "hv9") { id } }`), 'NOT_FOUND', 'NODE_NOT_FOUND');
    failure(await run(operator, `mutation { readyNode(node: "hv9") { id } }`), 'NOT_FOUND', 'NODE_NOT_FOUND');
    failure(await run(alice, `mutation { flushNode(node: "hv1") { id } }`), 'FORBIDDEN');
  });
});

describe('FOSS-Cloud pools, assignment and MAC mappings', () => {
  const ENTRIES = `query($as: VmActingUser) { myDynamicVmEntries(asUser: $as) { pool { id name } vm { name console { port password } } status } }`;
  const ASSIGN = `mutation($pool: ID!, $as: VmActingUser) { assignVmFromPool(pool: $pool, asUser: $as) { pool { name } vm { name } status } }`;

  test('pools a user may use, dynamic entries and persistent VMs', async () => {
    const { run } = setup();
    assert.deepEqual(data(await run(admin, `{ vmPools { name memberGroups } }`)).vmPools, [
      { name: 'Desktops', memberGroups: ['students', 'teachers'] },
      { name: 'Servers', memberGroups: [] },
    ]);
    assert.deepEqual(data(await run(alice, `{ vmPools { name } usableVmPools { id } }`)), {
      vmPools: [{ name: 'Desktops' }],
      usableVmPools: [{ id: DESKTOPS }],
    });
    assert.deepEqual(data(await run(alice, ENTRIES)).myDynamicVmEntries, [
      { pool: { id: DESKTOPS, name: 'Desktops' }, vm: null, status: 'ASSIGNABLE' },
    ]);
    assert.deepEqual(data(await run(dynvm, ENTRIES)).myDynamicVmEntries, []);
    assert.deepEqual(data(await run(alice, `{ myPersistentVms { name } }`)).myPersistentVms, [
      { name: 'test1' },
      { name: 'web1' },
    ]);
    assert.deepEqual(
      data(await run(admin, `{ myPersistentVms(asUser: { id: "${BOB_ID}" }) { name } }`)).myPersistentVms,
      [{ name: 'test2' }],
    );
    failure(await run(alice, `{ myPersistentVms(asUser: { id: "${BOB_ID}" }) { name } }`), 'FORBIDDEN');
    failure(await run(operator, ENTRIES), 'BAD_USER_INPUT', 'USER_REQUIRED');
    failure(await run(ANONYMOUS, ENTRIES), 'UNAUTHENTICATED');
    const ALL_DYNAMIC = `{ dynamicVirtualMachines { totalCount nodes { name assignmentStatus } } }`;
    failure(await run(alice, ALL_DYNAMIC), 'FORBIDDEN', 'DYNAMIC_VIEW_ALL_REQUIRED');
    const viewer: Principal = { ...alice, rights: { dynamicVmView: 'all', persistentVmView: 'owner' } };
    assert.equal(data(await run(viewer, ALL_DYNAMIC)).dynamicVirtualMachines.totalCount, 4);
    assert.equal(data(await run(admin, ALL_DYNAMIC)).dynamicVirtualMachines.totalCount, 4);
  });

  test('FOSS-Cloud view rights decide the dynamic entries and persistent VMs', async () => {
    const { run } = setup();
    const none: Principal = { ...alice, rights: { dynamicVmView: 'none', persistentVmView: 'none' } };
    assert.deepEqual(data(await run(none, ENTRIES)).myDynamicVmEntries, []);
    assert.deepEqual(data(await run(none, `{ myPersistentVms { name } }`)).myPersistentVms, [
      { name: 'test1' },
      { name: 'web1' },
    ]);
    const everything: Principal = { ...alice, rights: { dynamicVmView: 'owner', persistentVmView: 'all' } };
    const all = data(await run(everything, `{ myPersistentVms { name type } }`)).myPersistentVms;
    assert.equal(all.length, 6);
    assert.ok(all.every((vm: { type: string }) => vm.type === 'PERSISTENT'));
  });

  test('assignment takes the first free running Desktop VM, atomically', async () => {
    const { run } = setup();
    await run(operator, `mutation { stopVm(vm: "desk1") { id } }`);
    const first = data(await run(alice, ASSIGN, { pool: DESKTOPS })).assignVmFromPool;
    assert.deepEqual(first, { pool: { name: 'Desktops' }, vm: { name: 'desk2' }, status: 'ASSIGNED' });
    const entries = data(await run(alice, ENTRIES)).myDynamicVmEntries;
    assert.deepEqual(entries, [
      {
        pool: { id: DESKTOPS, name: 'Desktops' },
        vm: { name: 'desk2', console: { port: 5902, password: 'dsk-desk2-pw' } },
        status: 'ASSIGNED',
      },
    ]);
    const [a, b] = await Promise.all([
      run(bob, ASSIGN, { pool: DESKTOPS }),
      run(alice, ASSIGN, { pool: DESKTOPS }),
    ]);
    const got = [data(a).assignVmFromPool.vm.name, data(b).assignVmFromPool.vm.name].sort();
    assert.deepEqual(got, ['desk3', 'desk4']);
    const none = failure(await run(bob, ASSIGN, { pool: DESKTOPS }), 'CONFLICT', 'NO_FREE_VM');
    assert.equal(none.pool, DESKTOPS);
    const users = data(await run(admin, `{ virtualMachines { nodes { name assignedUsers { id } } } }`))
      .virtualMachines.nodes;
    assert.deepEqual(users.find((vm: any) => vm.name === 'desk1').assignedUsers, []);
  });

  test('assignment failures and acting for a user', async () => {
    const { run } = setup();
    failure(await run(alice, ASSIGN, { pool: 'unknown-pool' }), 'NOT_FOUND', 'POOL_NOT_FOUND');
    failure(await run(alice, ASSIGN, { pool: SERVERS }), 'NOT_FOUND', 'POOL_NOT_FOUND');
    failure(await run(dynvm, ASSIGN, { pool: DESKTOPS }), 'NOT_FOUND', 'POOL_NOT_FOUND');
    failure(
      await run(alice, ASSIGN, { pool: DESKTOPS, as: { id: BOB_ID, groups: ['students'] } }),
      'FORBIDDEN',
    );
    const forBob = data(
      await run(admin, ASSIGN, { pool: DESKTOPS, as: { id: BOB_ID, groups: ['students'] } }),
    );
    assert.equal(forBob.assignVmFromPool.vm.name, 'desk1');
    const bobs = data(await run(bob, `{ virtualMachines { nodes { name } } }`)).virtualMachines.nodes;
    assert.deepEqual(
      bobs.map((vm: any) => vm.name),
      ['desk1', 'test2'],
    );
  });

  test('MAC mappings for the dynamic-VM user', async () => {
    const { run } = setup();
    const BY_MAC = `query($mac: String!) { vmByMac(mac: $mac) { mac vm { name } pool { name } assigned } }`;
    const MAC_ASSIGN = `mutation($pool: ID!, $mac: String!) { assignVmByMac(pool: $pool, mac: $mac) { vm { name } pool { id } status } }`;
    assert.deepEqual(data(await run(dynvm, BY_MAC, { mac: '00:11:22:33:44:01' })).vmByMac, {
      mac: '00:11:22:33:44:01',
      vm: { name: 'desk4' },
      pool: { name: 'Desktops' },
      assigned: false,
    });
    assert.equal(
      data(await run(dynvm, BY_MAC, { mac: '00:11:22:33:44:01'.toUpperCase() })).vmByMac.vm.name,
      'desk4',
    );
    failure(await run(alice, BY_MAC, { mac: 'zz' }), 'BAD_USER_INPUT', 'INVALID_MAC');
    failure(await run(alice, BY_MAC, { mac: '00:11:22:33:44:01' }), 'FORBIDDEN', 'NOT_DYNVM_USER');
    failure(await run(dynvm, BY_MAC, { mac: '00:11:22:33:44:55' }), 'NOT_FOUND', 'NO_VM_FOR_MAC');
    failure(
      await run(dynvm, MAC_ASSIGN, { pool: SERVERS, mac: '00:11:22:33:44:01' }),
      'BAD_USER_INPUT',
      'POOL_INVALID',
    );
    failure(
      await run(dynvm, MAC_ASSIGN, { pool: 'nope', mac: '00:11:22:33:44:01' }),
      'BAD_USER_INPUT',
      'POOL_INVALID',
    );
    failure(
      await run(bob, MAC_ASSIGN, { pool: DESKTOPS, mac: '00:11:22:33:44:01' }),
      'FORBIDDEN',
      'NOT_DYNVM_USER',
    );
    failure(
      await run(dynvm, MAC_ASSIGN, { pool: DESKTOPS, mac: '00:11:22:33:44:99' }),
      'NOT_FOUND',
      'NO_VM_FOR_MAC',
    );
    assert.deepEqual(
      data(await run(dynvm, MAC_ASSIGN, { pool: DESKTOPS, mac: '00:11:22:33:44:01' })).assignVmByMac,
      {
        vm: { name: 'desk4' },
        pool: { id: DESKTOPS },
        status: 'ASSIGNED',
      },
    );
    assert.equal(data(await run(dynvm, BY_MAC, { mac: '00:11:22:33:44:01' })).vmByMac.assigned, true);
    failure(
      await run(dynvm, MAC_ASSIGN, { pool: DESKTOPS, mac: '00:11:22:33:44:01' }),
      'CONFLICT',
      'ALREADY_ASSIGNED',
    );
    // Administration of mappings.
    assert.deepEqual(
      data(
        await run(
          admin,
          `mutation { setVmMacMapping(mac: "AA:BB:CC:DD:EE:FF", vm: "desk1") { mac vm { name } } }`,
        ),
      ).setVmMacMapping,
      {
        mac: 'aa:bb:cc:dd:ee:ff',
        vm: { name: 'desk1' },
      },
    );
    assert.equal(data(await run(admin, `{ vmMacMappings { mac } }`)).vmMacMappings.length, 2);
    assert.equal(
      data(await run(admin, `mutation { removeVmMacMapping(mac: "aa:bb:cc:dd:ee:ff") }`)).removeVmMacMapping,
      true,
    );
    assert.equal(
      data(await run(admin, `mutation { removeVmMacMapping(mac: "aa:bb:cc:dd:ee:ff") }`)).removeVmMacMapping,
      false,
    );
    failure(await run(alice, `{ vmMacMappings { mac } }`), 'FORBIDDEN');
    failure(
      await run(admin, `mutation { setVmMacMapping(mac: "aa:bb:cc:dd:ee:ff", vm: "nosuch") { mac } }`),
      'NOT_FOUND',
      'VM_NOT_FOUND',
    );
  });

  test('pool administration and VM profiles', async () => {
    const { run } = setup();
    const created = data(
      await run(
        admin,
        `mutation { createVmPool(input: { id: "p1", name: "Lab", type: DYNAMIC, subtype: "Desktop" }) { id name type } }`,
      ),
    );
    assert.deepEqual(created.createVmPool, { id: 'p1', name: 'Lab', type: 'DYNAMIC' });
    failure(
      await run(admin, `mutation { createVmPool(input: { id: "p1", name: "Lab", type: DYNAMIC }) { id } }`),
      'CONFLICT',
      'POOL_EXISTS',
    );
    failure(
      await run(admin, `mutation { createVmPool(input: { id: "-x", name: "Lab", type: DYNAMIC }) { id } }`),
      'BAD_USER_INPUT',
      'INVALID_POOL_ID',
    );
    data(await run(admin, `mutation { addVmPoolMember(pool: "p1", userId: "${BOB_ID}") { id } }`));
    failure(
      await run(admin, `mutation { addVmPoolMember(pool: "p1") { id } }`),
      'BAD_USER_INPUT',
      'MEMBER_REQUIRED',
    );
    failure(
      await run(admin, `mutation { addVmPoolMember(pool: "p9", group: "x") { id } }`),
      'NOT_FOUND',
      'POOL_NOT_FOUND',
    );
    data(await run(admin, `mutation { updateVmProfile(vm: "desk1", input: { poolId: "p1" }) { id } }`));
    assert.equal(data(await run(bob, ASSIGN, { pool: 'p1' })).assignVmFromPool.vm.name, 'desk1');
    data(await run(admin, `mutation { removeVmPoolMember(pool: "p1", userId: "${BOB_ID}") { id } }`));
    failure(await run(bob, ASSIGN, { pool: 'p1' }), 'NOT_FOUND', 'POOL_NOT_FOUND');
    assert.equal(data(await run(admin, `mutation { deleteVmPool(id: "p1") }`)).deleteVmPool, true);
    failure(await run(admin, `mutation { deleteVmPool(id: "p1") }`), 'NOT_FOUND', 'POOL_NOT_FOUND');
    const profile = data(
      await run(
        admin,
        `mutation { updateVmProfile(vm: "desk1", input: { type: PERSISTENT, os: "linux", ownerId: "${BOB_ID}" }) { type os pool { id } owner { id } } }`,
      ),
    );
    assert.deepEqual(profile.updateVmProfile, {
      type: 'PERSISTENT',
      os: 'linux',
      pool: null,
      owner: { id: BOB_ID },
    });
    failure(
      await run(alice, `mutation { createVmPool(input: { id: "p2", name: "Lab", type: DYNAMIC }) { id } }`),
      'FORBIDDEN',
    );
    const assigned = data(
      await run(
        admin,
        `mutation { assignVmUser(vm: "web2", userId: "${ALICE_ID}") { assignedUsers { id } } }`,
      ),
    );
    assert.deepEqual(assigned.assignVmUser.assignedUsers, [{ id: ALICE_ID }]);
    assert.deepEqual(
      data(
        await run(
          admin,
          `mutation { unassignVmUser(vm: "web2", userId: "${ALICE_ID}") { assignedUsers { id } } }`,
        ),
      ).unassignVmUser.assignedUsers,
      [],
    );
  });
});

describe('entities', () => {
  const ENTITIES = `query($reps: [_Any!]!) { _entities(representations: $reps) { __typename ... on VirtualMachine { name } ... on VmPool { name } ... on User { id vms { name } } } }`;

  test('VirtualMachine, VmPool and User references authorize and batch', async () => {
    const { run, calls } = setup();
    const reps = [
      { __typename: 'VirtualMachine', id: TEST1 },
      { __typename: 'VirtualMachine', id: 'nope' },
      { __typename: 'VmPool', id: DESKTOPS },
      { __typename: 'User', id: ALICE_ID },
    ];
    const asAdmin = data(await run(admin, ENTITIES, { reps }))._entities;
    assert.deepEqual(asAdmin, [
      { __typename: 'VirtualMachine', name: 'test1' },
      null,
      { __typename: 'VmPool', name: 'Desktops' },
      { __typename: 'User', id: ALICE_ID, vms: [{ name: 'test1' }, { name: 'web1' }] },
    ]);
    assert.equal(calls.get('getVms'), 1);
    const asBob = data(await run(bob, ENTITIES, { reps }))._entities;
    assert.deepEqual(asBob, [
      null,
      null,
      { __typename: 'VmPool', name: 'Desktops' },
      { __typename: 'User', id: ALICE_ID, vms: [] },
    ]);
    assert.equal(
      data(await run(alice, ENTITIES, { reps: [{ __typename: 'VmPool', id: SERVERS }] }))._entities[0],
      null,
    );
    failure(await run(ANONYMOUS, ENTITIES, { reps }), 'UNAUTHENTICATED');
  });
});

describe('import', () => {
  test('structured entries generate complete XML; errors name the path', () => {
    const store = new Store(':memory:');
    importNodes(store, NODES);
    importVms(store, {
      vms: [
        {
          name: 'gen1',
          uuid: '12345678-1234-4234-8234-123456789012',
          memoryMiB: 256,
          node: 'hv1',
          disks: [{ rbd: 'vms/gen1_disk0', dev: 'sda' }],
        },
      ],
    });
    const row = store.db.prepare(`SELECT xml, memory_mib, state FROM vms WHERE name = 'gen1'`).get() as any;
    assert.equal(row.memory_mib, 256);
    assert.equal(row.state, 'stop');
    assert.match(row.xml, /<source protocol='rbd' name='vms\/gen1_disk0'\/>/);
    assert.throws(
      () =>
        importVms(store, {
          vms: [{ xml: xmlOf('g2', '12345678-1234-4234-8234-123456789013'), node: 'hv9' }],
        }),
      /vms\[0\]\.node: unknown node "hv9"/,
    );
    assert.throws(
      () => importVms(store, { vms: [{ xml: '<domain>', node: 'hv1' }] }),
      /vms\[0\]\.xml: .*not valid/,
    );
    assert.throws(
      () => importVms(store, { vms: [{}, { name: 'g3', uuid: 'x', memoryMiB: 1, node: 'hv1' }] }),
      /vms\[0\]/,
    );
    assert.throws(
      () =>
        importVms(store, {
          vms: [{ xml: xmlOf('gen1', '12345678-1234-4234-8234-123456789014'), node: 'hv1' }],
        }),
      /vms\[0\]\.name/,
    );
    assert.throws(
      () => importVms(store, { vmMacMappings: [{ mac: '00:11:22:33:44:55', vm: 'nosuch' }] }),
      /vmMacMappings\[0\]\.vm/,
    );
    assert.equal((store.db.prepare('SELECT COUNT(*) AS n FROM vms').get() as any).n, 1);
  });

  test('the demo XML round-trips through the generator', () => {
    const xml = generateDomainXml({
      name: 'test1',
      uuid: TEST1,
      memoryMiB: 1024,
      vcpus: 2,
      topology: { sockets: 1, cores: 2, threads: 1 },
      nics: [{ mac: '52:54:00:00:00:01', bridge: 'vmbr100', model: 'virtio' }],
      disks: [{ rbd: 'vms/test1_disk0', dev: 'sda', bus: 'scsi' }],
      node: 'hv1',
      state: 'start',
      type: 'persistent',
      users: [],
      groups: [],
    });
    assert.equal(xml, DEMO.vms[0].xml);
  });
});
