import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { requireAuthenticated, type RequestContext } from '../kit/index.js';
import { CephOsd, RbdVolume } from './ceph.type.js';
import { EncryptedVolume } from './encrypted.type.js';
import { GlusterBrick } from './gluster.type.js';
import { volumesLoaders } from './loaders.js';
import { ClusterNodeRef, VirtualMachineRef } from './refs.type.js';
import type { VolumesSource } from './source.js';

/** The volumes subgraph's part of `ClusterNode`: its OSDs, bricks and encrypted volumes. */
@Resolver(() => ClusterNodeRef)
export class ClusterNodeVolumesResolver {
  constructor(private readonly source: VolumesSource) {}

  @FieldResolver(() => [CephOsd], { description: 'The Ceph OSDs on the node, ordered by id.' })
  async osds(@Root() node: ClusterNodeRef, @Ctx() context: RequestContext) {
    requireAuthenticated(context);
    return (await volumesLoaders(context, this.source).osdsOnNode.load(node.id)).map(CephOsd.from);
  }

  @FieldResolver(() => [GlusterBrick], {
    description: 'The Gluster bricks whose host is the node (by name or address), by volume and brick order.',
  })
  async bricks(@Root() node: ClusterNodeRef, @Ctx() context: RequestContext) {
    requireAuthenticated(context);
    const rows = await volumesLoaders(context, this.source).bricksOnNode.load(node.id);
    return rows.map((row) => GlusterBrick.from(row.volume, row));
  }

  @FieldResolver(() => [EncryptedVolume], {
    description: 'Encrypted volumes of instances running on the node.',
  })
  async encryptedVolumes(@Root() node: ClusterNodeRef, @Ctx() context: RequestContext) {
    requireAuthenticated(context);
    return (await volumesLoaders(context, this.source).encryptedVolumesOnNode.load(node.id)).map(
      EncryptedVolume.from,
    );
  }
}

/** The volumes subgraph's part of `VirtualMachine`: the RBD volumes of its disks. */
@Resolver(() => VirtualMachineRef)
export class VirtualMachineVolumesResolver {
  constructor(private readonly source: VolumesSource) {}

  @FieldResolver(() => [RbdVolume], {
    description:
      'The RBD volumes named by the VM’s disks (`pool/volume`), in disk order; disks naming no existing volume are left out.',
  })
  async volumes(@Root() vm: VirtualMachineRef, @Ctx() context: RequestContext) {
    requireAuthenticated(context);
    const rows = await volumesLoaders(context, this.source).volumesOfVm.load(vm.id);
    return rows.map((row) => RbdVolume.from(row.volume));
  }
}
