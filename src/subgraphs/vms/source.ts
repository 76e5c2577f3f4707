/**
 * What the vms subgraph needs from a backend. Drivers implement it; the subgraph never knows
 * which one it talks to. Every method that takes keys takes many at once (for batching).
 *
 * Drivers store and fetch; the rules (placement, state checks, order of checks, validation)
 * live in the subgraph. Where a rule must hold atomically (claiming a free VM of a pool, moving a
 * VM only if it is still where the subgraph saw it), the subgraph hands the driver the decision
 * and the driver applies it in one transaction with a compare-and-set.
 */

/** PVC VM states; drivers may report others (`provision`, …) that the graph passes through. */
export type VmStateName = 'start' | 'restart' | 'shutdown' | 'stop' | 'failed' | 'migrate' | 'unmigrate';
export type VmKind = 'persistent' | 'dynamic';

/** A network interface, as the libvirt definition gives it. */
export interface VmNicRecord {
  type: string | null;
  mac: string | null;
  /** The source attribute named after the interface type (`bridge` for a bridge, `network`, `dev`). */
  source: string | null;
  model: string | null;
}

/**
 * A disk: network disks have `type` = protocol (`rbd`) and `name` (`pool/volume`), file disks
 * `type` = `file` and `name` = the path; any other disk has every field null.
 */
export interface VmDiskRecord {
  type: string | null;
  name: string | null;
  dev: string | null;
  bus: string | null;
}

export interface VmControllerRecord {
  type: string | null;
  /** `none` when the controller has no model. */
  model: string;
}

/** The graphical console (`<graphics>`): SPICE or VNC. */
export interface VmGraphicsRecord {
  /** `spice`, `vnc`, … as written. */
  protocol: string;
  /** Null when libvirt chooses the port (`autoport`, `-1`). */
  port: number | null;
  password: string | null;
}

/** Everything the graph reads from a libvirt domain definition; parsed once, at define/modify. */
export interface DomainDefinition {
  name: string;
  /** Lower-case, hyphenated. */
  uuid: string;
  description: string | null;
  memory: {
    /** The `<memory>` text as written. */
    amount: string;
    /** The `unit` attribute as written; null when absent (libvirt then means KiB). */
    unit: string | null;
    /** The amount in MiB, truncated. */
    mib: number;
  };
  /** The `<vcpu>` text as written. */
  vcpuText: string;
  vcpus: number;
  topology: { sockets: number; cores: number; threads: number } | null;
  osType: string | null;
  arch: string | null;
  machine: string | null;
  /** The `<console type>` (e.g. `pty`). */
  consoleType: string | null;
  emulator: string | null;
  /** Element names under `<features>`, in document order. */
  features: string[];
  nics: VmNicRecord[];
  disks: VmDiskRecord[];
  controllers: VmControllerRecord[];
  graphics: VmGraphicsRecord | null;
}

/** A VM as stored: its cluster state, its FOSS-Cloud profile, and its parsed definition. */
export interface VmRecord {
  uuid: string;
  name: string;
  /** The node the VM is placed on (null when none). */
  node: string | null;
  /** The node a migrated VM came from (null when not migrated). */
  lastNode: string | null;
  state: string;
  failedReason: string;
  vcpus: number;
  memoryMiB: number;
  /** The libvirt XML exactly as given. */
  xml: string;
  definition: DomainDefinition;
  kind: VmKind;
  /** FOSS-Cloud subtype: `Desktop`, `Server`, `Golden-Image`, … */
  subtype: string | null;
  /** `windows`, `linux`, or null. */
  os: string | null;
  poolId: string | null;
  ownerId: string | null;
}

/** What a new VM is stored with. */
export interface NewVm {
  definition: DomainDefinition;
  xml: string;
  node: string;
  state: VmStateName;
  kind: VmKind;
  subtype: string | null;
  os: string | null;
  poolId: string | null;
  ownerId: string | null;
}

/** The profile fields of a VM that `updateVmProfile` may change; absent = unchanged. */
export interface VmProfilePatch {
  kind?: VmKind;
  subtype?: string | null;
  os?: string | null;
  poolId?: string | null;
  ownerId?: string | null;
}

/** A node as placement sees it. */
export interface PlacementCandidate {
  name: string;
  daemonState: string;
  domainState: string;
  /** MiB of the VMs placed on the node that are not stopped, shut down or failed. */
  memoryAllocatedMiB: number;
  load: number;
  /** vCPUs of the same VMs. */
  vcpusAllocated: number;
  /** How many of those VMs. */
  vmCount: number;
}

/** The cluster state a change expects to find (compare-and-set); a mismatch fails the change. */
export interface VmExpectation {
  node: string | null;
  lastNode: string | null;
  state: string;
}

export interface VmChange {
  node?: string | null;
  lastNode?: string | null;
  state?: VmStateName;
}

/** One VM moved by a node flush or ready: only applied if it is still on `from`. */
export interface VmMove {
  uuid: string;
  from: string | null;
  to: string;
  lastNode: string | null;
}

export interface VmPoolRecord {
  id: string;
  /** Display name. */
  name: string;
  kind: VmKind;
  subtype: string | null;
  os: string | null;
  description: string | null;
}

export interface VmPoolMemberRecord {
  poolId: string;
  kind: 'user' | 'group';
  /** A user id or a group name. */
  member: string;
}

export interface VmUserRecord {
  vmUuid: string;
  userId: string;
}

export interface VmGroupRecord {
  vmUuid: string;
  group: string;
}

export interface VmMacMappingRecord {
  /** Lower-case. */
  mac: string;
  vmUuid: string;
}

export type DefineResult = 'created' | 'uuid-exists' | 'name-exists';
export type UpdateDefinitionResult = 'updated' | 'not-found' | 'name-exists';

/** What removing a VM deleted. */
export interface VmDeletion {
  /** The VM's RBD disks, `pool/volume`. */
  rbdDisks: string[];
  /** Those of them whose volumes were deleted in the same transaction. */
  deletedVolumes: string[];
}

/**
 * One page of the VM list, in name order, with the filters a store can apply in its own query
 * language. A filter left null matches every VM.
 */
export interface VmPageQuery {
  /** VMs placed on one of these nodes. */
  nodes: readonly string[] | null;
  /** VMs in one of these states. */
  states: readonly VmStateName[] | null;
  /** With both `nodes` and `states`: a VM matching either is in (else both must match). */
  nodeOrState: boolean;
  kinds: readonly VmRecord['kind'][] | null;
  /** The page starts after this VM (a cursor's key); it must be in the filtered list. */
  afterUuid: string | null;
  limit: number;
}

export interface VmPage {
  vms: VmRecord[];
  /** VMs matching the filters, over all pages. */
  totalCount: number;
  hasNextPage: boolean;
}

export interface VmsSource {
  /** Every VM, ordered by name. */
  listVms(): Promise<VmRecord[]>;
  /**
   * A page of the list without reading the rest (a 50-VM dashboard over thousands of VMs).
   * Optional: without it the subgraph filters and cuts the full list. Null when `afterUuid` is
   * not in the filtered list.
   */
  pageVms?(query: VmPageQuery): Promise<VmPage | null>;
  /** The VMs with these UUIDs, any order; unknown ones left out. */
  getVms(uuids: readonly string[]): Promise<VmRecord[]>;
  /** The VMs with these exact names, any order. */
  getVmsByName(names: readonly string[]): Promise<VmRecord[]>;
  /** The VMs placed on these nodes, ordered by name. */
  vmsOnNodes(nodes: readonly string[]): Promise<VmRecord[]>;
  /** The VMs of these pools, ordered by name. */
  vmsOfPools(poolIds: readonly string[]): Promise<VmRecord[]>;
  /** Users assigned to these VMs. */
  usersOfVms(uuids: readonly string[]): Promise<VmUserRecord[]>;
  /** Groups assigned to these VMs directly. */
  groupsOfVms(uuids: readonly string[]): Promise<VmGroupRecord[]>;
  /** VMs owned by or assigned to these users: one row per (user, VM), ordered by VM name. */
  vmsOfUsers(userIds: readonly string[]): Promise<{ userId: string; vm: VmRecord }[]>;

  /** The names among `names` that are nodes of the cluster. */
  existingNodes(names: readonly string[]): Promise<string[]>;
  /** Every node with what placement needs, ordered by name. */
  placementCandidates(): Promise<PlacementCandidate[]>;

  /** Stores a new VM (definition, disks, NICs) in one transaction; re-checks UUID and name. */
  defineVm(vm: NewVm): Promise<DefineResult>;
  /** Replaces a VM's definition (keeping its UUID); re-checks the name. */
  updateVmDefinition(
    uuid: string,
    definition: DomainDefinition,
    xml: string,
  ): Promise<UpdateDefinitionResult>;
  /**
   * Changes a VM's node, last node and/or state if its cluster state is still `expected`;
   * false when it is not (changed concurrently) or the VM is gone. A driver with a real
   * hypervisor carries out the transition (`restart`, `shutdown`, `migrate`); the embedded
   * store, having none, records the settled state at once (`restart` → `start`,
   * `shutdown` → `stop`, `migrate`/`unmigrate` → the state before).
   */
  changeVm(uuid: string, expected: VmExpectation, change: VmChange): Promise<boolean>;
  /**
   * Deletes a VM with its NICs, disks, assignments and MAC mappings; with `withVolumes`, also
   * the RBD volumes of its disks where the store holds them. Null when the VM does not exist.
   */
  deleteVm(uuid: string, withVolumes: boolean): Promise<VmDeletion | null>;
  updateVmProfile(uuid: string, patch: VmProfilePatch): Promise<boolean>;
  /**
   * Sets a node's domain state and applies `moves` in one transaction; a move is skipped when
   * its VM is no longer on `from`. Returns the UUIDs actually moved. The embedded store
   * settles `flush` as `flushed` (its moves complete at once).
   */
  setNodeDomainState(node: string, state: 'flush' | 'ready', moves: readonly VmMove[]): Promise<string[]>;

  /** Every pool, ordered by display name then id. */
  listPools(): Promise<VmPoolRecord[]>;
  getPools(ids: readonly string[]): Promise<VmPoolRecord[]>;
  poolMembers(poolIds: readonly string[]): Promise<VmPoolMemberRecord[]>;
  /** Pool ids with a member among these users or groups. */
  poolsOfMembers(userIds: readonly string[], groups: readonly string[]): Promise<string[]>;
  /** VM UUIDs assigned directly to these groups. */
  vmsOfGroups(groups: readonly string[]): Promise<string[]>;
  createPool(pool: VmPoolRecord): Promise<boolean>;
  /** Deletes a pool; its VMs stay, without a pool. False when it does not exist. */
  deletePool(id: string): Promise<boolean>;
  /** Adds (present) or removes a pool member; false when nothing changed. */
  setPoolMember(member: VmPoolMemberRecord, present: boolean): Promise<boolean>;

  /**
   * Assigns `userId` to the first VM of `candidates` (in order) that has no user at all, in one
   * IMMEDIATE transaction; the VM's UUID, or null when every candidate has a user by now.
   */
  claimFirstFreeVm(userId: string, candidates: readonly string[]): Promise<string | null>;
  /** Assigns a user to a VM; false when already assigned. */
  assignUser(uuid: string, userId: string): Promise<boolean>;
  /** Removes a user's assignment; false when there was none. */
  unassignUser(uuid: string, userId: string): Promise<boolean>;

  /** Mappings of these (lower-case) MAC addresses. */
  macMappings(macs: readonly string[]): Promise<VmMacMappingRecord[]>;
  /** Every mapping, ordered by MAC. */
  listMacMappings(): Promise<VmMacMappingRecord[]>;
  /** Maps a MAC address to a VM (replacing any mapping), or removes it (null); false when nothing changed. */
  setMacMapping(mac: string, vmUuid: string | null): Promise<boolean>;
  /** The id of FOSS-Cloud's dedicated dynamic-VM user, when configured. */
  dynamicVmUser(): Promise<string | null>;
}
