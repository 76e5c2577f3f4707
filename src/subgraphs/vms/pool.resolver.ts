import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { badInput, conflict, forbidden, notFound } from '../../errors/index.js';
import { requireAuthenticated, requirePrivileged, type RequestContext } from '../kit/index.js';
import { actingUser, seesEverything, viewRights, type PoolUser } from './access.js';
import { vmsLoaders } from './loaders.js';
import { VmDynamicEntry, VmMacMapping, VmMacMatch, VmPool } from './pool.type.js';
import { checkMac, checkPoolId, checkPrincipalId } from './rules.js';
import type { VmPoolRecord, VmRecord, VmsSource } from './source.js';
import { VmActingUser, VmPoolInput } from './vm.inputs.js';
import { UserRef, VirtualMachine, VmAssignmentStatus } from './vm.type.js';
import { findVm, vmNotFound } from './vm.resolver.js';

const POOL_NAME = /^[^\s<>&"'`$\\;|][^<>&"`$\\;|]{0,126}$/;

function poolNotFound(pool: string): Error {
  return notFound('VM pool not found', { reason: 'POOL_NOT_FOUND', pool });
}

/** A VM a dynamic pool can hand out: running, dynamic, subtype Desktop. */
function isDesktop(vm: VmRecord): boolean {
  return vm.state === 'start' && vm.kind === 'dynamic' && vm.subtype === 'Desktop';
}

function byName(a: { name: string; id?: string }, b: { name: string; id?: string }): number {
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  return (a.id ?? '') < (b.id ?? '') ? -1 : 1;
}

function entry(pool: VmPoolRecord, vm: VmRecord | null, status: VmAssignmentStatus): VmDynamicEntry {
  return Object.assign(new VmDynamicEntry(), {
    pool: VmPool.from(pool),
    vm: vm ? VirtualMachine.from(vm) : null,
    status,
  });
}

@Resolver(() => VmPool)
export class VmPoolResolver {
  constructor(private readonly source: VmsSource) {}

  /** The pools the user may use (member directly or through a group), ordered by display name. */
  private async usablePools(user: PoolUser): Promise<VmPoolRecord[]> {
    const ids = await this.source.poolsOfMembers([user.id], user.groups);
    if (ids.length === 0) return [];
    return (await this.source.getPools(ids)).sort(byName);
  }

  @Query(() => [VmPool], {
    description:
      'VM pools ordered by display name: all of them for administrators, the usable ones for users.',
  })
  async vmPools(@Ctx() context: RequestContext) {
    const principal = requireAuthenticated(context);
    if (seesEverything(principal)) return (await this.source.listPools()).map(VmPool.from);
    if (principal.kind !== 'user') return [];
    return (
      await this.usablePools({ id: principal.id, groups: principal.groups, rights: viewRights(principal) })
    ).map(VmPool.from);
  }

  @Query(() => VmPool, {
    nullable: true,
    description: 'One pool by id; null when absent or not usable by the caller.',
  })
  async vmPool(@Ctx() context: RequestContext, @Arg('id', () => ID) id: string) {
    const principal = requireAuthenticated(context);
    const pool = await vmsLoaders(context, this.source).poolById.load(id);
    if (!pool) return null;
    if (seesEverything(principal)) return VmPool.from(pool);
    if (principal.kind !== 'user') return null;
    const usable = await this.source.poolsOfMembers([principal.id], principal.groups);
    return usable.includes(id) ? VmPool.from(pool) : null;
  }

  @Query(() => [VmPool], {
    description: 'The pools a user may use: member directly or through one of the user’s groups.',
  })
  async usableVmPools(
    @Ctx() context: RequestContext,
    @Arg('asUser', () => VmActingUser, { nullable: true }) asUser?: VmActingUser | null,
  ) {
    return (await this.usablePools(actingUser(context, asUser))).map(VmPool.from);
  }

  @Query(() => [VmDynamicEntry], {
    description:
      'A user’s dynamic entries (FOSS-Cloud): for every usable dynamic pool, the running Desktop VMs assigned to the user, or, when none is, one ASSIGNABLE placeholder if any VM of the pool has no user. Pools by display name, VMs by name. Empty unless the user’s right `dynamicVM.view` is `owner` or `all` (acting users: `owner`).',
  })
  async myDynamicVmEntries(
    @Ctx() context: RequestContext,
    @Arg('asUser', () => VmActingUser, { nullable: true }) asUser?: VmActingUser | null,
  ) {
    const user = actingUser(context, asUser);
    if (user.rights.dynamicVmView === 'none') return [];
    const pools = (await this.usablePools(user)).filter((pool) => pool.kind === 'dynamic');
    if (pools.length === 0) return [];
    const vms = await this.source.vmsOfPools(pools.map((pool) => pool.id));
    const users = await this.source.usersOfVms(vms.map((vm) => vm.uuid));
    const usersOf = new Map<string, string[]>();
    for (const row of users) usersOf.set(row.vmUuid, [...(usersOf.get(row.vmUuid) ?? []), row.userId]);
    const entries: VmDynamicEntry[] = [];
    for (const pool of pools) {
      const poolVms = vms.filter((vm) => vm.poolId === pool.id).sort(byName);
      const mine = poolVms.filter((vm) => isDesktop(vm) && (usersOf.get(vm.uuid) ?? []).includes(user.id));
      if (mine.length > 0) entries.push(...mine.map((vm) => entry(pool, vm, VmAssignmentStatus.ASSIGNED)));
      else if (poolVms.some((vm) => !usersOf.has(vm.uuid)))
        entries.push(entry(pool, null, VmAssignmentStatus.ASSIGNABLE));
    }
    return entries;
  }

  @Query(() => [VirtualMachine], {
    description:
      'A user’s persistent VMs, ordered by name: those in pools assigned to the user or the user’s groups, plus those owned by or assigned to the user or the user’s groups; every persistent VM when the user’s right `persistentVM.view` is `all`.',
  })
  async myPersistentVms(
    @Ctx() context: RequestContext,
    @Arg('asUser', () => VmActingUser, { nullable: true }) asUser?: VmActingUser | null,
  ) {
    const user = actingUser(context, asUser);
    if (user.rights.persistentVmView === 'all') {
      return (await this.source.listVms())
        .filter((vm) => vm.kind === 'persistent')
        .sort(byName)
        .map((vm) => VirtualMachine.from(vm));
    }
    const pools = (await this.usablePools(user)).filter((pool) => pool.kind === 'persistent');
    const [inPools, ofUser, groupUuids] = await Promise.all([
      pools.length > 0 ? this.source.vmsOfPools(pools.map((pool) => pool.id)) : Promise.resolve([]),
      this.source.vmsOfUsers([user.id]),
      user.groups.length > 0 ? this.source.vmsOfGroups(user.groups) : Promise.resolve([]),
    ]);
    const ofGroups = groupUuids.length > 0 ? await this.source.getVms(groupUuids) : [];
    const all = new Map<string, VmRecord>();
    for (const vm of [...inPools, ...ofUser.map((row) => row.vm), ...ofGroups]) {
      if (vm.kind === 'persistent') all.set(vm.uuid, vm);
    }
    return [...all.values()].sort(byName).map((vm) => VirtualMachine.from(vm));
  }

  @Mutation(() => VmDynamicEntry, {
    description:
      'Assigns the calling user (or, for administrators, `asUser`) to the first running dynamic Desktop VM of the pool without a user, atomically. NOT_FOUND POOL_NOT_FOUND (also when the user may not use the pool); CONFLICT NO_FREE_VM. A user who already has a VM of the pool is given another one.',
  })
  async assignVmFromPool(
    @Ctx() context: RequestContext,
    @Arg('pool', () => ID) poolId: string,
    @Arg('asUser', () => VmActingUser, { nullable: true }) asUser?: VmActingUser | null,
  ) {
    const user = actingUser(context, asUser);
    if (poolId.length > 200) throw poolNotFound(poolId.slice(0, 200));
    const [pool] = await this.source.getPools([poolId]);
    if (!pool) throw poolNotFound(poolId);
    const usable = await this.source.poolsOfMembers([user.id], user.groups);
    if (!usable.includes(poolId)) throw poolNotFound(poolId);
    const vms = (await this.source.vmsOfPools([poolId])).filter(isDesktop).sort(byName);
    const taken = new Set((await this.source.usersOfVms(vms.map((vm) => vm.uuid))).map((row) => row.vmUuid));
    const candidates = vms.filter((vm) => !taken.has(vm.uuid)).map((vm) => vm.uuid);
    const claimed = candidates.length > 0 ? await this.source.claimFirstFreeVm(user.id, candidates) : null;
    if (!claimed) throw conflict('No free vm available', { reason: 'NO_FREE_VM', pool: poolId });
    const [vm] = await this.source.getVms([claimed]);
    if (!vm) throw conflict('No free vm available', { reason: 'NO_FREE_VM', pool: poolId });
    return entry(pool, vm, VmAssignmentStatus.ASSIGNED);
  }

  @Query(() => VmMacMatch, {
    description:
      'The VM mapped to a MAC address, for FOSS-Cloud’s dedicated dynamic-VM user. Checks in order: BAD_USER_INPUT INVALID_MAC, FORBIDDEN NOT_DYNVM_USER, NOT_FOUND NO_VM_FOR_MAC.',
  })
  async vmByMac(@Ctx() context: RequestContext, @Arg('mac', () => String) mac: string) {
    const { vm, normalized, userId } = await this.mappedVm(context, mac);
    const [pool, users] = await Promise.all([
      vm.poolId ? vmsLoaders(context, this.source).poolById.load(vm.poolId) : Promise.resolve(null),
      vmsLoaders(context, this.source).usersOfVm.load(vm.uuid),
    ]);
    return Object.assign(new VmMacMatch(), {
      mac: normalized,
      vm: VirtualMachine.from(vm),
      pool: pool ? VmPool.from(pool) : null,
      assigned: users.some((row) => row.userId === userId),
    });
  }

  @Mutation(() => VmDynamicEntry, {
    description:
      'Assigns the dynamic-VM user to the VM mapped to a MAC address in a pool. Checks in order: INVALID_MAC, FORBIDDEN NOT_DYNVM_USER, NOT_FOUND NO_VM_FOR_MAC, BAD_USER_INPUT POOL_INVALID (no such pool, or the VM is not in it), CONFLICT ALREADY_ASSIGNED.',
  })
  async assignVmByMac(
    @Ctx() context: RequestContext,
    @Arg('pool', () => ID) poolId: string,
    @Arg('mac', () => String) mac: string,
  ) {
    const { vm, userId } = await this.mappedVm(context, mac);
    const [pool] = poolId.length <= 200 ? await this.source.getPools([poolId]) : [];
    if (!pool || vm.poolId !== pool.id) {
      throw badInput('This pool isn’t valid', {
        reason: 'POOL_INVALID',
        pool: poolId.slice(0, 200),
        vm: vm.uuid,
      });
    }
    if (!(await this.source.assignUser(vm.uuid, userId))) {
      throw conflict('The user is already assigned to this mapped VM', {
        reason: 'ALREADY_ASSIGNED',
        vm: vm.uuid,
        pool: pool.id,
      });
    }
    return entry(pool, vm, VmAssignmentStatus.ASSIGNED);
  }

  private async mappedVm(context: RequestContext, mac: string) {
    const principal = requireAuthenticated(context);
    const normalized = checkMac(mac);
    const dynvm = await this.source.dynamicVmUser();
    if (principal.kind !== 'user' || !dynvm || principal.id !== dynvm) {
      throw forbidden('You have to use the dynamic-VM user', { reason: 'NOT_DYNVM_USER' });
    }
    const [mapping] = await this.source.macMappings([normalized]);
    const vm = mapping ? (await this.source.getVms([mapping.vmUuid]))[0] : undefined;
    if (!vm)
      throw notFound(`There is no VM for the MAC address ${normalized}`, {
        reason: 'NO_VM_FOR_MAC',
        mac: normalized,
      });
    return { vm, normalized, userId: principal.id };
  }

  @Query(() => [VmMacMapping], { description: 'Every MAC mapping, ordered by MAC (administrators).' })
  async vmMacMappings(@Ctx() context: RequestContext) {
    requirePrivileged(context);
    const mappings = await this.source.listMacMappings();
    const vms = await this.source.getVms([...new Set(mappings.map((row) => row.vmUuid))]);
    const byUuid = new Map(vms.map((vm) => [vm.uuid, vm]));
    return mappings
      .filter((row) => byUuid.has(row.vmUuid))
      .map((row) =>
        Object.assign(new VmMacMapping(), { mac: row.mac, vm: VirtualMachine.from(byUuid.get(row.vmUuid)!) }),
      );
  }

  @Mutation(() => VmMacMapping, {
    description: 'Maps a MAC address to a VM, replacing any mapping. INVALID_MAC, VM_NOT_FOUND.',
  })
  async setVmMacMapping(
    @Ctx() context: RequestContext,
    @Arg('mac', () => String) mac: string,
    @Arg('vm', () => String) reference: string,
  ) {
    requirePrivileged(context);
    const normalized = checkMac(mac);
    const vm = await findVm(context, this.source, reference);
    if (!vm) throw vmNotFound(reference);
    await this.source.setMacMapping(normalized, vm.uuid);
    return Object.assign(new VmMacMapping(), { mac: normalized, vm: VirtualMachine.from(vm) });
  }

  @Mutation(() => Boolean, { description: 'Removes a MAC mapping; false when there was none. INVALID_MAC.' })
  async removeVmMacMapping(@Ctx() context: RequestContext, @Arg('mac', () => String) mac: string) {
    requirePrivileged(context);
    return this.source.setMacMapping(checkMac(mac), null);
  }

  @Mutation(() => VmPool, {
    description: 'Creates a pool. CONFLICT POOL_EXISTS; BAD_USER_INPUT INVALID_POOL_ID / INVALID_POOL_NAME.',
  })
  async createVmPool(@Ctx() context: RequestContext, @Arg('input', () => VmPoolInput) input: VmPoolInput) {
    requirePrivileged(context);
    const id = checkPoolId(input.id, 'input.id');
    if (!POOL_NAME.test(input.name)) {
      throw badInput(`'${input.name}' is not a valid pool name`, {
        reason: 'INVALID_POOL_NAME',
        name: input.name,
      });
    }
    if (input.os && input.os !== 'windows' && input.os !== 'linux') {
      throw badInput(`OS '${input.os}' is not valid: windows, linux or none`, {
        reason: 'INVALID_OS',
        os: input.os,
      });
    }
    const record: VmPoolRecord = {
      id,
      name: input.name,
      kind: input.type,
      subtype: input.subtype || null,
      os: input.os || null,
      description: input.description ?? null,
    };
    if (!(await this.source.createPool(record))) {
      throw conflict(`VM pool '${id}' already exists`, { reason: 'POOL_EXISTS', pool: id });
    }
    return VmPool.from(record);
  }

  @Mutation(() => Boolean, {
    description: 'Deletes a pool; its VMs stay, without a pool. NOT_FOUND POOL_NOT_FOUND.',
  })
  async deleteVmPool(@Ctx() context: RequestContext, @Arg('id', () => ID) id: string) {
    requirePrivileged(context);
    if (!(await this.source.deletePool(id))) throw poolNotFound(id);
    return true;
  }

  @Mutation(() => VmPool, {
    description: 'Adds a user or a group (exactly one) to a pool’s members. NOT_FOUND POOL_NOT_FOUND.',
  })
  async addVmPoolMember(
    @Ctx() context: RequestContext,
    @Arg('pool', () => ID) poolId: string,
    @Arg('userId', () => ID, { nullable: true }) userId?: string | null,
    @Arg('group', () => String, { nullable: true }) group?: string | null,
  ) {
    return this.membership(context, poolId, userId, group, true);
  }

  @Mutation(() => VmPool, {
    description: 'Removes a user or a group from a pool’s members. NOT_FOUND POOL_NOT_FOUND.',
  })
  async removeVmPoolMember(
    @Ctx() context: RequestContext,
    @Arg('pool', () => ID) poolId: string,
    @Arg('userId', () => ID, { nullable: true }) userId?: string | null,
    @Arg('group', () => String, { nullable: true }) group?: string | null,
  ) {
    return this.membership(context, poolId, userId, group, false);
  }

  private async membership(
    context: RequestContext,
    poolId: string,
    userId: string | null | undefined,
    group: string | null | undefined,
    present: boolean,
  ) {
    requirePrivileged(context);
    if (!userId === !group) {
      throw badInput('Give exactly one of userId and group', { reason: 'MEMBER_REQUIRED' });
    }
    const [pool] = await this.source.getPools([poolId]);
    if (!pool) throw poolNotFound(poolId);
    await this.source.setPoolMember(
      userId
        ? { poolId, kind: 'user', member: checkPrincipalId(userId, 'userId') }
        : { poolId, kind: 'group', member: checkPrincipalId(group!, 'group') },
      present,
    );
    return VmPool.from(pool);
  }

  @FieldResolver(() => [VirtualMachine], {
    description: 'The pool’s VMs, ordered by name (administrators and members).',
  })
  async vms(@Root() pool: VmPool, @Ctx() context: RequestContext) {
    const principal = requireAuthenticated(context);
    if (!seesEverything(principal)) {
      if (principal.kind !== 'user') return [];
      const members = await vmsLoaders(context, this.source).membersOfPool.load(pool.id);
      const member = members.some(
        (row) =>
          (row.kind === 'user' && row.member === principal.id) ||
          (row.kind === 'group' && principal.groups.includes(row.member)),
      );
      if (!member) return [];
    }
    const vms = await vmsLoaders(context, this.source).vmsOfPool.load(pool.id);
    return vms.map((vm) => VirtualMachine.from(vm));
  }

  @FieldResolver(() => [UserRef], { description: 'Users that are members of the pool (administrators).' })
  async memberUsers(@Root() pool: VmPool, @Ctx() context: RequestContext) {
    requirePrivileged(context);
    const rows = await vmsLoaders(context, this.source).membersOfPool.load(pool.id);
    return rows.filter((row) => row.kind === 'user').map((row) => UserRef.of(row.member));
  }

  @FieldResolver(() => [String], { description: 'Groups that are members of the pool (administrators).' })
  async memberGroups(@Root() pool: VmPool, @Ctx() context: RequestContext) {
    requirePrivileged(context);
    const rows = await vmsLoaders(context, this.source).membersOfPool.load(pool.id);
    return rows.filter((row) => row.kind === 'group').map((row) => row.member);
  }
}
