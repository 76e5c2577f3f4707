import { Directive, Field, ID, ObjectType } from 'type-graphql';

/** A cluster node, owned by the nodes subgraph. */
@ObjectType('ClusterNode', { description: 'A cluster node (owned by the nodes subgraph).' })
@Directive('@key(fields: "id")')
export class ClusterNodeRef {
  @Field(() => ID, { description: 'The node’s name.' }) id!: string;

  static of(name: string): ClusterNodeRef {
    return Object.assign(new ClusterNodeRef(), { id: name });
  }
}

/** A virtual machine, owned by the vms subgraph. */
@ObjectType('VirtualMachine', { description: 'A virtual machine (owned by the vms subgraph).' })
@Directive('@key(fields: "id")')
export class VirtualMachineRef {
  @Field(() => ID, { description: 'The VM’s UUID.' }) id!: string;
}
