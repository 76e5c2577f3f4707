/**
 * VM placement, as PVC does it: a given node wins; otherwise a selector picks among the nodes
 * whose daemon runs and whose domain state is ready, excluding the VM's current node (among all
 * nodes when none qualifies). Pure functions of the candidates.
 */
import type { PlacementCandidate, VmMove, VmRecord } from './source.js';
import { ACTIVE_STATES } from './rules.js';

export type PlacementSelector = 'mem' | 'load' | 'vcpus' | 'vms';
export const PLACEMENT_SELECTORS: readonly PlacementSelector[] = ['mem', 'load', 'vcpus', 'vms'];

/** `mem` for an empty, absent or unknown selector (PVC's default). */
export function normalizeSelector(selector: string | null | undefined): PlacementSelector {
  return (PLACEMENT_SELECTORS as readonly string[]).includes(selector ?? '')
    ? (selector as PlacementSelector)
    : 'mem';
}

const METRIC: Record<PlacementSelector, (candidate: PlacementCandidate) => number> = {
  mem: (candidate) => candidate.memoryAllocatedMiB,
  load: (candidate) => candidate.load,
  vcpus: (candidate) => candidate.vcpusAllocated,
  vms: (candidate) => candidate.vmCount,
};

/**
 * The node the selector chooses, or null when the cluster has no node at all. Ties go to the
 * first node in name order.
 */
export function chooseNode(
  candidates: readonly PlacementCandidate[],
  selector: PlacementSelector,
  currentNode: string | null,
): string | null {
  const sorted = [...candidates].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const qualified = sorted.filter(
    (node) => node.daemonState === 'run' && node.domainState === 'ready' && node.name !== currentNode,
  );
  const pool = qualified.length > 0 ? qualified : sorted;
  const metric = METRIC[selector];
  let best: PlacementCandidate | null = null;
  for (const node of pool) if (!best || metric(node) < metric(best)) best = node;
  return best?.name ?? null;
}

/**
 * Where a node flush sends the node's running VMs: one by one, by the `mem` selector, each
 * placement counted before the next; each VM remembers the flushed node as its last node. A VM
 * for which the only choice would be the flushed node itself stays.
 */
export function planFlush(
  node: string,
  candidates: readonly PlacementCandidate[],
  vms: readonly VmRecord[],
): VmMove[] {
  const working = candidates.map((candidate) =>
    candidate.name === node ? { ...candidate, domainState: 'flush' } : { ...candidate },
  );
  const moves: VmMove[] = [];
  for (const vm of vms) {
    if (vm.node !== node || vm.state !== 'start') continue;
    const target = chooseNode(
      working.filter((candidate) => candidate.name !== node),
      'mem',
      node,
    );
    if (!target) continue;
    moves.push({ uuid: vm.uuid, from: node, to: target, lastNode: node });
    const chosen = working.find((candidate) => candidate.name === target);
    if (chosen && ACTIVE_STATES(vm.state)) {
      chosen.memoryAllocatedMiB += vm.memoryMiB;
      chosen.vcpusAllocated += vm.vcpus;
      chosen.vmCount += 1;
    }
  }
  return moves;
}

/** Where a node readied again takes back the VMs whose last node it is. */
export function planReady(node: string, vms: readonly VmRecord[]): VmMove[] {
  return vms
    .filter((vm) => vm.lastNode === node)
    .map((vm) => ({ uuid: vm.uuid, from: vm.node, to: node, lastNode: null }));
}
