import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { badInput } from '../../errors/index.js';
import { requireAuthenticated, requirePrivileged, type RequestContext } from '../kit/index.js';
import { CommandOutcome } from '../kit/index.js';
import { GlusterPeer } from './peer.type.js';
import type { NodesSource } from './source.js';

/** Host names and addresses a peer may have; never starts with `-`, no shell metacharacters. */
const HOSTNAME = /^[A-Za-z0-9](?:[A-Za-z0-9.:-]{0,252}[A-Za-z0-9])?$/;

function checkHostname(hostname: string): string {
  if (!HOSTNAME.test(hostname)) {
    throw badInput(`'${hostname}' is not a valid host name or address`, {
      reason: 'INVALID_HOSTNAME',
      argument: 'hostname',
    });
  }
  return hostname;
}

@Resolver(() => GlusterPeer)
export class GlusterPeerResolver {
  constructor(private readonly source: NodesSource) {}

  @Query(() => [GlusterPeer], { description: 'The Gluster trusted storage pool, the answering node first.' })
  async glusterPeers(@Ctx() context: RequestContext) {
    requireAuthenticated(context);
    return (await this.source.listGlusterPeers()).map(GlusterPeer.from);
  }

  @Mutation(() => CommandOutcome, {
    description: 'Adds a host to the trusted storage pool (gluster peer probe).',
  })
  async probeGlusterPeer(@Ctx() context: RequestContext, @Arg('hostname', () => String) hostname: string) {
    requirePrivileged(context);
    return this.source.probeGlusterPeer(checkHostname(hostname));
  }

  @Mutation(() => CommandOutcome, {
    description: 'Removes a host from the trusted storage pool (gluster peer detach).',
  })
  async detachGlusterPeer(
    @Ctx() context: RequestContext,
    @Arg('hostname', () => String) hostname: string,
    @Arg('force', () => Boolean, { defaultValue: false }) force: boolean,
  ) {
    requirePrivileged(context);
    return this.source.detachGlusterPeer(checkHostname(hostname), force);
  }
}
