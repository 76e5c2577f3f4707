import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import { requireAuthenticated, requirePrivileged, type RequestContext } from '../kit/index.js';
import { visibleVms } from './access.js';
import { vmsLoaders } from './loaders.js';
import { planFlush, planReady } from './placement.js';
import type { VmsSource } from './source.js';
import { ClusterNodeRef, VirtualMachine } from './vm.type.js';
import { nodeNotFound } from './vm.resolver.js';

/** The vms subgraph's part of `ClusterNode`: its VMs, and flush/ready (they move VMs). */
@Resolver(() => ClusterNodeRef)
export class ClusterNodeVmsResolver {
  constructor(private readonly source: VmsSource) {}

  @FieldResolver(() => [VirtualMachine], {
    description: 'The VMs placed on the node (those the caller may see), ordered by name.',
  })
  async vms(@Root() node: ClusterNodeRef, @Ctx() context: RequestContext) {
    requireAuthenticated(context);
    const vms = await vmsLoaders(context, this.source).vmsOnNode.load(node.id);
    return (await visibleVms(context, this.source, vms)).map((vm) => VirtualMachine.from(vm));
  }

  @Mutation(() => ClusterNodeRef, {
    description:
      'Flushes a node: sets its domain state to flush and migrates its running VMs away (selector mem), each remembering the node as its last node. Flushing a flushed node succeeds. NOT_FOUND NODE_NOT_FOUND.',
  })
  async flushNode(@Ctx() context: RequestContext, @Arg('node', () => ID) node: string) {
    requirePrivileged(context);
    await this.requireNode(node);
    const [candidates, vms] = await Promise.all([
      this.source.placementCandidates(),
      this.source.vmsOnNodes([node]),
    ]);
    await this.source.setNodeDomainState(node, 'flush', planFlush(node, candidates, vms));
    return ClusterNodeRef.of(node);
  }

  @Mutation(() => ClusterNodeRef, {
    description:
      'Returns a flushed node to service: sets its domain state to ready and brings back the VMs whose last node it is. NOT_FOUND NODE_NOT_FOUND.',
  })
  async readyNode(@Ctx() context: RequestContext, @Arg('node', () => ID) node: string) {
    requirePrivileged(context);
    await this.requireNode(node);
    const vms = await this.source.listVms();
    await this.source.setNodeDomainState(node, 'ready', planReady(node, vms));
    return ClusterNodeRef.of(node);
  }

  private async requireNode(node: string): Promise<void> {
    const [exists] = await this.source.existingNodes([node]);
    if (!exists) throw nodeNotFound(node);
  }
}
