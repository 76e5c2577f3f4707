import { Directive, Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ClusterNodeRef } from './refs.type.js';
import type {
  GlusterBrickRecord,
  GlusterBrickStatusRecord,
  GlusterRebalanceCounters,
  GlusterRebalanceRecord,
  GlusterVolumeRecord,
} from './source.js';

export enum GlusterVolumeStatus {
  CREATED = 'Created',
  STARTED = 'Started',
  STOPPED = 'Stopped',
}
registerEnumType(GlusterVolumeStatus, {
  name: 'GlusterVolumeStatus',
  description: 'Lifecycle state of a Gluster volume.',
});

export enum GlusterVolumeType {
  DISTRIBUTE = 'Distribute',
  STRIPE = 'Stripe',
  REPLICATE = 'Replicate',
  STRIPED_REPLICATE = 'Striped-Replicate',
  DISPERSE = 'Disperse',
  TIER = 'Tier',
  DISTRIBUTED_STRIPE = 'Distributed-Stripe',
  DISTRIBUTED_REPLICATE = 'Distributed-Replicate',
  DISTRIBUTED_STRIPED_REPLICATE = 'Distributed-Striped-Replicate',
  DISTRIBUTED_DISPERSE = 'Distributed-Disperse',
}
registerEnumType(GlusterVolumeType, {
  name: 'GlusterVolumeType',
  description: 'Volume layout; the value names are the tool’s type text upper-cased with `-` as `_`.',
});

export enum GlusterTransport {
  TCP = 'tcp',
  RDMA = 'rdma',
  TCP_RDMA = 'tcp,rdma',
}
registerEnumType(GlusterTransport, {
  name: 'GlusterTransport',
  description: 'Brick transport; TCP_RDMA is the tool’s `tcp,rdma`.',
});

@ObjectType({ description: 'Ports a brick process listens on; `N/A` where it does not.' })
export class GlusterBrickPorts {
  @Field(() => String) tcp!: string;
  @Field(() => String) rdma!: string;
}

@ObjectType({
  description: 'A brick as `gluster volume status … detail` reports it (strings as the tool prints them).',
})
export class GlusterBrickStatus {
  @Field(() => Boolean) online!: boolean;
  @Field(() => String) pid!: string;
  @Field(() => GlusterBrickPorts) ports!: GlusterBrickPorts;
  @Field(() => String, { description: 'Total bytes of the brick file system.' }) sizeTotal!: string;
  @Field(() => String, { description: 'Free bytes.' }) sizeFree!: string;
  @Field(() => String) device!: string;
  @Field(() => String) blockSize!: string;
  @Field(() => String) mntOptions!: string;
  @Field(() => String) fsName!: string;

  static from(record: GlusterBrickStatusRecord): GlusterBrickStatus {
    return Object.assign(new GlusterBrickStatus(), {
      online: record.online,
      pid: record.pid,
      ports: { tcp: record.tcpPort, rdma: record.rdmaPort },
      sizeTotal: record.sizeTotal,
      sizeFree: record.sizeFree,
      device: record.device,
      blockSize: record.blockSize,
      mntOptions: record.mntOptions,
      fsName: record.fsName,
    });
  }
}

@ObjectType({ description: 'A brick: one directory on one host, part of a Gluster volume.' })
export class GlusterBrick {
  /** The volume's name (not a GraphQL field; for the status loader). */
  volumeName!: string;

  @Field(() => String, { description: '`host:/path`.' }) name!: string;
  @Field(() => String) host!: string;
  @Field(() => String) path!: string;
  @Field(() => String, { nullable: true, description: 'UUID of the peer the host is.' }) peerUuid!:
    string | null;
  @Field(() => ClusterNodeRef, {
    nullable: true,
    description: 'The cluster node the host is, when it is one.',
  })
  node!: ClusterNodeRef | null;

  static from(volume: string, record: GlusterBrickRecord): GlusterBrick {
    return Object.assign(new GlusterBrick(), {
      volumeName: volume,
      name: `${record.host}:${record.path}`,
      host: record.host,
      path: record.path,
      peerUuid: record.peerUuid,
      node: record.node ? ClusterNodeRef.of(record.node) : null,
    });
  }
}

@ObjectType({ description: 'A volume option and its value.' })
export class GlusterOption {
  @Field(() => String) name!: string;
  @Field(() => String) value!: string;
}

@ObjectType('GlusterRebalanceCounters', {
  description: 'Rebalance counters (strings, as the tool reports them).',
})
export class GlusterRebalanceCountersType {
  @Field(() => String) files!: string;
  @Field(() => String, { description: 'Bytes moved.' }) size!: string;
  @Field(() => String) lookups!: string;
  @Field(() => String) failures!: string;
  @Field(() => String) skipped!: string;
  @Field(() => String, {
    description: '`not started`, `in progress`, `completed`, `stopped` or `failed`.',
  })
  status!: string;
  @Field(() => String, { description: 'Seconds, with two decimals.' }) runtime!: string;
}

@ObjectType({ description: 'Rebalance progress on one node.' })
export class GlusterRebalanceNode extends GlusterRebalanceCountersType {
  @Field(() => String) nodeName!: string;
  @Field(() => String, { description: 'The node’s peer UUID.' }) id!: string;
}

@ObjectType({ description: 'The last rebalance of a volume (`volume rebalance … status`).' })
export class GlusterRebalanceStatus {
  @Field(() => String) taskId!: string;
  @Field(() => String, { description: '`START`, `STOP`, `STATUS`, `START_LAYOUT_FIX`, `START_FORCE`.' })
  opType!: string;
  @Field(() => Int) nodeCount!: number;
  @Field(() => [GlusterRebalanceNode]) nodes!: GlusterRebalanceNode[];
  @Field(() => GlusterRebalanceCountersType) aggregate!: GlusterRebalanceCounters;

  static from(record: GlusterRebalanceRecord): GlusterRebalanceStatus {
    return Object.assign(new GlusterRebalanceStatus(), {
      taskId: record.taskId,
      opType: record.opType,
      nodeCount: record.nodes.length,
      nodes: record.nodes,
      aggregate: record.aggregate,
    });
  }
}

@ObjectType({ description: 'A Gluster volume.' })
@Directive('@key(fields: "id")')
export class GlusterVolume {
  @Field(() => ID, { description: 'The volume’s name.' }) id!: string;
  @Field(() => String) name!: string;
  @Field(() => String, { description: 'The volume id.' }) uuid!: string;
  @Field(() => GlusterVolumeStatus) status!: GlusterVolumeStatus;
  @Field(() => GlusterVolumeType) type!: GlusterVolumeType;
  @Field(() => Int) brickCount!: number;
  @Field(() => Int, { description: 'Number of distribute subvolumes.' }) distributeCount!: number;
  @Field(() => Int) stripeCount!: number;
  @Field(() => Int) replicaCount!: number;
  @Field(() => Int) arbiterCount!: number;
  @Field(() => Int) disperseCount!: number;
  @Field(() => Int) redundancyCount!: number;
  @Field(() => GlusterTransport) transport!: GlusterTransport;
  @Field(() => [GlusterBrick], { description: 'In volume order.' }) bricks!: GlusterBrick[];
  @Field(() => [GlusterOption], { description: 'Reconfigured options, in volume order.' })
  options!: GlusterOption[];

  static from(record: GlusterVolumeRecord): GlusterVolume {
    return Object.assign(new GlusterVolume(), {
      id: record.name,
      name: record.name,
      uuid: record.uuid,
      status: record.status as GlusterVolumeStatus,
      type: record.type as GlusterVolumeType,
      brickCount: record.brickCount,
      distributeCount: record.distributeCount,
      stripeCount: record.stripeCount,
      replicaCount: record.replicaCount,
      arbiterCount: record.arbiterCount,
      disperseCount: record.disperseCount,
      redundancyCount: record.redundancyCount,
      transport: record.transport as GlusterTransport,
      bricks: record.bricks.map((brick) => GlusterBrick.from(record.name, brick)),
      options: record.options.map((option) => Object.assign(new GlusterOption(), option)),
    });
  }
}
