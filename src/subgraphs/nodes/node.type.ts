import { Directive, Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { NodeRecord } from './source.js';

export enum NodeRole {
  HYPERVISOR = 'hypervisor',
  STORAGE = 'storage',
  COORDINATOR = 'coordinator',
}
registerEnumType(NodeRole, { name: 'NodeRole', description: 'What a cluster node is used for.' });

export enum NodeDaemonState {
  RUN = 'run',
  STOP = 'stop',
  INIT = 'init',
  SHUTDOWN = 'shutdown',
  DEAD = 'dead',
}
registerEnumType(NodeDaemonState, { name: 'NodeDaemonState', description: 'State of the node daemon.' });

export enum NodeCoordinatorState {
  PRIMARY = 'primary',
  SECONDARY = 'secondary',
  CLIENT = 'client',
}
registerEnumType(NodeCoordinatorState, {
  name: 'NodeCoordinatorState',
  description: 'Router role: coordinators are primary or secondary, other nodes are clients.',
});

export enum NodeDomainState {
  READY = 'ready',
  FLUSH = 'flush',
  FLUSHED = 'flushed',
  UNFLUSH = 'unflush',
}
registerEnumType(NodeDomainState, {
  name: 'NodeDomainState',
  description:
    'Whether the node takes VMs (ready), is evacuating them (flush, flushed) or taking them back (unflush).',
});

@ObjectType({ description: 'Memory of a node, in MiB.' })
export class NodeMemory {
  @Field(() => Int) totalMiB!: number;
  @Field(() => Int) usedMiB!: number;
  @Field(() => Int) freeMiB!: number;
  @Field(() => Int, { description: 'Memory of the VMs placed on the node.' }) allocatedMiB!: number;
}

@ObjectType({ description: 'CPU capacity of a node.' })
export class NodeVcpu {
  @Field(() => Int, { description: 'Equals the node’s CPU count.' }) total!: number;
  @Field(() => Int, { description: 'vCPUs of the VMs placed on the node.' }) allocated!: number;
}

@ObjectType({ description: 'A hypervisor or storage host of the cluster.' })
@Directive('@key(fields: "id")')
export class ClusterNode {
  @Field(() => ID, { description: 'The node’s name.' }) id!: string;
  @Field(() => String) name!: string;
  @Field(() => [NodeRole]) roles!: NodeRole[];
  @Field(() => NodeDaemonState) daemonState!: NodeDaemonState;
  @Field(() => NodeCoordinatorState) coordinatorState!: NodeCoordinatorState;
  @Field(() => NodeDomainState) domainState!: NodeDomainState;
  @Field(() => Int) cpuCount!: number;
  @Field(() => NodeVcpu) vcpu!: NodeVcpu;
  @Field(() => NodeMemory) memory!: NodeMemory;
  @Field(() => Float, { description: 'One-minute load average.' }) load!: number;
  @Field(() => String) os!: string;
  @Field(() => String) kernel!: string;
  @Field(() => String) arch!: string;
  @Field(() => String, { nullable: true, description: 'Management address (IP or DNS name).' })
  address!: string | null;

  static from(record: NodeRecord): ClusterNode {
    return Object.assign(new ClusterNode(), {
      id: record.name,
      name: record.name,
      roles: record.roles as NodeRole[],
      daemonState: record.daemonState as NodeDaemonState,
      coordinatorState: record.coordinatorState as NodeCoordinatorState,
      domainState: record.domainState as NodeDomainState,
      cpuCount: record.cpuCount,
      // The allocations are sums over the node's VMs: read only when selected.
      vcpu: {
        total: record.cpuCount,
        get allocated() {
          return record.vcpuAllocated;
        },
      },
      memory: record.memory,
      load: record.load,
      os: record.os,
      kernel: record.kernel,
      arch: record.arch,
      address: record.address,
    });
  }
}
