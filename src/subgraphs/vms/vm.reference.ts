import { requireAuthenticated, type ReferenceResolver } from '../kit/index.js';
import { seesEverything, visibleVms } from './access.js';
import { vmsLoaders } from './loaders.js';
import { VmPool } from './pool.type.js';
import type { VmsSource } from './source.js';
import { VirtualMachine } from './vm.type.js';

/**
 * Resolves `VirtualMachine` references from other subgraphs: authenticated principals, and only
 * the VMs they may see (null otherwise). Batched through the request's loaders.
 */
export function virtualMachineReference(source: VmsSource): ReferenceResolver {
  return async (reference, context) => {
    requireAuthenticated(context);
    const record = await vmsLoaders(context, source).vmByUuid.load(String(reference.id));
    if (!record) return null;
    const [visible] = await visibleVms(context, source, [record]);
    return visible ? VirtualMachine.from(visible) : null;
  };
}

/** Resolves `VmPool` references: administrators see every pool, users the pools they may use. */
export function vmPoolReference(source: VmsSource): ReferenceResolver {
  return async (reference, context) => {
    const principal = requireAuthenticated(context);
    const loaders = vmsLoaders(context, source);
    const id = String(reference.id);
    const record = await loaders.poolById.load(id);
    if (!record) return null;
    if (seesEverything(principal)) return VmPool.from(record);
    if (principal.kind !== 'user') return null;
    const members = await loaders.membersOfPool.load(id);
    const member = members.some(
      (row) =>
        (row.kind === 'user' && row.member === principal.id) ||
        (row.kind === 'group' && principal.groups.includes(row.member)),
    );
    return member ? VmPool.from(record) : null;
  };
}
