/** Helpers for the PVC shim suites: plain HTTP calls as a PVC client makes them, and datacenters. */
import { stringify } from 'yaml';
import { rawRequest } from '../support/http.js';

export interface Reply {
  status: number;
  reason: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One raw HTTP request (node:http, so non-standard methods, HEAD and raw bodies go out as given). */
export async function call(
  base: string,
  method: string,
  path: string,
  options: { body?: string | Buffer; headers?: Record<string, string> } = {},
): Promise<Reply> {
  const { statusMessage, ...reply } = await rawRequest(base, method, path, options);
  return { ...reply, reason: statusMessage };
}

/** A form body (`application/x-www-form-urlencoded`). */
export function form(values: Record<string, string>): { body: string; headers: Record<string, string> } {
  return {
    body: new URLSearchParams(values).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  };
}

/** `{"message": text}` as PVC sends it. */
export function messageBody(text: string): string {
  return `{\n  "message": ${JSON.stringify(text)}\n}\n`;
}

export function domainXml(name: string, uuid: string, extra = ''): string {
  return `<domain type='kvm'>
  <name>${name}</name>
  <uuid>${uuid}</uuid>
  <memory unit='KiB'>1048576</memory>
  <vcpu placement='static'>2</vcpu>
  <os>
    <type arch='x86_64' machine='pc-i440fx-2.7'>hvm</type>
  </os>
  <features>
    <acpi/>
    <apic/>
  </features>
  <cpu mode='host-model'>
    <topology sockets='1' cores='2' threads='1'/>
  </cpu>
  <devices>
    <emulator>/usr/bin/kvm</emulator>
    <disk type='network' device='disk'>
      <source protocol='rbd' name='vms/${name}_disk0'/>
      <target dev='sda' bus='scsi'/>
    </disk>
    <controller type='usb' index='0' model='none'/>
    <interface type='bridge'>
      <mac address='52:54:00:12:34:56'/>
      <source bridge='vmbr100'/>
      <model type='virtio'/>
    </interface>
    <console type='pty'>
      <target type='serial' port='0'/>
    </console>${extra}
  </devices>
</domain>
`;
}

export const UUIDS = {
  test1: '11111111-2222-4333-8444-000000000001',
  test2: '11111111-2222-4333-8444-000000000002',
  mytest: '11111111-2222-4333-8444-000000000003',
  prod: '11111111-2222-4333-8444-000000000004',
  e1b4: 'e1b4e3d2-8e3a-4f0e-9c55-2d1c4a2b7f10',
} as const;

const NODES = [
  {
    name: 'hv1',
    roles: ['hypervisor', 'storage', 'coordinator'],
    coordinatorState: 'primary',
    cpuCount: 16,
    memory: { totalMiB: 64411, usedMiB: 20110, freeMiB: 44301 },
    load: 0.42,
    kernel: '4.9.0-9-amd64',
  },
  {
    name: 'hv2',
    roles: ['hypervisor', 'storage', 'coordinator'],
    coordinatorState: 'secondary',
    cpuCount: 16,
    memory: { totalMiB: 64411, usedMiB: 14802, freeMiB: 49609 },
    load: 1,
    kernel: '4.9.0-9-amd64',
  },
];

/**
 * The conformance datacenter: hv1 (primary) and hv2 (secondary); test1 stopped on hv1, migrated
 * from hv2 before; test2 running on hv2, never migrated; e1b4-web whose UUID starts with e1b4;
 * net1 (VNI 100, managed, DHCP) with one reservation and rules; Ceph with OSDs 0 and 1 and pool vms.
 */
export function conformanceDatacenter(): string {
  return stringify({
    nodes: NODES,
    vms: [
      { xml: domainXml('test1', UUIDS.test1), node: 'hv1', state: 'stop', lastNode: 'hv2' },
      { xml: domainXml('test2', UUIDS.test2), node: 'hv2', state: 'start' },
      { xml: domainXml('e1b4-web', UUIDS.e1b4), node: 'hv1', state: 'start' },
    ],
    networks: [
      {
        vni: 100,
        description: 'net1',
        type: 'managed',
        ip4: {
          network: '10.100.0.0/24',
          gateway: '10.100.0.1',
          dhcp: true,
          dhcpStart: '10.100.0.100',
          dhcpEnd: '10.100.0.199',
        },
        dhcpReservations: [{ mac: '52:54:00:00:00:01', ip: '10.100.0.11', hostname: 'test1' }],
        dhcpLeases: [
          { mac: '52:54:00:12:34:56', ip: '10.100.0.120', hostname: 'test1', expires: 1562600000 },
        ],
        acls: {
          in: [{ description: 'allow-http', rule: 'tcp dport 80 accept' }],
          out: [{ description: 'allow-all', rule: 'accept' }],
        },
      },
    ],
    ceph: {
      osds: [
        {
          id: 0,
          node: 'hv1',
          device: '/dev/sdb',
          weight: 0.9099,
          uuid: '3f1c2b9e-7d4a-4e0f-8b6a-1c2d3e4f5a6b',
          sizeKiB: 976762584,
          usedKiB: 125829120,
        },
        { id: 1, node: 'hv2', device: '/dev/sdb', weight: 0.9099 },
      ],
      pools: [{ name: 'vms', pgs: 128, volumes: [{ name: 'test1_disk0', size: '1G' }] }],
    },
  });
}

/** Three VMs named test1, mytest and prod (checklist case 8). */
export function threeVmDatacenter(): string {
  return stringify({
    nodes: NODES,
    vms: [
      { xml: domainXml('test1', UUIDS.test1), node: 'hv1', state: 'start' },
      { xml: domainXml('mytest', UUIDS.mytest), node: 'hv1', state: 'start' },
      { xml: domainXml('prod', UUIDS.prod), node: 'hv2', state: 'start' },
    ],
  });
}
