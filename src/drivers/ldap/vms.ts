/**
 * FOSS-Cloud VMs, pools, pool assignments and MAC mappings in the directory. A VM's users are
 * entries `uid=<user>,ou=people,sstVirtualMachine=<uuid>,…`; claiming a free VM creates its
 * `ou=people` entry, which the directory lets exactly one client create: that is the atomic
 * compare-and-set of a pool assignment. VM definitions, placement and node changes are the
 * hypervisor's business and are not supported here.
 */
import { NotAllowedOnNonLeafError, type Entry } from 'ldapts';
import type {
  DefineResult,
  DomainDefinition,
  PlacementCandidate,
  UpdateDefinitionResult,
  VmDeletion,
  VmGroupRecord,
  VmMacMappingRecord,
  VmPoolMemberRecord,
  VmPoolRecord,
  VmProfilePatch,
  VmRecord,
  VmsSource,
  VmUserRecord,
} from '../../subgraphs/vms/index.js';
import { all, childDN, escapeFilter, first, type Directory } from './directory.js';
import { addValues, anyOf, deleteValues, replace, unsupported, type Layout } from './layout.js';

const VM_ATTRIBUTES = [
  'sstVirtualMachine',
  'sstDisplayName',
  'sstNode',
  'sstState',
  'sstVirtualMachineType',
  'sstVirtualMachineSubType',
  'sstOSType',
  'sstVirtualMachinePool',
  'sstSpicePort',
  'sstSpicePassword',
  'sstMemory',
  'sstVCPU',
  'sstOwner',
  'sstAssignedGroup',
  'description',
];
const POOL_ATTRIBUTES = [
  'sstVirtualMachinePool',
  'sstDisplayName',
  'sstVirtualMachineType',
  'sstVirtualMachineSubType',
  'sstOSType',
  'description',
  'sstPoolMemberUser',
  'sstPoolMemberGroup',
];

const xmlText = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/'/g, '&apos;');

function byName(a: VmRecord, b: VmRecord): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : a.uuid < b.uuid ? -1 : 1;
}

/** A VM entry as a VmRecord; the definition is built from the entry's attributes. */
function toVm(entry: Entry): VmRecord {
  const uuid = (first(entry, 'sstVirtualMachine') ?? '').toLowerCase();
  const name = first(entry, 'sstDisplayName') ?? uuid;
  const memoryMiB = Number(first(entry, 'sstMemory') ?? 0);
  const vcpus = Number(first(entry, 'sstVCPU') ?? 1);
  const portText = first(entry, 'sstSpicePort');
  const port = portText !== null && /^\d+$/.test(portText) ? Number(portText) : null;
  const password = first(entry, 'sstSpicePassword');
  const description = first(entry, 'description');
  const definition: DomainDefinition = {
    name,
    uuid,
    description,
    memory: { amount: String(memoryMiB), unit: 'MiB', mib: memoryMiB },
    vcpuText: String(vcpus),
    vcpus,
    topology: null,
    osType: 'hvm',
    arch: null,
    machine: null,
    consoleType: null,
    emulator: null,
    features: [],
    nics: [],
    disks: [],
    controllers: [],
    graphics: port !== null || password !== null ? { protocol: 'spice', port, password } : null,
  };
  const graphics = definition.graphics
    ? `<devices><graphics type='spice'${port !== null ? ` port='${port}'` : " autoport='yes'"}${
        password !== null ? ` passwd='${xmlText(password)}'` : ''
      }/></devices>`
    : '';
  const xml =
    `<domain type='kvm'><name>${xmlText(name)}</name><uuid>${uuid}</uuid>` +
    (description !== null ? `<description>${xmlText(description)}</description>` : '') +
    `<memory unit='MiB'>${memoryMiB}</memory><vcpu>${vcpus}</vcpu><os><type>hvm</type></os>${graphics}</domain>`;
  return {
    uuid,
    name,
    node: first(entry, 'sstNode'),
    lastNode: null,
    state: first(entry, 'sstState') ?? 'stop',
    failedReason: '',
    vcpus,
    memoryMiB,
    xml,
    definition,
    kind: first(entry, 'sstVirtualMachineType') === 'dynamic' ? 'dynamic' : 'persistent',
    subtype: first(entry, 'sstVirtualMachineSubType'),
    os: first(entry, 'sstOSType'),
    poolId: first(entry, 'sstVirtualMachinePool'),
    ownerId: first(entry, 'sstOwner'),
  };
}

function toPool(entry: Entry): VmPoolRecord {
  return {
    id: first(entry, 'sstVirtualMachinePool') ?? '',
    name: first(entry, 'sstDisplayName') ?? '',
    kind: first(entry, 'sstVirtualMachineType') === 'dynamic' ? 'dynamic' : 'persistent',
    subtype: first(entry, 'sstVirtualMachineSubType'),
    os: first(entry, 'sstOSType'),
    description: first(entry, 'description'),
  };
}

export class LdapVms implements VmsSource {
  constructor(
    private readonly directory: Directory,
    private readonly layout: Layout,
  ) {}

  private vmEntries(filter: string): Promise<Entry[]> {
    return this.directory.search(this.layout.vms, `(&(objectClass=sstVirtualMachineObjectClass)${filter})`, {
      attributes: VM_ATTRIBUTES,
    });
  }

  private async vms(filter: string): Promise<VmRecord[]> {
    return (await this.vmEntries(filter)).map(toVm).sort(byName);
  }

  /** `(|(attribute=v1)…)` with every value escaped; `attribute` is always one of ours. */
  private static terms(attribute: string, values: readonly string[]): string {
    return anyOf(values.map((value) => `(${attribute}=${escapeFilter`${value}`})`));
  }

  async listVms(): Promise<VmRecord[]> {
    return this.vms('(sstVirtualMachine=*)');
  }

  async getVms(uuids: readonly string[]): Promise<VmRecord[]> {
    return uuids.length === 0 ? [] : this.vms(LdapVms.terms('sstVirtualMachine', uuids));
  }

  async getVmsByName(names: readonly string[]): Promise<VmRecord[]> {
    return names.length === 0 ? [] : this.vms(LdapVms.terms('sstDisplayName', names));
  }

  async vmsOnNodes(nodes: readonly string[]): Promise<VmRecord[]> {
    return nodes.length === 0 ? [] : this.vms(LdapVms.terms('sstNode', nodes));
  }

  async vmsOfPools(poolIds: readonly string[]): Promise<VmRecord[]> {
    return poolIds.length === 0 ? [] : this.vms(LdapVms.terms('sstVirtualMachinePool', poolIds));
  }

  private async assignments(filter: string): Promise<VmUserRecord[]> {
    const entries = await this.directory.search(this.layout.vms, `(&(objectClass=sstAssignment)${filter})`, {
      scope: 'sub',
      attributes: ['uid', 'sstVirtualMachine'],
    });
    return entries.map((entry) => ({
      vmUuid: (first(entry, 'sstVirtualMachine') ?? '').toLowerCase(),
      userId: first(entry, 'uid') ?? '',
    }));
  }

  async usersOfVms(uuids: readonly string[]): Promise<VmUserRecord[]> {
    return uuids.length === 0 ? [] : this.assignments(LdapVms.terms('sstVirtualMachine', uuids));
  }

  async groupsOfVms(uuids: readonly string[]): Promise<VmGroupRecord[]> {
    if (uuids.length === 0) return [];
    const entries = await this.vmEntries(LdapVms.terms('sstVirtualMachine', uuids));
    return entries.flatMap((entry) =>
      all(entry, 'sstAssignedGroup').map((group) => ({
        vmUuid: (first(entry, 'sstVirtualMachine') ?? '').toLowerCase(),
        group,
      })),
    );
  }

  async vmsOfUsers(userIds: readonly string[]): Promise<{ userId: string; vm: VmRecord }[]> {
    if (userIds.length === 0) return [];
    const [assigned, owned] = await Promise.all([
      this.assignments(LdapVms.terms('uid', userIds)),
      this.vms(LdapVms.terms('sstOwner', userIds)),
    ]);
    const extra = await this.getVms([...new Set(assigned.map((row) => row.vmUuid))]);
    const byUuid = new Map([...owned, ...extra].map((vm) => [vm.uuid, vm]));
    const rows = new Map<string, { userId: string; vm: VmRecord }>();
    for (const vm of owned) rows.set(`${vm.ownerId}\u0000${vm.uuid}`, { userId: vm.ownerId!, vm });
    for (const row of assigned) {
      const vm = byUuid.get(row.vmUuid);
      if (vm) rows.set(`${row.userId}\u0000${vm.uuid}`, { userId: row.userId, vm });
    }
    return [...rows.values()].sort((a, b) => byName(a.vm, b.vm));
  }

  // The hypervisor's business: FOSS-Cloud keeps nodes and definitions elsewhere.

  async existingNodes(): Promise<string[]> {
    throw unsupported('vms', 'node lookups');
  }

  async placementCandidates(): Promise<PlacementCandidate[]> {
    throw unsupported('vms', 'VM placement');
  }

  async defineVm(): Promise<DefineResult> {
    throw unsupported('vms', 'defining VMs');
  }

  async updateVmDefinition(): Promise<UpdateDefinitionResult> {
    throw unsupported('vms', 'changing VM definitions');
  }

  async changeVm(): Promise<boolean> {
    throw unsupported('vms', 'VM state changes');
  }

  async deleteVm(): Promise<VmDeletion | null> {
    throw unsupported('vms', 'removing VMs');
  }

  async setNodeDomainState(): Promise<string[]> {
    throw unsupported('vms', 'node flush and ready');
  }

  async updateVmProfile(uuid: string, patch: VmProfilePatch): Promise<boolean> {
    const [entry] = await this.vmEntries(LdapVms.terms('sstVirtualMachine', [uuid]));
    if (!entry) return false;
    const set = (attribute: string, value: string | null | undefined) =>
      value === undefined ? [] : [replace(attribute, value === null ? [] : [value])];
    const changes = [
      ...set('sstVirtualMachineType', patch.kind),
      ...set('sstVirtualMachineSubType', patch.subtype),
      ...set('sstOSType', patch.os),
      ...set('sstVirtualMachinePool', patch.poolId),
      ...set('sstOwner', patch.ownerId),
    ];
    return changes.length === 0 ? true : this.directory.modify(entry.dn, changes);
  }

  // Pools

  private poolEntries(filter: string): Promise<Entry[]> {
    return this.directory.search(
      this.layout.pools,
      `(&(objectClass=sstVirtualMachinePoolObjectClass)${filter})`,
      { attributes: POOL_ATTRIBUTES },
    );
  }

  async listPools(): Promise<VmPoolRecord[]> {
    return (await this.poolEntries('(sstVirtualMachinePool=*)'))
      .map(toPool)
      .sort((a, b) => (a.name !== b.name ? (a.name < b.name ? -1 : 1) : a.id < b.id ? -1 : 1));
  }

  async getPools(ids: readonly string[]): Promise<VmPoolRecord[]> {
    if (ids.length === 0) return [];
    return (await this.poolEntries(LdapVms.terms('sstVirtualMachinePool', ids))).map(toPool);
  }

  async poolMembers(poolIds: readonly string[]): Promise<VmPoolMemberRecord[]> {
    if (poolIds.length === 0) return [];
    const entries = await this.poolEntries(LdapVms.terms('sstVirtualMachinePool', poolIds));
    return entries.flatMap((entry) => {
      const poolId = first(entry, 'sstVirtualMachinePool') ?? '';
      return [
        ...all(entry, 'sstPoolMemberUser').map((member) => ({ poolId, kind: 'user' as const, member })),
        ...all(entry, 'sstPoolMemberGroup').map((member) => ({ poolId, kind: 'group' as const, member })),
      ];
    });
  }

  async poolsOfMembers(userIds: readonly string[], groups: readonly string[]): Promise<string[]> {
    if (userIds.length + groups.length === 0) return [];
    const filter = anyOf([
      ...userIds.map((id) => escapeFilter`(sstPoolMemberUser=${id})`),
      ...groups.map((group) => escapeFilter`(sstPoolMemberGroup=${group})`),
    ]);
    return (await this.poolEntries(filter)).map((entry) => first(entry, 'sstVirtualMachinePool') ?? '');
  }

  async vmsOfGroups(groups: readonly string[]): Promise<string[]> {
    if (groups.length === 0) return [];
    return (await this.vmEntries(LdapVms.terms('sstAssignedGroup', groups))).map((entry) =>
      (first(entry, 'sstVirtualMachine') ?? '').toLowerCase(),
    );
  }

  async createPool(pool: VmPoolRecord): Promise<boolean> {
    if ((await this.getPools([pool.id])).length > 0) return false;
    // Lookups always go by the attribute (an escaped filter); the RDN is escaped by ldapts.
    return this.directory.add(childDN('sstVirtualMachinePool', pool.id, this.layout.pools), {
      objectClass: ['sstVirtualMachinePoolObjectClass'],
      sstVirtualMachinePool: pool.id,
      sstDisplayName: pool.name,
      sstVirtualMachineType: pool.kind,
      ...(pool.subtype ? { sstVirtualMachineSubType: pool.subtype } : {}),
      ...(pool.os ? { sstOSType: pool.os } : {}),
      ...(pool.description ? { description: pool.description } : {}),
    });
  }

  async deletePool(id: string): Promise<boolean> {
    const [entry] = await this.poolEntries(LdapVms.terms('sstVirtualMachinePool', [id]));
    if (!entry) return false;
    for (const vm of await this.vmEntries(LdapVms.terms('sstVirtualMachinePool', [id]))) {
      await this.directory.modify(vm.dn, [replace('sstVirtualMachinePool', [])]);
    }
    return this.directory.del(entry.dn);
  }

  async setPoolMember(member: VmPoolMemberRecord, present: boolean): Promise<boolean> {
    const [entry] = await this.poolEntries(LdapVms.terms('sstVirtualMachinePool', [member.poolId]));
    if (!entry) return false;
    const attribute = member.kind === 'user' ? 'sstPoolMemberUser' : 'sstPoolMemberGroup';
    const has = all(entry, attribute).includes(member.member);
    if (has === present) return false;
    return this.directory.modify(entry.dn, [
      present ? addValues(attribute, [member.member]) : deleteValues(attribute, [member.member]),
    ]);
  }

  // Assignments

  private async vmDNs(uuids: readonly string[]): Promise<Map<string, string>> {
    const entries = uuids.length === 0 ? [] : await this.vmEntries(LdapVms.terms('sstVirtualMachine', uuids));
    return new Map(
      entries.map((entry) => [(first(entry, 'sstVirtualMachine') ?? '').toLowerCase(), entry.dn]),
    );
  }

  private addAssignment(vmDN: string, uuid: string, userId: string): Promise<boolean> {
    return this.directory.add(childDN('uid', userId, `ou=people,${vmDN}`), {
      objectClass: ['sstAssignment'],
      uid: userId,
      sstVirtualMachine: uuid,
    });
  }

  async claimFirstFreeVm(userId: string, candidates: readonly string[]): Promise<string | null> {
    const dns = await this.vmDNs(candidates);
    for (const uuid of candidates) {
      const dn = dns.get(uuid.toLowerCase());
      if (!dn) continue;
      // Only one client can create the VM's `ou=people`: whoever does owns the VM.
      const claimed = await this.directory.add(`ou=people,${dn}`, {
        objectClass: ['organizationalUnit'],
        ou: 'people',
      });
      if (!claimed) continue;
      await this.addAssignment(dn, uuid.toLowerCase(), userId);
      return uuid;
    }
    return null;
  }

  async assignUser(uuid: string, userId: string): Promise<boolean> {
    const dn = (await this.vmDNs([uuid])).get(uuid.toLowerCase());
    if (!dn) return false;
    await this.directory.add(`ou=people,${dn}`, { objectClass: ['organizationalUnit'], ou: 'people' });
    return this.addAssignment(dn, uuid.toLowerCase(), userId);
  }

  async unassignUser(uuid: string, userId: string): Promise<boolean> {
    const dn = (await this.vmDNs([uuid])).get(uuid.toLowerCase());
    if (!dn) return false;
    const removed = await this.directory.del(childDN('uid', userId, `ou=people,${dn}`));
    // The last user gone: the VM is free again (a container with users left stays).
    try {
      await this.directory.del(`ou=people,${dn}`);
    } catch (error) {
      if (!(error instanceof NotAllowedOnNonLeafError)) throw this.directory.failure(error, 'delete');
    }
    return removed;
  }

  // MAC mappings

  private async mappingEntries(filter: string): Promise<Entry[]> {
    return this.directory.search(this.layout.macs, `(&(objectClass=sstMacMapping)${filter})`, {
      attributes: ['sstMacAddress', 'sstVirtualMachine'],
    });
  }

  private static toMapping(entry: Entry): VmMacMappingRecord {
    return {
      mac: (first(entry, 'sstMacAddress') ?? '').toLowerCase(),
      vmUuid: (first(entry, 'sstVirtualMachine') ?? '').toLowerCase(),
    };
  }

  async macMappings(macs: readonly string[]): Promise<VmMacMappingRecord[]> {
    if (macs.length === 0) return [];
    return (await this.mappingEntries(LdapVms.terms('sstMacAddress', macs))).map(LdapVms.toMapping);
  }

  async listMacMappings(): Promise<VmMacMappingRecord[]> {
    return (await this.mappingEntries('(sstMacAddress=*)'))
      .map(LdapVms.toMapping)
      .sort((a, b) => (a.mac < b.mac ? -1 : 1));
  }

  async setMacMapping(mac: string, vmUuid: string | null): Promise<boolean> {
    const [entry] = await this.mappingEntries(LdapVms.terms('sstMacAddress', [mac]));
    if (vmUuid === null) return entry ? this.directory.del(entry.dn) : false;
    if (entry) {
      if (LdapVms.toMapping(entry).vmUuid === vmUuid) return false;
      return this.directory.modify(entry.dn, [replace('sstVirtualMachine', [vmUuid])]);
    }
    return this.directory.add(childDN('sstMacAddress', mac, this.layout.macs), {
      objectClass: ['sstMacMapping'],
      sstMacAddress: mac,
      sstVirtualMachine: vmUuid,
    });
  }

  async dynamicVmUser(): Promise<string | null> {
    const [entry] = await this.directory.search(this.layout.settings, '(objectClass=sstSettings)', {
      scope: 'base',
      attributes: ['sstDynamicVmUser'],
    });
    return entry ? first(entry, 'sstDynamicVmUser') : null;
  }
}
