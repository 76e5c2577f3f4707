import { Directive, Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DateTime, JSONScalar, SafeInt } from '../kit/index.js';
import { ClusterNodeRef } from './refs.type.js';
import { humanSize } from './rules.js';
import type {
  CephOsdRecord,
  CephOsdStatsRecord,
  CephPoolRecord,
  CephPoolStatsRecord,
  CephStatusRecord,
  RbdSnapshotRecord,
  RbdVolumeRecord,
} from './source.js';

export enum CephHealth {
  HEALTH_OK = 'HEALTH_OK',
  HEALTH_WARN = 'HEALTH_WARN',
  HEALTH_ERR = 'HEALTH_ERR',
}
registerEnumType(CephHealth, { name: 'CephHealth', description: 'Overall Ceph cluster health.' });

@ObjectType({ description: 'The Ceph cluster as `ceph status` reports it.' })
export class CephStatus {
  @Field(() => String, { description: 'The cluster id (fsid).' }) fsid!: string;
  @Field(() => CephHealth) health!: CephHealth;
  @Field(() => String, { description: 'The raw `ceph status` text, trailing whitespace removed.' })
  text!: string;
  @Field(() => String, {
    nullable: true,
    description: 'Name of the primary coordinator node (the one PVC calls the primary node).',
  })
  primaryNodeName!: string | null;
  @Field(() => ClusterNodeRef, { nullable: true, description: 'The primary coordinator node.' })
  primaryNode!: ClusterNodeRef | null;
  @Field(() => [String], { description: 'OSD map flags currently set (`noout`, …).' }) osdFlags!: string[];

  static from(record: CephStatusRecord): CephStatus {
    return Object.assign(new CephStatus(), {
      fsid: record.fsid,
      health: record.health as CephHealth,
      text: record.text.replace(/\s+$/, ''),
      primaryNodeName: record.primaryNode,
      primaryNode: record.primaryNode ? ClusterNodeRef.of(record.primaryNode) : null,
      osdFlags: record.flags,
    });
  }
}

@ObjectType({
  description:
    'Statistics of an OSD: from the OSD map, the utilisation report (`ceph osd df`) and the status table (`ceph osd status`).',
})
export class CephOsdStats {
  @Field(() => String) uuid!: string;
  @Field(() => Int, { description: '1 when up, 0 when down (OSD map).' }) up!: number;
  @Field(() => Int, { description: '1 when in, 0 when out (OSD map).' }) in!: number;
  @Field(() => Float) primaryAffinity!: number;
  @Field(() => Float, { description: 'Used space in percent.' }) utilization!: number;
  @Field(() => Float, { description: 'Utilisation relative to the cluster average.' }) var!: number;
  @Field(() => Int, { description: 'Placement groups on the OSD.' }) pgs!: number;
  @Field(() => SafeInt, { description: 'Capacity in KiB.' }) kb!: number;
  @Field(() => String, { description: 'Capacity, human-readable (PVC form, e.g. `932G`).' }) size!: string;
  @Field(() => Float, { description: 'CRUSH weight.' }) weight!: number;
  @Field(() => Float) reweight!: number;
  @Field(() => String, { description: 'Host name as the status table gives it.' }) node!: string;
  @Field(() => String, { description: 'Used space as the status table prints it (`120G`).' }) used!: string;
  @Field(() => String, { description: 'Free space as the status table prints it.' }) avail!: string;
  @Field(() => String) wrOps!: string;
  @Field(() => String) wrData!: string;
  @Field(() => String) rdOps!: string;
  @Field(() => String) rdData!: string;
  @Field(() => String, { description: 'State words, e.g. `exists,up`.' }) state!: string;

  static from(record: CephOsdStatsRecord): CephOsdStats {
    return Object.assign(new CephOsdStats(), { ...record, size: humanSize(record.kb * 1024) });
  }
}

@ObjectType({ description: 'A Ceph object storage daemon (one block device on one node).' })
@Directive('@key(fields: "id")')
export class CephOsd {
  @Field(() => ID, { description: 'The OSD id (decimal digits).' }) id!: string;
  @Field(() => String, { description: 'Name of the node the OSD runs on.' }) nodeName!: string;
  @Field(() => ClusterNodeRef) node!: ClusterNodeRef;
  @Field(() => String, { description: 'The block device, e.g. `/dev/sdb`.' }) device!: string;
  @Field(() => Float, { description: 'CRUSH weight.' }) weight!: number;
  @Field(() => Boolean) up!: boolean;
  @Field(() => Boolean, { description: 'Whether the OSD is in the cluster (takes data).' }) in!: boolean;
  @Field(() => CephOsdStats, {
    nullable: true,
    description: 'Null while the cluster has not reported statistics.',
  })
  stats!: CephOsdStats | null;

  static from(record: CephOsdRecord): CephOsd {
    return Object.assign(new CephOsd(), {
      id: record.id,
      nodeName: record.node,
      node: ClusterNodeRef.of(record.node),
      device: record.device,
      weight: record.weight,
      up: record.up,
      in: record.in,
      stats: record.stats ? CephOsdStats.from(record.stats) : null,
    });
  }
}

@ObjectType({ description: 'Statistics of a pool (`rados df`).' })
export class CephPoolStats {
  @Field(() => Int, { description: 'The pool’s numeric id.' }) id!: number;
  @Field(() => SafeInt) sizeBytes!: number;
  @Field(() => String, { description: 'sizeBytes, human-readable.' }) sizeFormatted!: string;
  @Field(() => SafeInt) numObjects!: number;
  @Field(() => SafeInt) numObjectClones!: number;
  @Field(() => SafeInt) numObjectCopies!: number;
  @Field(() => SafeInt) numObjectsMissingOnPrimary!: number;
  @Field(() => SafeInt) numObjectsUnfound!: number;
  @Field(() => SafeInt) numObjectsDegraded!: number;
  @Field(() => SafeInt) readOps!: number;
  @Field(() => SafeInt) readBytes!: number;
  @Field(() => String, { description: 'readBytes, human-readable.' }) readFormatted!: string;
  @Field(() => SafeInt) writeOps!: number;
  @Field(() => SafeInt) writeBytes!: number;
  @Field(() => String, { description: 'writeBytes, human-readable.' }) writeFormatted!: string;

  static from(record: CephPoolStatsRecord): CephPoolStats {
    return Object.assign(new CephPoolStats(), {
      ...record,
      sizeFormatted: humanSize(record.sizeBytes),
      readFormatted: humanSize(record.readBytes),
      writeFormatted: humanSize(record.writeBytes),
    });
  }
}

@ObjectType({ description: 'An RBD pool.' })
@Directive('@key(fields: "id")')
export class CephPool {
  @Field(() => ID, { description: 'The pool’s name.' }) id!: string;
  @Field(() => String) name!: string;
  @Field(() => Int, { description: 'Placement groups.' }) pgs!: number;
  @Field(() => CephPoolStats) stats!: CephPoolStats;

  static from(record: CephPoolRecord): CephPool {
    return Object.assign(new CephPool(), {
      id: record.name,
      name: record.name,
      pgs: record.pgs,
      stats: CephPoolStats.from(record.stats),
    });
  }
}

@ObjectType({ description: 'An RBD volume (image).' })
@Directive('@key(fields: "id")')
export class RbdVolume {
  @Field(() => ID, { description: '`pool/name`.' }) id!: string;
  @Field(() => String) name!: string;
  @Field(() => String, { description: 'Name of the pool holding the volume.' }) poolName!: string;
  @Field(() => SafeInt, { description: 'Provisioned size in bytes.' }) sizeBytes!: number;
  @Field(() => String, { description: 'sizeBytes, human-readable (PVC form).' }) sizeFormatted!: string;
  /** Read for `stats` only: building `rbd info` for every volume of a long list costs more than the list. */
  private record!: RbdVolumeRecord;

  @Field(() => JSONScalar, {
    description: 'The image information as `rbd info --format json` reports it (`size` in bytes).',
  })
  get stats(): Record<string, unknown> {
    return this.record.info;
  }

  static from(record: RbdVolumeRecord): RbdVolume {
    return Object.assign(new RbdVolume(), {
      id: `${record.pool}/${record.name}`,
      name: record.name,
      poolName: record.pool,
      sizeBytes: record.sizeBytes,
      sizeFormatted: humanSize(record.sizeBytes),
      record,
    });
  }
}

@ObjectType({ description: 'A snapshot of an RBD volume.' })
@Directive('@key(fields: "id")')
export class RbdSnapshot {
  @Field(() => ID, { description: '`pool/volume@name`.' }) id!: string;
  @Field(() => String) name!: string;
  @Field(() => String) poolName!: string;
  @Field(() => String, { description: 'Name of the snapshotted volume.' }) volumeName!: string;
  @Field(() => DateTime, { nullable: true }) createdAt!: Date | null;

  static from(record: RbdSnapshotRecord): RbdSnapshot {
    return Object.assign(new RbdSnapshot(), {
      id: `${record.pool}/${record.volume}@${record.name}`,
      name: record.name,
      poolName: record.pool,
      volumeName: record.volume,
      createdAt: record.createdAt ? new Date(record.createdAt) : null,
    });
  }
}
