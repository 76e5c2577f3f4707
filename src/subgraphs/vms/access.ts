/**
 * Who may use a VM: administrators, operators, the system and services; its owner; users
 * assigned to it directly or through a group; for persistent VMs, the members (users or
 * groups) of its pool; and users whose FOSS-Cloud right `view = all` covers the VM's kind. Users see only the VMs they may use, and only they see console passwords.
 */
import { badInput } from '../../errors/index.js';
import { isPrivileged, type Principal, type ViewRights } from '../../identity/index.js';
import { requireAuthenticated, requirePrivileged, type RequestContext } from '../kit/index.js';
import { vmsLoaders } from './loaders.js';
import { checkPrincipalId } from './rules.js';
import type { VmRecord, VmsSource } from './source.js';
import type { VmActingUser } from './vm.inputs.js';

/** A user as pool membership sees it. */
export interface PoolUser {
  id: string;
  groups: string[];
  /** FOSS-Cloud view rights; `owner` for both when the principal carries none. */
  rights: ViewRights;
}

const OWNER_RIGHTS: ViewRights = Object.freeze({ dynamicVmView: 'owner', persistentVmView: 'owner' });

/** The FOSS-Cloud view rights of a principal: privileged principals see everything. */
export function viewRights(principal: Principal): ViewRights {
  if (seesEverything(principal)) return { dynamicVmView: 'all', persistentVmView: 'all' };
  if (principal.kind === 'user' && principal.rights) return { ...principal.rights };
  return { ...OWNER_RIGHTS };
}

export function seesEverything(principal: Principal): boolean {
  return isPrivileged(principal) || principal.kind === 'service';
}

/** For each VM, whether the principal may use it (batched: one source call per relation). */
export async function mayUseAll(
  context: RequestContext,
  source: VmsSource,
  vms: readonly VmRecord[],
): Promise<boolean[]> {
  const principal = context.principal;
  if (seesEverything(principal)) return vms.map(() => true);
  if (principal.kind !== 'user') return vms.map(() => false);
  const loaders = vmsLoaders(context, source);
  const uuids = vms.map((vm) => vm.uuid);
  const persistentPools = [
    ...new Set(vms.filter((vm) => vm.kind === 'persistent' && vm.poolId).map((vm) => vm.poolId!)),
  ];
  const [users, groups, members] = await Promise.all([
    loaders.usersOfVm.loadMany(uuids),
    loaders.groupsOfVm.loadMany(uuids),
    loaders.membersOfPool.loadMany(persistentPools),
  ]);
  const memberOf = new Set<string>();
  members.forEach((rows, index) => {
    if (rows instanceof Error) throw rows;
    const isMember = rows.some(
      (row) =>
        (row.kind === 'user' && row.member === principal.id) ||
        (row.kind === 'group' && principal.groups.includes(row.member)),
    );
    if (isMember) memberOf.add(persistentPools[index]!);
  });
  const rights = viewRights(principal);
  return vms.map((vm, index) => {
    // FOSS-Cloud's `view = all` rights open every VM of that kind, console included.
    if (vm.kind === 'dynamic' ? rights.dynamicVmView === 'all' : rights.persistentVmView === 'all')
      return true;
    const vmUsers = users[index];
    const vmGroups = groups[index];
    if (vmUsers instanceof Error) throw vmUsers;
    if (vmGroups instanceof Error) throw vmGroups;
    return (
      vm.ownerId === principal.id ||
      vmUsers!.some((row) => row.userId === principal.id) ||
      vmGroups!.some((row) => principal.groups.includes(row.group)) ||
      (vm.kind === 'persistent' && vm.poolId !== null && memberOf.has(vm.poolId))
    );
  });
}

/** The VMs among `vms` the principal may see, in the same order. */
export async function visibleVms(
  context: RequestContext,
  source: VmsSource,
  vms: readonly VmRecord[],
): Promise<VmRecord[]> {
  const allowed = await mayUseAll(context, source, vms);
  return vms.filter((_vm, index) => allowed[index]);
}

/**
 * The user a FOSS-Cloud query or assignment is for: the calling user, or (administrators only)
 * the user given by `asUser`.
 */
export function actingUser(context: RequestContext, asUser: VmActingUser | null | undefined): PoolUser {
  if (asUser) {
    requirePrivileged(context);
    return {
      id: checkPrincipalId(asUser.id, 'asUser.id'),
      groups: asUser.groups.map((group) => checkPrincipalId(group, 'asUser.groups')),
      rights: { ...OWNER_RIGHTS },
    };
  }
  const principal = requireAuthenticated(context);
  if (principal.kind !== 'user') {
    throw badInput('This operation is for a user; give asUser to act for one', { reason: 'USER_REQUIRED' });
  }
  return { id: principal.id, groups: [...principal.groups], rights: viewRights(principal) };
}
