/** Datacenter descriptions for tests: the demo, and the demo grown to many VMs. */
import { readFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';

export const DEMO_PATH = new URL('../../demo/datacenter.yaml', import.meta.url);

export const DEMO_USERS = {
  admin: '00000000-0000-4000-8000-000000000001',
  alice: 'a9dc21d2-bcb2-4104-9a9e-402b7c70d6d8',
  bob: 'ff53baa9-c025-4d56-a6e3-963db0438830',
} as const;

/** The question operators ask most: every VM with its node, storage, networks and people. */
export const ACROSS_ALL_FIVE = `query AcrossAllFive($first: Int) {
  virtualMachines(first: $first) {
    totalCount
    nodes {
      name
      state
      node { name memory { freeMiB } }
      volumes { id sizeBytes snapshots { name } }
      networks { vni description }
      assignedUsers { id displayName }
      owner { id displayName }
    }
  }
}`;

export function demoDescription(): Record<string, any> {
  return parse(readFileSync(DEMO_PATH, 'utf8'));
}

/**
 * The demo datacenter plus `extra` generated VMs (`gen0001`, …) spread over hv1–hv3, each with a
 * NIC on net1 or storage, an RBD system disk with its volume in pool `vms` (every tenth with a
 * snapshot), an owner among the demo users who is also assigned to it. YAML text for import.
 */
export function grownDatacenter(extra: number): string {
  const description = demoDescription();
  const owners = Object.values(DEMO_USERS);
  const pool = description.ceph.pools.find((candidate: { name: string }) => candidate.name === 'vms');
  for (let i = 1; i <= extra; i++) {
    const name = `gen${String(i).padStart(4, '0')}`;
    const owner = owners[i % owners.length]!;
    description.vms.push({
      xml: domainXml(name, i),
      node: `hv${(i % 3) + 1}`,
      state: i % 4 === 0 ? 'stop' : 'start',
      owner,
      users: [owner],
    });
    pool.volumes.push({
      name: `${name}_disk0`,
      size: '20G',
      createdAt: '2026-01-01T00:00:00Z',
      ...(i % 10 === 0 ? { snapshots: [{ name: 'daily', createdAt: '2026-01-02T00:00:00Z' }] } : {}),
    });
  }
  return stringify(description);
}

function domainXml(name: string, index: number): string {
  const hex = index.toString(16).padStart(12, '0');
  const mac = `52:54:01:${hex.slice(6, 8)}:${hex.slice(8, 10)}:${hex.slice(10, 12)}`;
  const bridge = index % 5 === 0 ? 'vmbr200' : 'vmbr100';
  return `<domain type='kvm'>
  <name>${name}</name>
  <uuid>7e57${hex.slice(0, 4)}-0000-4000-8000-${hex}</uuid>
  <memory unit='KiB'>${(1 + (index % 4)) * 1048576}</memory>
  <vcpu placement='static'>${1 + (index % 4)}</vcpu>
  <os><type arch='x86_64' machine='pc-q35-7.2'>hvm</type></os>
  <devices>
    <disk type='network' device='disk'>
      <driver name='qemu' type='raw'/>
      <source protocol='rbd' name='vms/${name}_disk0'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <interface type='bridge'>
      <mac address='${mac}'/>
      <source bridge='${bridge}'/>
      <model type='virtio'/>
    </interface>
  </devices>
</domain>
`;
}
