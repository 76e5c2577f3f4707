/**
 * Sections `vmSettings`, `vmPools`, `vms` and `vmMacMappings` of a datacenter description
 * (loaded after `nodes`; pools before VMs, mappings last):
 *
 * ```yaml
 * vmSettings:
 *   dynamicVmUser: 5b7e6a3c-0d4e-4f7b-9a61-3c2d1e0f9a88   # FOSS-Cloud's dedicated dynamic-VM user (optional)
 * vmPools:
 *   - id: 57e3bd10-1934-4b4f-bd4c-6e31473bddab   # opaque id (a UUID in practice)
 *     name: Desktops                             # display name
 *     type: dynamic                              # persistent | dynamic
 *     subtype: Desktop                           # optional: Desktop, Server, Golden-Image, …
 *     os: windows                                # optional: windows | linux
 *     description: Thin-client desktops          # optional
 *     members: { users: [<user id>], groups: [teachers, students] }   # optional
 * vms:
 *   # Either the libvirt definition as written (stored exactly; name, uuid, memory, vCPUs,
 *   # topology, NICs, disks, console are read from it) …
 *   - xml: |
 *       <domain type='kvm'> … </domain>
 *     node: hv1                 # required; an existing node
 *     state: start              # start | restart | shutdown | stop | failed | migrate | unmigrate (default stop)
 *     lastNode: hv2             # optional: the VM was migrated from there
 *     type: persistent          # persistent | dynamic (default persistent)
 *     subtype: Server           # optional
 *     os: linux                 # optional: windows | linux
 *     pool: <pool id>           # optional; an existing pool of vmPools
 *     owner: <user id>          # optional
 *     users: [<user id>]        # optional: assigned users
 *     groups: [teachers]        # optional: groups assigned directly
 *   # … or structured fields, from which a complete KVM definition is generated (then stored):
 *   - name: web1
 *     uuid: 7d0c7c43-5c1e-4f8e-a1d2-9a3b8c7e6f50
 *     memoryMiB: 2048           # written in KiB
 *     vcpus: 2
 *     topology: { sockets: 1, cores: 2, threads: 1 }   # optional (default 1/vcpus/1)
 *     description: Web server   # optional
 *     nics: [{ mac: '52:54:00:00:00:03', bridge: vmbr100, model: virtio }]   # optional
 *     disks: [{ rbd: vms/web1_disk0, dev: sda, bus: scsi }]                  # optional
 *     console: { protocol: spice, port: 5901, password: s3cret }            # optional
 *     node: hv1                 # and the same placement/profile fields as above
 * vmMacMappings:
 *   - mac: '00:11:22:33:44:01'  # six hex pairs
 *     vm: desk4                 # VM name or UUID
 * ```
 */
import { z } from 'zod';
import { parseDomainXml, type DomainDefinition } from '../../subgraphs/vms/index.js';
import { DatacenterImportError } from './import-error.js';
import type { Store } from './store.js';
import { insertVm } from './vms.js';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
const ID = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$/;
const MAC = /^[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){5}$/;
const STATES = ['start', 'restart', 'shutdown', 'stop', 'failed', 'migrate', 'unmigrate'] as const;

const name = z.string().regex(NAME, 'letters, digits, ".", "_" or "-", starting with a letter or digit');
const id = z.string().regex(ID, 'an id: letters, digits, ".", "_", "@" or "-"');

const PoolSchema = z.strictObject({
  id,
  name: z.string().min(1).max(127),
  type: z.enum(['persistent', 'dynamic']),
  subtype: z.string().min(1).max(63).optional(),
  os: z.enum(['windows', 'linux']).optional(),
  description: z.string().optional(),
  members: z.strictObject({ users: z.array(id).default([]), groups: z.array(id).default([]) }).prefault({}),
});

const placement = {
  node: name,
  state: z.enum(STATES).default('stop'),
  lastNode: name.optional(),
  type: z.enum(['persistent', 'dynamic']).default('persistent'),
  subtype: z.string().min(1).max(63).optional(),
  os: z.enum(['windows', 'linux']).optional(),
  pool: id.optional(),
  owner: id.optional(),
  users: z.array(id).default([]),
  groups: z.array(id).default([]),
};

const XmlVmSchema = z.strictObject({ xml: z.string().min(1), ...placement });

const StructuredVmSchema = z.strictObject({
  name,
  uuid: z.uuid(),
  memoryMiB: z.number().int().positive(),
  vcpus: z.number().int().positive().default(1),
  topology: z
    .strictObject({
      sockets: z.number().int().positive(),
      cores: z.number().int().positive(),
      threads: z.number().int().positive(),
    })
    .optional(),
  description: z.string().optional(),
  nics: z
    .array(
      z.strictObject({
        mac: z.string().regex(MAC, 'six ":"-separated hex pairs'),
        bridge: name,
        model: z.string().regex(NAME).default('virtio'),
      }),
    )
    .default([]),
  disks: z
    .array(
      z.strictObject({
        rbd: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*\/[A-Za-z0-9][A-Za-z0-9._-]*$/, 'pool/volume'),
        dev: z.string().regex(/^[a-z]{2,4}[a-z0-9]*$/),
        bus: z.enum(['scsi', 'virtio', 'sata', 'ide']).default('scsi'),
      }),
    )
    .default([]),
  console: z
    .strictObject({
      protocol: z.enum(['spice', 'vnc']),
      port: z.number().int().min(1).max(65535).optional(),
      password: z.string().min(1).max(128).optional(),
    })
    .optional(),
  ...placement,
});

const MappingSchema = z.strictObject({
  mac: z.string().regex(MAC, 'six ":"-separated hex pairs'),
  vm: z.string().min(1),
});

const SectionsSchema = z.object({
  vmSettings: z.strictObject({ dynamicVmUser: id.optional() }).optional(),
  vmPools: z.array(PoolSchema).default([]),
  // Each entry is checked against the form it uses (below), so errors name the exact field.
  vms: z.array(z.unknown()).default([]),
  vmMacMappings: z.array(MappingSchema).default([]),
});

type StructuredVm = z.infer<typeof StructuredVmSchema>;

function escapeXml(text: string): string {
  return text.replace(
    /[<>&'"]/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!,
  );
}

/** A complete KVM domain definition from structured fields (the demo's shape). */
export function generateDomainXml(vm: StructuredVm): string {
  const topology = vm.topology ?? { sockets: 1, cores: vm.vcpus, threads: 1 };
  const lines = [
    `<domain type='kvm'>`,
    `  <name>${escapeXml(vm.name)}</name>`,
    `  <uuid>${vm.uuid}</uuid>`,
    ...(vm.description ? [`  <description>${escapeXml(vm.description)}</description>`] : []),
    `  <memory unit='KiB'>${vm.memoryMiB * 1024}</memory>`,
    `  <currentMemory unit='KiB'>${vm.memoryMiB * 1024}</currentMemory>`,
    `  <vcpu placement='static'>${vm.vcpus}</vcpu>`,
    `  <os>`,
    `    <type arch='x86_64' machine='pc-i440fx-2.7'>hvm</type>`,
    `    <boot dev='hd'/>`,
    `  </os>`,
    `  <features>`,
    `    <acpi/>`,
    `    <apic/>`,
    `  </features>`,
    `  <cpu mode='host-model'>`,
    `    <topology sockets='${topology.sockets}' cores='${topology.cores}' threads='${topology.threads}'/>`,
    `  </cpu>`,
    `  <clock offset='utc'/>`,
    `  <on_poweroff>destroy</on_poweroff>`,
    `  <on_reboot>restart</on_reboot>`,
    `  <on_crash>restart</on_crash>`,
    `  <devices>`,
    `    <emulator>/usr/bin/kvm</emulator>`,
    ...vm.disks.flatMap((disk) => [
      `    <disk type='network' device='disk'>`,
      `      <driver name='qemu' type='raw' cache='writeback'/>`,
      `      <source protocol='rbd' name='${escapeXml(disk.rbd)}'/>`,
      `      <target dev='${disk.dev}' bus='${disk.bus}'/>`,
      `    </disk>`,
    ]),
    `    <controller type='usb' index='0' model='none'/>`,
    ...vm.nics.flatMap((nic) => [
      `    <interface type='bridge'>`,
      `      <mac address='${nic.mac.toLowerCase()}'/>`,
      `      <source bridge='${nic.bridge}'/>`,
      `      <model type='${nic.model}'/>`,
      `    </interface>`,
    ]),
    `    <serial type='pty'>`,
    `      <target port='0'/>`,
    `    </serial>`,
    `    <console type='pty'>`,
    `      <target type='serial' port='0'/>`,
    `    </console>`,
    ...(vm.console
      ? [
          `    <graphics type='${vm.console.protocol}' ${
            vm.console.port ? `port='${vm.console.port}' autoport='no'` : `autoport='yes'`
          } listen='0.0.0.0'${vm.console.password ? ` passwd='${escapeXml(vm.console.password)}'` : ''}>`,
          `      <listen type='address' address='0.0.0.0'/>`,
          `    </graphics>`,
        ]
      : []),
    `  </devices>`,
    `</domain>`,
  ];
  return `${lines.join('\n')}\n`;
}

export function importVms(store: Store, data: unknown): void {
  const parsed = SectionsSchema.safeParse(data);
  if (!parsed.success) throw DatacenterImportError.fromZod(parsed.error);
  const { vmSettings, vmPools, vmMacMappings } = parsed.data;
  const vms = parsed.data.vms.map((entry, index) => {
    const isXml = typeof entry === 'object' && entry !== null && 'xml' in entry;
    const result = (isXml ? XmlVmSchema : StructuredVmSchema).safeParse(entry);
    if (!result.success) {
      for (const issue of result.error.issues)
        (issue as { path: PropertyKey[] }).path = ['vms', index, ...issue.path];
      throw DatacenterImportError.fromZod(result.error);
    }
    return result.data;
  });
  const db = store.db;
  const fail = (path: string, message: string) => new DatacenterImportError(`${path}: ${message}`);
  store.transaction(() => {
    if (vmSettings?.dynamicVmUser) {
      db.prepare(
        `INSERT INTO vm_settings (key, value) VALUES ('dynamic_vm_user', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
      ).run(vmSettings.dynamicVmUser);
    }
    vmPools.forEach((pool, index) => {
      if (db.prepare('SELECT 1 FROM vm_pools WHERE id = ?').get(pool.id)) {
        throw fail(`vmPools[${index}].id`, `pool "${pool.id}" already exists`);
      }
      db.prepare(
        'INSERT INTO vm_pools (id, name, kind, subtype, os, description) VALUES (?, ?, ?, ?, ?, ?)',
      ).run(pool.id, pool.name, pool.type, pool.subtype ?? null, pool.os ?? null, pool.description ?? null);
      const member = db.prepare(
        'INSERT OR IGNORE INTO vm_pool_members (pool_id, kind, member) VALUES (?, ?, ?)',
      );
      for (const user of pool.members.users) member.run(pool.id, 'user', user);
      for (const group of pool.members.groups) member.run(pool.id, 'group', group);
    });
    const nodeExists = db.prepare('SELECT 1 FROM nodes WHERE name = ?');
    vms.forEach((vm, index) => {
      const path = `vms[${index}]`;
      const xml = 'xml' in vm ? vm.xml : generateDomainXml(vm);
      let definition: DomainDefinition;
      try {
        definition = parseDomainXml(xml);
      } catch (error) {
        throw fail(`${path}.xml`, (error as Error).message);
      }
      if (!nodeExists.get(vm.node)) throw fail(`${path}.node`, `unknown node "${vm.node}"`);
      if (vm.lastNode && !nodeExists.get(vm.lastNode))
        throw fail(`${path}.lastNode`, `unknown node "${vm.lastNode}"`);
      if (vm.pool && !db.prepare('SELECT 1 FROM vm_pools WHERE id = ?').get(vm.pool)) {
        throw fail(`${path}.pool`, `unknown pool "${vm.pool}"`);
      }
      if (db.prepare('SELECT 1 FROM vms WHERE uuid = ?').get(definition.uuid)) {
        throw fail(`${path}.uuid`, `a VM with UUID "${definition.uuid}" already exists`);
      }
      if (db.prepare('SELECT 1 FROM vms WHERE name = ?').get(definition.name)) {
        throw fail(`${path}.name`, `a VM named "${definition.name}" already exists`);
      }
      insertVm(
        store,
        {
          definition,
          xml,
          node: vm.node,
          state: vm.state,
          kind: vm.type,
          subtype: vm.subtype ?? null,
          os: vm.os ?? null,
          poolId: vm.pool ?? null,
          ownerId: vm.owner ?? null,
        },
        vm.lastNode ?? null,
      );
      const user = db.prepare('INSERT OR IGNORE INTO vm_users (vm_uuid, user_id) VALUES (?, ?)');
      for (const userId of vm.users) user.run(definition.uuid, userId);
      const group = db.prepare('INSERT OR IGNORE INTO vm_groups (vm_uuid, group_name) VALUES (?, ?)');
      for (const groupName of vm.groups) group.run(definition.uuid, groupName);
    });
    vmMacMappings.forEach((mapping, index) => {
      const row = db
        .prepare('SELECT uuid FROM vms WHERE uuid = ? OR name = ?')
        .get(mapping.vm.toLowerCase(), mapping.vm) as { uuid: string } | undefined;
      if (!row) throw fail(`vmMacMappings[${index}].vm`, `unknown VM "${mapping.vm}"`);
      const mac = mapping.mac.toLowerCase();
      if (db.prepare('SELECT 1 FROM vm_mac_mappings WHERE mac = ?').get(mac)) {
        throw fail(`vmMacMappings[${index}].mac`, `MAC "${mac}" is mapped twice`);
      }
      db.prepare('INSERT INTO vm_mac_mappings (mac, vm_uuid) VALUES (?, ?)').run(mac, row.uuid);
    });
  });
}
