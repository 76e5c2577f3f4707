import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { conflict, notFound } from '../../errors/index.js';
import {
  compilePattern,
  connectionType,
  paginate,
  requireAuthenticated,
  requirePrivileged,
  type RequestContext,
} from '../kit/index.js';
import { ClusterNodeFilter, RouterMode } from './node.inputs.js';
import { nodesLoaders } from './loaders.js';
import { ClusterNode, NodeDaemonState } from './node.type.js';
import type { NodesSource } from './source.js';

export const ClusterNodeConnection = connectionType('ClusterNode', ClusterNode);

@Resolver(() => ClusterNode)
export class ClusterNodeResolver {
  constructor(private readonly source: NodesSource) {}

  @Query(() => ClusterNodeConnection, { description: 'Cluster nodes, ordered by name.' })
  async clusterNodes(
    @Ctx() context: RequestContext,
    @Arg('filter', () => ClusterNodeFilter, { nullable: true }) filter?: ClusterNodeFilter | null,
    @Arg('first', () => Int, { nullable: true }) first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ) {
    requireAuthenticated(context);
    const pattern = filter?.nameMatches ? compilePattern(filter.nameMatches, 'filter.nameMatches') : null;
    const records = await this.source.listNodes();
    const nodes = records.filter((node) => !pattern || pattern.test(node.name)).map(ClusterNode.from);
    return paginate(nodes, (node) => node.id, { first, after });
  }

  @Query(() => ClusterNode, { nullable: true, description: 'One node by name.' })
  async clusterNode(@Ctx() context: RequestContext, @Arg('id', () => ID) id: string) {
    requireAuthenticated(context);
    const record = await nodesLoaders(context, this.source).nodeByName.load(id);
    return record ? ClusterNode.from(record) : null;
  }

  @Mutation(() => ClusterNode, {
    description:
      'Puts a coordinator in primary or secondary router mode. Fails with NOT_FOUND, or CONFLICT with reason NODE_NOT_COORDINATOR, NODE_NOT_ACTIVE or ALREADY_IN_MODE, checked in that order.',
  })
  async setRouterMode(
    @Ctx() context: RequestContext,
    @Arg('node', () => ID) name: string,
    @Arg('mode', () => RouterMode) mode: RouterMode,
  ) {
    requirePrivileged(context);
    const [node] = await this.source.getNodes([name]);
    if (!node)
      throw notFound(`No node named '${name}' is present in the cluster.`, {
        reason: 'NODE_NOT_FOUND',
        node: name,
      });
    if (node.coordinatorState === 'client') {
      throw conflict(`Cannot change router mode on non-coordinator node '${name}'`, {
        reason: 'NODE_NOT_COORDINATOR',
        node: name,
      });
    }
    if (node.daemonState !== NodeDaemonState.RUN) {
      throw conflict(`Node '${name}' is not active`, { reason: 'NODE_NOT_ACTIVE', node: name });
    }
    if (node.coordinatorState === mode) {
      throw conflict(`Node ${name} is already in ${mode} router mode.`, {
        reason: 'ALREADY_IN_MODE',
        node: name,
        mode,
      });
    }
    await this.source.setCoordinatorState(name, mode);
    const [updated] = await this.source.getNodes([name]);
    return ClusterNode.from(updated ?? { ...node, coordinatorState: mode });
  }
}
