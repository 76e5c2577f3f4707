/**
 * The volumes subgraph: Ceph (cluster status, `CephOsd`, `CephPool`, `RbdVolume`,
 * `RbdSnapshot`), Gluster volumes (`GlusterVolume`: bricks, options, rebalance, barrier) and
 * LUKS-encrypted instance volumes (`EncryptedVolume`), plus the volumes parts of `ClusterNode`
 * and `VirtualMachine`.
 */
// type-graphql decorators need the metadata polyfill before any of this subgraph's classes load.
import 'reflect-metadata';
import { buildFederatedSubgraph, type Subgraph } from '../kit/index.js';
import {
  CephPoolFieldsResolver,
  CephResolver,
  RbdSnapshotFieldsResolver,
  RbdVolumeFieldsResolver,
} from './ceph.resolver.js';
import { EncryptedVolumeResolver, EncryptedVolumeWorkerResolver } from './encrypted.resolver.js';
import { ClusterNodeVolumesResolver, VirtualMachineVolumesResolver } from './extensions.resolver.js';
import { GlusterBrickResolver, GlusterVolumeResolver } from './gluster.resolver.js';
import { VirtualMachineRef } from './refs.type.js';
import type { VolumesSource } from './source.js';
import { volumesReferences } from './volume.reference.js';

export type * from './source.js';
export {
  planGlusterVolume,
  parseSize,
  humanSize,
  CEPH_NAME,
  GLUSTER_NAME,
  ENCRYPTED_NAME,
  DEVICE,
  HOSTNAME,
  CEPH_OSD_FLAGS,
  GLUSTER_OPTIONS,
  type GlusterCreateRequest,
  type GlusterVolumePlan,
} from './rules.js';

export interface VolumesSubgraphSources {
  volumes: VolumesSource;
}

export function buildVolumesSubgraph(sources: VolumesSubgraphSources): Subgraph {
  const source = sources.volumes;
  return buildFederatedSubgraph({
    name: 'volumes',
    resolvers: [
      new CephResolver(source),
      new CephPoolFieldsResolver(source),
      new RbdVolumeFieldsResolver(source),
      new RbdSnapshotFieldsResolver(source),
      new GlusterVolumeResolver(source),
      new GlusterBrickResolver(source),
      new EncryptedVolumeResolver(source),
      new EncryptedVolumeWorkerResolver(source),
      new ClusterNodeVolumesResolver(source),
      new VirtualMachineVolumesResolver(source),
    ],
    // The VirtualMachine stub is reached only through its field resolver.
    orphanedTypes: [VirtualMachineRef],
    references: volumesReferences(source),
  });
}
