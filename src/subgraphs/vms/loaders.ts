import { groupLoader, nullableLoader, scoped, type RequestContext } from '../kit/index.js';
import type { VmsSource } from './source.js';

const KEY = Symbol('vms.loaders');

function createLoaders(source: VmsSource) {
  return {
    vmByUuid: nullableLoader(
      (uuids: readonly string[]) => source.getVms(uuids),
      (vm) => vm.uuid,
    ),
    vmByName: nullableLoader(
      (names: readonly string[]) => source.getVmsByName(names),
      (vm) => vm.name,
    ),
    vmsOnNode: groupLoader(
      (nodes: readonly string[]) => source.vmsOnNodes(nodes),
      (vm) => vm.node ?? '',
    ),
    vmsOfPool: groupLoader(
      (poolIds: readonly string[]) => source.vmsOfPools(poolIds),
      (vm) => vm.poolId ?? '',
    ),
    usersOfVm: groupLoader(
      (uuids: readonly string[]) => source.usersOfVms(uuids),
      (row) => row.vmUuid,
    ),
    groupsOfVm: groupLoader(
      (uuids: readonly string[]) => source.groupsOfVms(uuids),
      (row) => row.vmUuid,
    ),
    vmsOfUser: groupLoader(
      (userIds: readonly string[]) => source.vmsOfUsers(userIds),
      (row) => row.userId,
    ),
    poolById: nullableLoader(
      (ids: readonly string[]) => source.getPools(ids),
      (pool) => pool.id,
    ),
    membersOfPool: groupLoader(
      (ids: readonly string[]) => source.poolMembers(ids),
      (row) => row.poolId,
    ),
  };
}

export type VmsLoaders = ReturnType<typeof createLoaders>;

/** This request's loaders of the vms subgraph. */
export function vmsLoaders(context: RequestContext, source: VmsSource): VmsLoaders {
  return scoped(context, KEY, () => createLoaders(source));
}
